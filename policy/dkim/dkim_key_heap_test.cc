// Where a key's record is allocated (KeyHeap), where jemalloc is the
// allocator, as in the release dnsd: a served domain's keys in the kept
// heap's arena (config/kept_heap.h), a blocked domain's, which are never
// served, with the read's own objects.
#include "absl/strings/str_cat.h"
#include "config/kept_heap.h"
#include "gtest/gtest.h"
#include "policy/dkim/test_keys.h"
#include "policy/testing/family_test.h"

extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp,
                       size_t newlen) __attribute__((weak));

namespace dnsd::config {
namespace {

unsigned ArenaOf(const void* p) {
  unsigned arena = 0;
  size_t size = sizeof(arena);
  EXPECT_EQ(mallctl("arenas.lookup", &arena, &size, &p, sizeof(p)), 0);
  return arena;
}

unsigned KeptArena() {
  void* kept = KeptAlloc(320);
  unsigned arena = ArenaOf(kept);
  KeptFree(kept, 320);
  return arena;
}

class DkimKeyHeapTest : public testing::FamilyTest {
 protected:
  // The arena of the record of the one key of a domain in `mode`.
  unsigned KeyArena(absl::string_view mode) {
    Loaded<DomainConfig> loaded =
        Load(absl::StrCat("domain: example.com\nmode: ", mode, "\n",
                          mode == "enforce" ? "dmarc: {p: quarantine}\n" : "",
                          "dkim:\n  s1: {p: \"", testing::kRsa2048, "\"}\n"),
             "example.com.yaml");
    EXPECT_TRUE(loaded.ok()) << mode << ": " << ::testing::PrintToString(testing::Brief(loaded.errors));
    if (!loaded.ok()) return 0;
    return ArenaOf(loaded.value->dkim.selectors[0].key.record.get());
  }
};

TEST_F(DkimKeyHeapTest, AServedKeyIsKeptABlockedDomainsGoesWithItsRead) {
  ASSERT_NE(mallctl, nullptr) << "this test is built for jemalloc";
  EXPECT_EQ(KeyArena("monitor"), KeptArena());
  EXPECT_EQ(KeyArena("enforce"), KeptArena());
  EXPECT_NE(KeyArena("blocked"), KeptArena());
}

}  // namespace
}  // namespace dnsd::config
