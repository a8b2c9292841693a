// The worker's hand-off to dnstap allocates nothing: the answer path stays
// allocation-free with dnstap on (dnsd/pipeline_alloc_test.cc pins the
// rest of it). This binary's global operator new counts; the tap and its
// ring are made before counting starts.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <vector>

#include "dnsd/dnstap/worker_tap.h"
#include "dnsd/testing/allocation_counter.h"
#include "gtest/gtest.h"

namespace dnsd::dnstap {
namespace {

TEST(WorkerTapAllocTest, OfferAllocatesNothingWhetherKeptFilteredOrDropped) {
  Options o;
  o.ring_slots = 8;
  o.only_zone_kind = 4;
  o.sample = 2;
  WorkerTap tap(o);
  std::vector<uint8_t> query(40, 1), response(400, 2), big(Event::kMaxResponse + 1, 3);
  sockaddr_in6 client{}, server{};
  client.sin6_family = server.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "2001:db8::7", &client.sin6_addr);
  inet_pton(AF_INET6, "::1", &server.sin6_addr);
  Exchange x;
  x.query = query;
  x.response = response;
  x.client = reinterpret_cast<const sockaddr*>(&client);
  x.server = reinterpret_cast<const sockaddr*>(&server);
  x.zone_kind = 4;
  Exchange other = x;
  other.zone_kind = 1;
  Exchange oversized = x;
  oversized.response = big;

  long before = ::dnsd::testing::AllocationCount();
  for (int i = 0; i < 100; ++i) {  // fills the ring, then drops
    tap.Offer(x);
    tap.Offer(other);
    tap.Offer(oversized);
  }
  EXPECT_EQ(::dnsd::testing::AllocationCount() - before, 0);
  EXPECT_GT(tap.dropped(), 0u);
}

}  // namespace
}  // namespace dnsd::dnstap
