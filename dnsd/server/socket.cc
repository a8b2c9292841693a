#include "absl/strings/string_view.h"
#include "dnsd/server/socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

absl::Status Errno(absl::string_view what, const Endpoint& ep) {
  return absl::UnavailableError(
      absl::StrCat(what, " ", FormatEndpoint(ep), ": ", std::strerror(errno)));
}

bool SetInt(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof(value)) == 0;
}

socklen_t ToSockaddr(const Endpoint& ep, sockaddr_storage& ss) {
  ss = sockaddr_storage{};
  if (ep.v6) {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(ep.port);
    std::memcpy(&sa->sin6_addr, ep.address.bytes.data(), 16);
    return sizeof(*sa);
  }
  auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
  sa->sin_family = AF_INET;
  sa->sin_port = htons(ep.port);
  std::memcpy(&sa->sin_addr, ep.address.v4(), 4);
  return sizeof(*sa);
}

// Binds a socket of `type` to `ep` without SO_REUSEPORT and closes it again;
// the port it got (the kernel's choice when ep.port is 0). Only a socket
// without SO_REUSEPORT finds out that another process holds the port: with
// it, the kernel lets the two share it.
absl::StatusOr<uint16_t> BindProbe(const Endpoint& ep, int type, bool reuse_address) {
  int fd = socket(ep.v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket for", ep);
  bool ok = !reuse_address || SetInt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (ep.v6) ok = ok && SetInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  sockaddr_storage ss;
  socklen_t len = ToSockaddr(ep, ss);
  if (!ok || bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int error = errno;
    close(fd);
    errno = error;
    if (error != EADDRINUSE) return Errno("bind", ep);
    return absl::AlreadyExistsError(absl::StrCat(
        "bind ", FormatEndpoint(ep), " (", type == SOCK_DGRAM ? "udp" : "tcp",
        "): ", std::strerror(error),
        ": another process serves this address; not starting, since dnsd binds with "
        "SO_REUSEPORT and would silently share its traffic"));
  }
  uint16_t port = LocalPort(fd);
  close(fd);
  return port;
}

}  // namespace

absl::StatusOr<uint16_t> ProbeListenAddress(Endpoint ep) {
  // UDP with no reuse option at all: on Linux, two UDP sockets that both
  // set SO_REUSEADDR share a port too. TCP with SO_REUSEADDR, as every TCP
  // server has, so that connections of a stopped dnsd still in TIME_WAIT
  // do not count; a listening socket does.
  // With port 0 the kernel picks a free UDP port, which another process
  // may hold for TCP: then pick again (the kernel's next choice differs).
  const int tries = ep.port == 0 ? 32 : 1;
  absl::Status last;
  for (int i = 0; i < tries; ++i) {
    Endpoint probe = ep;
    auto udp = BindProbe(probe, SOCK_DGRAM, /*reuse_address=*/false);
    if (!udp.ok()) return udp.status();
    probe.port = *udp;
    auto tcp = BindProbe(probe, SOCK_STREAM, /*reuse_address=*/true);
    if (tcp.ok()) return probe.port;
    last = tcp.status();
    if (!absl::IsAlreadyExists(last)) break;
  }
  return last;
}

bool IsWildcard(const Endpoint& ep) {
  if (!ep.v6) return std::memcmp(ep.address.v4(), "\0\0\0\0", 4) == 0;
  static const uint8_t kZero[16] = {};
  return std::memcmp(ep.address.bytes.data(), kZero, 16) == 0;
}

absl::StatusOr<int> OpenListenSocket(const Endpoint& ep, SocketKind kind) {
  int family = ep.v6 ? AF_INET6 : AF_INET;
  int type = (kind == SocketKind::kUdp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
  int fd = socket(family, type, 0);
  if (fd < 0) return Errno("socket for", ep);
  bool ok = SetInt(fd, SOL_SOCKET, SO_REUSEADDR, 1) && SetInt(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (ep.v6) ok = ok && SetInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  if (kind == SocketKind::kUdp) {
    // Bursts of queries should queue in the kernel, not be dropped; the
    // kernel caps this at net.core.rmem_max.
    SetInt(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
    if (IsWildcard(ep)) {
      ok = ok && (ep.v6 ? SetInt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
                        : SetInt(fd, IPPROTO_IP, IP_PKTINFO, 1));
    }
  }
  if (!ok) {
    absl::Status status = Errno("setsockopt for", ep);
    close(fd);
    return status;
  }
  sockaddr_storage ss;
  socklen_t len = ToSockaddr(ep, ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    absl::Status status = Errno("bind", ep);
    close(fd);
    return status;
  }
  if (kind == SocketKind::kTcp && listen(fd, 1024) != 0) {
    absl::Status status = Errno("listen", ep);
    close(fd);
    return status;
  }
  return fd;
}

uint16_t LocalPort(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

}  // namespace dnsd
