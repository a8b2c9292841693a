// What dnsd_memory_release_jemalloc_test adds to memory_release_test.cc,
// which it runs again with jemalloc as the allocator, as in the release
// dnsd (CMake option DNSD_JEMALLOC): there malloc_trim would give nothing
// back, only a purge of jemalloc's arenas does.
#include <jemalloc/jemalloc.h>
#include <sys/types.h>

#include <cstddef>

#include "dnsd/control/memory_release.h"
#include "gtest/gtest.h"

// Read by jemalloc when it starts: it never returns dirty or muzzy pages
// on its own, so that only ReleaseFreedMemory can give them back.
extern "C" const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1";

namespace dnsd {
namespace {

static_assert(kJemallocArenasAll == MALLCTL_ARENAS_ALL);

TEST(ReleaseFreedMemoryJemallocTest, JemallocIsTheAllocator) {
  EXPECT_TRUE(JemallocLinked());
  ssize_t decay = 0;
  size_t size = sizeof(decay);
  ASSERT_EQ(mallctl("opt.dirty_decay_ms", &decay, &size, nullptr, 0), 0);
  EXPECT_EQ(decay, -1);
}

}  // namespace
}  // namespace dnsd
