// One answered query as a worker copies it into its ring: both messages'
// wire bytes, both ends' addresses and ports, the transport and the times.
// Plain data of fixed size, so a ring of them is allocated once.
#ifndef DNSD_DNSTAP_EVENT_H_
#define DNSD_DNSTAP_EVENT_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace dnsd::dnstap {

struct Endpoint {
  bool v6 = false;
  std::array<uint8_t, 16> address{};  // IPv4 in the first 4 octets
  uint16_t port = 0;
};

struct Event {
  // Larger messages are not copied: the event is dropped and counted.
  // Queries are small (a question and an OPT); UDP answers are at most
  // udp_payload (4096) octets, and few TCP answers are longer.
  static constexpr size_t kMaxQuery = 512;
  static constexpr size_t kMaxResponse = 4096;

  uint64_t query_time_ns = 0;     // CLOCK_REALTIME, at receive
  uint64_t response_time_ns = 0;  // CLOCK_REALTIME, once answered
  bool tcp = false;
  Endpoint client;  // the query's source: dnstap's query_address
  Endpoint server;  // dnsd's own address: dnstap's response_address
  uint16_t query_size = 0;
  uint16_t response_size = 0;
  std::array<uint8_t, kMaxQuery> query;
  std::array<uint8_t, kMaxResponse> response;
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_EVENT_H_
