// Opens the listening sockets the way a multi-threaded DNS server needs
// them: SO_REUSEPORT so every worker has its own socket on the same port
// (the kernel spreads flows across them), IPv6 sockets IPv6-only, and
// packet info on wildcard UDP binds so replies leave from the address the
// query was sent to.
#ifndef DNSD_SERVER_SOCKET_H_
#define DNSD_SERVER_SOCKET_H_

#include "absl/status/statusor.h"
#include "dnsd/protocol/net/endpoint.h"

namespace dnsd {

enum class SocketKind { kUdp, kTcp };

// A bound (and for TCP, listening) non-blocking socket. If the endpoint's
// port is 0 the kernel picks one; LocalPort() tells which.
absl::StatusOr<int> OpenListenSocket(const Endpoint& endpoint, SocketKind kind);
uint16_t LocalPort(int fd);
bool IsWildcard(const Endpoint& endpoint);

}  // namespace dnsd

#endif  // DNSD_SERVER_SOCKET_H_
