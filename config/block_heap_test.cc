#include "config/block_heap.h"

#include <cstdint>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

uintptr_t Address(const void* p) { return reinterpret_cast<uintptr_t>(p); }

TEST(SlabHeapTest, BlocksOfOneSizeLieSixteenOctetsApartAtMost) {
  SlabHeap heap;
  void* a = heap.Allocate(513);
  void* b = heap.Allocate(520);  // the same class: 513 to 528
  EXPECT_EQ(Address(a) % 16, 0u);
  EXPECT_EQ(Address(b) - Address(a), 528u);
  EXPECT_EQ(heap.slabs(), 1u);
  void* c = heap.Allocate(529);  // the next class, a slab of its own
  EXPECT_EQ(heap.slabs(), 2u);
  heap.Free(a, 513);
  heap.Free(b, 520);
  heap.Free(c, 529);
}

TEST(SlabHeapTest, AFreedBlockIsTheNextOneGiven) {
  SlabHeap heap;
  void* a = heap.Allocate(100);
  void* b = heap.Allocate(100);
  heap.Free(a, 100);
  EXPECT_EQ(heap.Allocate(100), a);
  heap.Free(a, 100);
  heap.Free(b, 100);
}

TEST(SlabHeapTest, EmptySlabsAreGivenBackButOneAClass) {
  SlabHeap heap;
  constexpr size_t kSize = 1000;  // 1,008 a block: 64 a slab
  std::vector<void*> blocks;
  for (int i = 0; i < 64 * 3 + 1; ++i) blocks.push_back(heap.Allocate(kSize));
  EXPECT_EQ(heap.slabs(), 4u);
  for (void* block : blocks) heap.Free(block, kSize);
  EXPECT_EQ(heap.slabs(), 1u);
  // The spare serves the next block.
  void* again = heap.Allocate(kSize);
  EXPECT_EQ(heap.slabs(), 1u);
  heap.Free(again, kSize);
}

TEST(SlabHeapTest, AFullSlabTakesBlocksAgainOnceOneIsFreed) {
  SlabHeap heap;
  constexpr size_t kSize = 4096;  // 15 a slab
  std::vector<void*> blocks;
  for (int i = 0; i < 16; ++i) blocks.push_back(heap.Allocate(kSize));
  EXPECT_EQ(heap.slabs(), 2u);
  heap.Free(blocks[3], kSize);  // in the first, full, slab
  void* again = heap.Allocate(kSize);
  EXPECT_EQ(again, blocks[3]);
  EXPECT_EQ(heap.slabs(), 2u);
  blocks[3] = again;
  for (void* block : blocks) heap.Free(block, kSize);
}

TEST(SlabHeapTest, LargerBlocksAreTheAllocators) {
  SlabHeap heap;
  void* big = heap.Allocate(SlabHeap::kMaxSize + 1);
  EXPECT_EQ(heap.slabs(), 0u);
  std::memset(big, 1, SlabHeap::kMaxSize + 1);
  heap.Free(big, SlabHeap::kMaxSize + 1);
  void* empty = heap.Allocate(0);
  EXPECT_NE(empty, nullptr);
  heap.Free(empty, 0);
}

// Random sizes, allocated and freed in random order on two threads, each
// block filled with its own octet: no two blocks overlap, and no block is
// written by the heap while it is held.
TEST(SlabHeapTest, RandomBlocksOnTwoThreadsKeepWhatIsWrittenInThem) {
  SlabHeap heap;
  auto churn = [&heap](uint32_t seed, bool* ok) {
    std::mt19937 random(seed);
    struct Held {
      unsigned char* block;
      size_t size;
      unsigned char fill;
    };
    std::vector<Held> held;
    auto intact = [](const Held& h) {
      for (size_t i = 0; i < h.size; ++i) {
        if (h.block[i] != h.fill) return false;
      }
      return true;
    };
    for (int step = 0; step < 20000; ++step) {
      if (held.empty() || random() % 3 != 0) {
        size_t size = 1 + random() % 1500;
        auto fill = static_cast<unsigned char>(random());
        auto* block = static_cast<unsigned char*>(heap.Allocate(size));
        std::memset(block, fill, size);
        held.push_back({block, size, fill});
      } else {
        size_t i = random() % held.size();
        if (!intact(held[i])) *ok = false;
        heap.Free(held[i].block, held[i].size);
        held[i] = held.back();
        held.pop_back();
      }
    }
    for (const Held& h : held) {
      if (!intact(h)) *ok = false;
      heap.Free(h.block, h.size);
    }
  };
  bool ok_a = true;
  bool ok_b = true;
  std::thread a(churn, 1, &ok_a);
  std::thread b(churn, 2, &ok_b);
  a.join();
  b.join();
  EXPECT_TRUE(ok_a);
  EXPECT_TRUE(ok_b);
  // Every block freed: at most the spare of each of the 94 classes used.
  EXPECT_LE(heap.slabs(), (1500 + 15) / 16);
}

}  // namespace
}  // namespace dnsd::config
