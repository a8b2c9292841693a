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

}  // namespace

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
  sockaddr_storage ss{};
  socklen_t len;
  if (ep.v6) {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(ep.port);
    std::memcpy(&sa->sin6_addr, ep.address.bytes.data(), 16);
    len = sizeof(*sa);
  } else {
    auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(ep.port);
    std::memcpy(&sa->sin_addr, ep.address.v4(), 4);
    len = sizeof(*sa);
  }
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
