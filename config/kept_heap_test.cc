// KeptAlloc: what dnsd keeps of a file is allocated apart from what a read
// drops. Built twice: with jemalloc (KEPT_HEAP_JEMALLOC), where the kept
// objects must come from an arena of their own, and without (the
// sanitizer builds), where it is plain operator new.
#include "config/kept_heap.h"

#include <cstring>
#include <memory>
#include <vector>

#include "config/diagnostic.h"
#include "gtest/gtest.h"

extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp,
                       size_t newlen) __attribute__((weak));

#ifdef KEPT_HEAP_JEMALLOC
#define KEPT_HEAP_SUITE KeptHeapJemallocTest
#else
#define KEPT_HEAP_SUITE KeptHeapTest
#endif

namespace dnsd::config {
namespace {

TEST(KEPT_HEAP_SUITE, WhatItGivesHoldsWhatIsWritten) {
  std::vector<void*> blocks;
  for (size_t size : {0, 1, 24, 32, 48, 4096, 100000}) {
    void* p = KeptAlloc(size);
    ASSERT_NE(p, nullptr);
    std::memset(p, 0x5a, size);
    blocks.push_back(p);
  }
  size_t i = 0;
  for (size_t size : {0, 1, 24, 32, 48, 4096, 100000}) KeptFree(blocks[i++], size);
  KeptFree(nullptr, 8);

  auto list = KeepDiagnostics(
      std::vector<Diagnostic>(3, Diagnostic{SourcePos{"a.yaml", 1, 2}, "text"}));
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[2].message, "text");
  EXPECT_EQ(CountErrors(*list), 3u);
}

#ifdef KEPT_HEAP_JEMALLOC
unsigned ArenaOf(const void* p) {
  unsigned arena = 0;
  size_t size = sizeof(arena);
  EXPECT_EQ(mallctl("arenas.lookup", &arena, &size, &p, sizeof(p)), 0);
  return arena;
}

// The point of it: a kept object and one the read drops, of the same size
// and made on the same thread one after the other, are in different
// arenas, so never on one page.
TEST(KEPT_HEAP_SUITE, KeptObjectsHaveAnArenaOfTheirOwn) {
  ASSERT_NE(mallctl, nullptr) << "this test is built for jemalloc";
  void* kept = KeptAlloc(32);
  void* dropped = ::operator new(32);
  void* kept_too = KeptAlloc(48);
  EXPECT_NE(ArenaOf(kept), ArenaOf(dropped));
  EXPECT_EQ(ArenaOf(kept), ArenaOf(kept_too));
  KeptFree(kept, 32);
  KeptFree(kept_too, 48);
  ::operator delete(dropped, 32);
}
#endif

}  // namespace
}  // namespace dnsd::config
