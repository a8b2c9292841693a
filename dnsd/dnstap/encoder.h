// Encodes an Event as a dnstap protobuf payload (dnstap.proto), the bytes
// of one Frame Streams data frame. Runs on the writer thread only: protobuf-c
// packs into the caller's buffer, and nothing here touches the answer path.
#ifndef DNSD_DNSTAP_ENCODER_H_
#define DNSD_DNSTAP_ENCODER_H_

#include <cstdint>
#include <vector>

#include "dnsd/dnstap/event.h"
#include "dnsd/dnstap/options.h"

namespace dnsd::dnstap {

enum class MessageType { kAuthQuery = 1, kAuthResponse = 2 };

// The most octets Encode appends for one event: both messages, addresses,
// times, identity and version (each at most 255), and protobuf's keys and
// lengths.
inline constexpr size_t kMaxEncoded = Event::kMaxQuery + Event::kMaxResponse + 2 * 255 + 256;

// Appends the payload for `event` as a `type` message to `out`; returns its
// size. AUTH_QUERY carries the query and its time; AUTH_RESPONSE the query,
// the response and both times (the query lets a reader match them). The
// client's address follows options.client_address.
size_t Encode(const Event& event, MessageType type, const Options& options,
              std::vector<uint8_t>& out);

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_ENCODER_H_
