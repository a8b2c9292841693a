// ReleaseFreedMemory where jemalloc is the allocator, as in the release
// dnsd (CMake option DNSD_JEMALLOC): malloc_trim would give nothing back
// there, only a purge of jemalloc's arenas does.
#include <jemalloc/jemalloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "dnsd/control/memory_release.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

static_assert(kJemallocArenasAll == MALLCTL_ARENAS_ALL);

size_t ResidentBytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  int got = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return got == 2 ? resident * static_cast<size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// Read by jemalloc when it starts: it never returns dirty or muzzy pages
// on its own, so that only ReleaseFreedMemory can give them back.
extern "C" const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

TEST(ReleaseFreedMemoryJemallocTest, JemallocIsTheAllocator) {
  EXPECT_TRUE(JemallocLinked());
  ssize_t decay = 0;
  size_t size = sizeof(decay);
  ASSERT_EQ(mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0), 0);
  EXPECT_EQ(decay, -1);
}

// What a reload leaves: many blocks freed between blocks still in use.
TEST(ReleaseFreedMemoryJemallocTest, PurgesFreedBlocksBetweenLiveOnes) {
  constexpr size_t kBlock = 16 << 10;
  constexpr size_t kBlocks = 4096;  // 64 MiB
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
  EXPECT_GE(free_bytes, freed / 2);
  ASSERT_GT(before, 0u);
  EXPECT_LE(after + freed / 2, before) << "before " << before << " after " << after;
  for (char* b : blocks) delete[] b;
}

TEST(ReleaseFreedMemoryJemallocTest, LeavesTheHeapAloneBelowTheThreshold) {
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
  EXPECT_GE(ResidentBytes() + (1 << 20), before);
  for (char* b : blocks) delete[] b;
}

}  // namespace
}  // namespace dnsd
