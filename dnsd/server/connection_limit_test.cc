#include "dnsd/server/connection_limit.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

IpAddress Ip(const std::string& text) {
  absl::StatusOr<IpAddress> ip = ParseIpAddress(text);
  EXPECT_TRUE(ip.ok()) << text;
  return ip.ok() ? *ip : IpAddress{};
}

ConnectionLimitOptions Options(uint32_t limit) {
  ConnectionLimitOptions o;
  o.limit = limit;
  o.ipv4_prefix = 24;
  o.ipv6_prefix = 56;
  o.max_connections = 1024;
  o.seed = 0x5eed;
  return o;
}

TEST(ConnectionLimitTest, CapsEachPrefixAndFreesPlacesOnRelease) {
  ConnectionLimit limit(Options(3));
  std::vector<ConnectionLimit::Ticket> held(3);
  // Three hosts of one /24 take its three places ...
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limit.Acquire(Ip(absl::StrCat("192.0.2.", i + 1)), &held[i]));
  EXPECT_EQ(limit.Count(Ip("192.0.2.77")), 3u);
  // ... so a fourth host of it is refused, and nothing is counted for it.
  ConnectionLimit::Ticket refused;
  EXPECT_FALSE(limit.Acquire(Ip("192.0.2.200"), &refused));
  EXPECT_EQ(limit.Count(Ip("192.0.2.200")), 3u);
  // Another /24 is not affected.
  ConnectionLimit::Ticket other;
  EXPECT_TRUE(limit.Acquire(Ip("192.0.3.1"), &other));
  EXPECT_EQ(limit.Count(Ip("192.0.3.1")), 1u);
  // A connection that closes gives its place back.
  limit.Release(held[1]);
  EXPECT_EQ(limit.Count(Ip("192.0.2.1")), 2u);
  EXPECT_TRUE(limit.Acquire(Ip("192.0.2.200"), &held[1]));
  EXPECT_FALSE(limit.Acquire(Ip("192.0.2.201"), &refused));
  for (const auto& t : held) limit.Release(t);
  limit.Release(other);
  EXPECT_EQ(limit.Count(Ip("192.0.2.1")), 0u);
  EXPECT_EQ(limit.Count(Ip("192.0.3.1")), 0u);
}

TEST(ConnectionLimitTest, Ipv6ByItsOwnPrefixLength) {
  ConnectionLimit limit(Options(2));
  ConnectionLimit::Ticket t;
  EXPECT_TRUE(limit.Acquire(Ip("2001:db8:0:1::1"), &t));
  EXPECT_TRUE(limit.Acquire(Ip("2001:db8:0:ff::2"), &t));  // the same /56
  EXPECT_FALSE(limit.Acquire(Ip("2001:db8:0:42::3"), &t));
  EXPECT_TRUE(limit.Acquire(Ip("2001:db8:0:100::1"), &t));  // the next /56
  // A host prefix: every address on its own.
  ConnectionLimitOptions host = Options(1);
  host.ipv4_prefix = 32;
  ConnectionLimit per_host(host);
  EXPECT_TRUE(per_host.Acquire(Ip("198.51.100.1"), &t));
  EXPECT_TRUE(per_host.Acquire(Ip("198.51.100.2"), &t));
  EXPECT_FALSE(per_host.Acquire(Ip("198.51.100.2"), &t));
}

TEST(ConnectionLimitTest, AFullServerOfSmallPrefixesIsNotRefused) {
  // The sketch's worst case: a very small limit (4) and a server full of
  // prefixes just under it, 341 prefixes with 3 connections each of the
  // 1024 allowed. No connection may be refused, under several secrets.
  for (uint64_t seed : {1, 2, 3, 4, 5, 6, 7, 8}) {
    ConnectionLimitOptions o = Options(4);
    o.seed = seed;
    ConnectionLimit limit(o);
    EXPECT_EQ(limit.counters_per_row(), 4096u);
    std::vector<ConnectionLimit::Ticket> held;
    for (int p = 0; p < 341; ++p) {
      for (int host = 1; host <= 3; ++host) {
        ConnectionLimit::Ticket t;
        ASSERT_TRUE(limit.Acquire(Ip(absl::StrCat("10.", p / 256, ".", p % 256, ".", host)), &t))
            << "seed " << seed << ", prefix " << p;
        held.push_back(t);
      }
    }
    for (int p = 0; p < 341; ++p) {
      EXPECT_EQ(limit.Count(Ip(absl::StrCat("10.", p / 256, ".", p % 256, ".9"))), 3u)
          << "seed " << seed << ", prefix " << p;
    }
    for (const auto& t : held) limit.Release(t);
    EXPECT_EQ(limit.Count(Ip("10.0.0.1")), 0u);
  }
}

TEST(ConnectionLimitTest, RacingWorkersNeverExceedTheLimit) {
  ConnectionLimit limit(Options(16));
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 2000; ++i) {
        ConnectionLimit::Ticket t;
        if (limit.Acquire(Ip(absl::StrCat("203.0.113.", (w * 7 + i) % 250 + 1)), &t)) {
          int now = accepted.fetch_add(1) + 1;
          EXPECT_LE(now, 16);
          accepted.fetch_sub(1);
          limit.Release(t);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(limit.Count(Ip("203.0.113.1")), 0u);
}

}  // namespace
}  // namespace dnsd
