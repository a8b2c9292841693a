// What dnstap writes, where, and for which answers: the server file's
// `dnstap:` section (config/README.md) as the writer and the workers use it.
#ifndef DNSD_DNSTAP_OPTIONS_H_
#define DNSD_DNSTAP_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace dnsd::dnstap {

// How much of the client's (the resolver's) address a message carries.
enum class ClientAddress : uint8_t {
  kFull,    // as received
  kPrefix,  // host bits cleared past ipv4_prefix / ipv6_prefix
  kNone,    // no address and no port
};

struct Options {
  // Exactly one of the two: a Unix socket path, or a TCP address and port.
  std::string unix_path;
  std::string tcp_address;  // numeric IPv4 or IPv6
  uint16_t tcp_port = 0;

  bool queries = false;     // AUTH_QUERY as well as AUTH_RESPONSE
  int only_zone_kind = -1;  // log only answers from zones of this kind; -1: all
  uint32_t sample = 1;      // log every Nth eligible answer, per worker
  ClientAddress client_address = ClientAddress::kFull;
  int ipv4_prefix = 24;
  int ipv6_prefix = 56;

  std::string identity;  // dnstap's identity field; "" = left out
  std::string version;   // dnstap's version field

  size_t ring_slots = 1024;  // per worker (an Event is ~4.7 KB)
  std::chrono::milliseconds retry_initial{100};  // reconnect backoff, doubling
  std::chrono::milliseconds retry_max{2000};
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_OPTIONS_H_
