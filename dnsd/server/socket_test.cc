#include "dnsd/server/socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace dnsd {
namespace {

Endpoint Loopback(uint16_t port) {
  absl::StatusOr<Endpoint> ep = ParseEndpoint("127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(ep.ok());
  return *ep;
}

TEST(ProbeListenAddress, PortZeroBecomesAPortBothTransportsCanBind) {
  absl::StatusOr<uint16_t> port = ProbeListenAddress(Loopback(0));
  ASSERT_TRUE(port.ok()) << port.status();
  EXPECT_NE(*port, 0);
  for (SocketKind kind : {SocketKind::kUdp, SocketKind::kTcp}) {
    absl::StatusOr<int> fd = OpenListenSocket(Loopback(*port), kind);
    ASSERT_TRUE(fd.ok()) << fd.status();
    close(*fd);
  }
}

// What a first dnsd holds: every socket SO_REUSEPORT, which would let a
// second one share the port.
TEST(ProbeListenAddress, RefusesAPortHeldWithReusePort) {
  for (SocketKind kind : {SocketKind::kUdp, SocketKind::kTcp}) {
    absl::StatusOr<uint16_t> port = ProbeListenAddress(Loopback(0));
    ASSERT_TRUE(port.ok()) << port.status();
    absl::StatusOr<int> held = OpenListenSocket(Loopback(*port), kind);
    ASSERT_TRUE(held.ok()) << held.status();
    absl::StatusOr<uint16_t> again = ProbeListenAddress(Loopback(*port));
    EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
    EXPECT_NE(again.status().message().find("127.0.0.1:" + std::to_string(*port)),
              absl::string_view::npos)
        << again.status();
    // Without the probe the kernel lets a second one share it.
    absl::StatusOr<int> shared = OpenListenSocket(Loopback(*port), kind);
    EXPECT_TRUE(shared.ok());
    if (shared.ok()) close(*shared);
    close(*held);
  }
}

}  // namespace
}  // namespace dnsd
