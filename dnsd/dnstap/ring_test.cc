#include "dnsd/dnstap/ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace dnsd::dnstap {
namespace {

TEST(SpscRingTest, FullRingRefusesAndOrderIsKept) {
  SpscRing<int> ring(4);
  ASSERT_EQ(ring.capacity(), 4u);
  for (int i = 0; i < 4; ++i) {
    int* slot = ring.TryPush();
    ASSERT_NE(slot, nullptr);
    *slot = i;
    ring.Commit();
  }
  EXPECT_EQ(ring.TryPush(), nullptr);  // full: the caller drops and counts
  for (int i = 0; i < 2; ++i) {
    ASSERT_NE(ring.Front(), nullptr);
    EXPECT_EQ(*ring.Front(), i);
    ring.Pop();
  }
  for (int i = 4; i < 6; ++i) {  // wraps around
    int* slot = ring.TryPush();
    ASSERT_NE(slot, nullptr);
    *slot = i;
    ring.Commit();
  }
  EXPECT_EQ(ring.TryPush(), nullptr);
  for (int i = 2; i < 6; ++i) {
    ASSERT_NE(ring.Front(), nullptr);
    EXPECT_EQ(*ring.Front(), i);
    ring.Pop();
  }
  EXPECT_EQ(ring.Front(), nullptr);
}

TEST(SpscRingTest, UncommittedSlotIsNotVisible) {
  SpscRing<int> ring(2);
  *ring.TryPush() = 7;
  EXPECT_EQ(ring.Front(), nullptr);
  ring.Commit();
  ASSERT_NE(ring.Front(), nullptr);
  EXPECT_EQ(*ring.Front(), 7);
}

TEST(SpscRingTest, CapacityRoundsUpToAPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(5).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(0).capacity(), 2u);
}

// Two threads: every value arrives at most once, in order; what arrived
// plus what was refused is everything sent.
TEST(SpscRingTest, ProducerAndConsumerThreadsKeepOrder) {
  SpscRing<uint64_t> ring(64);
  constexpr uint64_t kCount = 200000;
  uint64_t dropped = 0;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (uint64_t i = 1; i <= kCount; ++i) {
      uint64_t* slot = ring.TryPush();
      if (slot == nullptr) {
        ++dropped;
        continue;
      }
      *slot = i;
      ring.Commit();
    }
    done.store(true, std::memory_order_release);
  });
  uint64_t received = 0, last = 0;
  bool ordered = true;
  auto take = [&] {
    while (const uint64_t* v = ring.Front()) {
      if (*v <= last) ordered = false;
      last = *v;
      ++received;
      ring.Pop();
    }
  };
  while (!done.load(std::memory_order_acquire)) take();
  producer.join();
  take();
  EXPECT_TRUE(ordered);
  EXPECT_GT(received, 0u);
  EXPECT_EQ(received + dropped, kCount);
}

}  // namespace
}  // namespace dnsd::dnstap
