// Listen addresses as written in configuration and on the command line:
// "127.0.0.1:5300", "[::1]:5300", "0.0.0.0:53", "[::]:53".
#ifndef DNSD_PROTOCOL_NET_ENDPOINT_H_
#define DNSD_PROTOCOL_NET_ENDPOINT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd {

struct Endpoint {
  IpAddress address;
  bool v6 = false;  // how it was written: "[...]" binds an IPv6 socket
  uint16_t port = 0;
};

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text);
std::string FormatEndpoint(const Endpoint& endpoint);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_NET_ENDPOINT_H_
