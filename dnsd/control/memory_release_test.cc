#include "dnsd/control/memory_release.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

// The same tests run where jemalloc is the allocator, as in the release
// dnsd: CMake builds this file a second time into
// dnsd_memory_release_jemalloc_test, under the suite name it defines.
#ifndef MEMORY_RELEASE_SUITE
#define MEMORY_RELEASE_SUITE ReleaseFreedMemoryTest
#endif

namespace dnsd {
namespace {

// What a reload leaves: many blocks freed between blocks still in use, so
// free() alone cannot shrink the heap from its top.
TEST(MEMORY_RELEASE_SUITE, GivesBackHeapFreedBetweenLiveBlocks) {
  constexpr size_t kBlock = 16 << 10;  // under glibc's mmap threshold: heap, not mmap
  constexpr size_t kBlocks = 4096;     // 64 MiB
  std::vector<char*> blocks;
  for (size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(new char[kBlock]);
    std::memset(blocks.back(), 1, kBlock);  // resident
  }
  size_t freed = 0;
  for (size_t i = 0; i < kBlocks; ++i) {
    if (i % 4 == 3) continue;  // one in four stays
    delete[] blocks[i];
    blocks[i] = nullptr;
    freed += kBlock;
  }
  size_t before = ResidentBytes();
  size_t free_bytes = ReleaseFreedMemory();
  size_t after = ResidentBytes();
  // glibc finds every freed block; jemalloc counts whole free pages only.
  EXPECT_GE(free_bytes, JemallocLinked() ? freed / 2 : freed);
  ASSERT_GT(before, 0u);
  // Runs of three freed blocks hold whole pages; at least half of what was
  // freed goes back.
  EXPECT_LE(after + freed / 2, before) << "before " << before << " after " << after;
  for (char* b : blocks) delete[] b;
}

TEST(MEMORY_RELEASE_SUITE, LeavesTheHeapAloneBelowTheThreshold) {
  std::vector<char*> blocks;
  for (size_t i = 0; i < 1024; ++i) {
    blocks.push_back(new char[16 << 10]);
    std::memset(blocks.back(), 1, 16 << 10);
  }
  for (size_t i = 0; i < blocks.size(); i += 2) {
    delete[] blocks[i];
    blocks[i] = nullptr;
  }
  size_t before = ResidentBytes();
  size_t free_bytes = ReleaseFreedMemory(/*threshold=*/size_t{1} << 40);
  EXPECT_GE(free_bytes, size_t{512} * (16 << 10));
  // Nothing trimmed: the freed blocks stay resident.
  EXPECT_GE(ResidentBytes() + (1 << 20), before);
  for (char* b : blocks) delete[] b;
}

// The allocated bytes follow what the program holds, whichever allocator
// runs, and freeing them moves them to `free` (until released).
TEST(MEMORY_RELEASE_SUITE, HeapUsageCountsWhatIsHeld) {
  constexpr size_t kBlock = 16 << 10;
  constexpr size_t kBlocks = 2048;  // 32 MiB, in blocks both allocators keep in arenas
  HeapUsage before = ReadHeapUsage();
  std::vector<char*> blocks;
  for (size_t i = 0; i < kBlocks; ++i) {
    blocks.push_back(new char[kBlock]);
    std::memset(blocks.back(), 1, kBlock);
  }
  HeapUsage held = ReadHeapUsage();
  // jemalloc counts what its thread caches hold as allocated: some of the
  // blocks may come from there, already counted. Nothing else this test
  // does allocates a twentieth of that.
  EXPECT_GE(held.allocated + kBlock * kBlocks / 20, before.allocated + kBlock * kBlocks);
  EXPECT_LE(held.allocated, before.allocated + kBlock * kBlocks * 11 / 10);
  // One block in four stays, so that glibc cannot trim the freed ones
  // from the top of its heap at once.
  size_t freed = 0;
  for (size_t i = 0; i < kBlocks; ++i) {
    if (i % 4 == 3) continue;
    delete[] blocks[i];
    blocks[i] = nullptr;
    freed += kBlock;
  }
  HeapUsage after = ReadHeapUsage();
  EXPECT_LE(after.allocated + freed, held.allocated + kBlock * kBlocks / 10);
  // Freed, not yet given back: jemalloc counts whole pages, glibc every chunk.
  EXPECT_GE(after.free, freed / 2);
  for (char* b : blocks) delete[] b;
  ReleaseFreedMemory(0);
}

}  // namespace
}  // namespace dnsd
