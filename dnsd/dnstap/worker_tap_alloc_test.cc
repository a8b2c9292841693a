// The worker's hand-off to dnstap allocates nothing: the answer path stays
// allocation-free with dnstap on (dnsd/pipeline_alloc_test.cc pins the
// rest of it). This binary's global operator new counts; the tap and its
// ring are made before counting starts.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "dnsd/dnstap/worker_tap.h"
#include "gtest/gtest.h"

namespace {

std::atomic<long> g_allocations{0};

}  // namespace

// Not inlined, as in pipeline_alloc_test.cc (GCC 12's mismatch warning).
[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

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

  long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {  // fills the ring, then drops
    tap.Offer(x);
    tap.Offer(other);
    tap.Offer(oversized);
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(tap.dropped(), 0u);
}

}  // namespace
}  // namespace dnsd::dnstap
