// Opens the listening sockets the way a multi-threaded DNS server needs
// them: SO_REUSEPORT so every worker has its own socket on the same port
// (the kernel spreads flows across them), IPv6 sockets IPv6-only, and
// packet info on wildcard UDP binds so replies leave from the address the
// query was sent to. Since SO_REUSEPORT would as willingly share the port
// with a second dnsd started by mistake, each address is probed first.
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

// Whether another socket (of this process or any other) already holds
// `endpoint` over UDP or TCP: binds probe sockets without SO_REUSEPORT
// and closes them. AlreadyExists names the address. Returns the port,
// chosen by the kernel if the endpoint's is 0: a port free on both.
absl::StatusOr<uint16_t> ProbeListenAddress(Endpoint endpoint);
bool IsWildcard(const Endpoint& endpoint);

}  // namespace dnsd

#endif  // DNSD_SERVER_SOCKET_H_
