#include "dnsd/dnstap/worker_tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace dnsd::dnstap {
namespace {

sockaddr_in V4(const char* text, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, text, &a.sin_addr);
  return a;
}

struct Fixture {
  std::vector<uint8_t> query = {0xab, 0xcd, 1, 0};
  std::vector<uint8_t> response = {0xab, 0xcd, 0x85, 0};
  sockaddr_in client = V4("192.0.2.9", 1234);
  sockaddr_in server = V4("127.0.0.1", 53);
  Exchange Make(int zone_kind) const {
    Exchange x;
    x.query = query;
    x.response = response;
    x.client = reinterpret_cast<const sockaddr*>(&client);
    x.server = reinterpret_cast<const sockaddr*>(&server);
    x.zone_kind = zone_kind;
    x.query_time_ns = 42;
    return x;
  }
};

size_t Drain(WorkerTap& tap) {
  size_t n = 0;
  while (tap.ring().Front() != nullptr) {
    tap.ring().Pop();
    ++n;
  }
  return n;
}

TEST(WorkerTapTest, CopiesTheExchange) {
  Options o;
  WorkerTap tap(o);
  Fixture f;
  tap.Offer(f.Make(3));
  const Event* e = tap.ring().Front();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->query_time_ns, 42u);
  EXPECT_GE(e->response_time_ns, 1600000000ull * 1000000000ull);
  EXPECT_FALSE(e->client.v6);
  EXPECT_EQ(e->client.port, 1234);
  EXPECT_EQ(e->client.address[0], 192);
  EXPECT_EQ(e->client.address[3], 9);
  EXPECT_EQ(e->server.port, 53);
  ASSERT_EQ(e->query_size, 4);
  EXPECT_EQ(0, std::memcmp(e->query.data(), f.query.data(), 4));
  ASSERT_EQ(e->response_size, 4);
  EXPECT_EQ(0, std::memcmp(e->response.data(), f.response.data(), 4));
}

TEST(WorkerTapTest, FullRingDropsAndCounts) {
  Options o;
  o.ring_slots = 4;
  WorkerTap tap(o);
  Fixture f;
  for (int i = 0; i < 10; ++i) tap.Offer(f.Make(0));
  EXPECT_EQ(tap.dropped(), 6u);
  EXPECT_EQ(Drain(tap), 4u);
  tap.Offer(f.Make(0));
  EXPECT_EQ(Drain(tap), 1u);
  EXPECT_EQ(tap.dropped(), 6u);
}

TEST(WorkerTapTest, OversizedMessageIsDroppedAndCounted) {
  WorkerTap tap(Options{});
  Fixture f;
  f.response.resize(Event::kMaxResponse + 1);
  tap.Offer(f.Make(0));
  EXPECT_EQ(tap.dropped(), 1u);
  EXPECT_EQ(Drain(tap), 0u);
}

TEST(WorkerTapTest, ZoneFilterAndCountingSampler) {
  Options o;
  o.only_zone_kind = 4;
  o.sample = 3;
  o.ring_slots = 64;
  WorkerTap tap(o);
  Fixture f;
  for (int i = 0; i < 9; ++i) tap.Offer(f.Make(1));   // other zones: never
  for (int i = 0; i < 10; ++i) tap.Offer(f.Make(4));  // 1st, 4th, 7th, 10th
  tap.Offer(f.Make(-1));                              // no zone (REFUSED)
  EXPECT_EQ(Drain(tap), 4u);
  EXPECT_EQ(tap.dropped(), 0u);
}

}  // namespace
}  // namespace dnsd::dnstap
