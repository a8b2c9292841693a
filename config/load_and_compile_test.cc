// LoadAndCompile: when a load gives back what its phases freed.
#include "config/load_and_compile.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/test_util.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::kServer;
using ::dnsd::config::testing::TempDir;

constexpr char kCatalog[] = R"(senders:
  google: {name: Google, include: _spf.google.com}
)";

// What the hook saw: how many domains the compile cache held at each call.
// The cache is filled once the tables are linked, so a call before it
// holds the last compile's domains.
struct Calls {
  std::vector<size_t> cached;
};

// release_freed is called once the files are read (their old versions
// gone), and, for a compile large enough to take every core, again before
// the link (the compile's scratch gone); once for a load that finds no
// file changed (what listing and stat'ing every file used).
TEST(LoadAndCompileTest, ReleasesWhatEachPhaseFreedBeforeTheNext) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  constexpr int kFiles = 300;  // more than a compile does on one thread
  auto write = [&](int i, const char* all) {
    std::string name = absl::StrCat("d", i, ".example");
    dir.Write(absl::StrCat("domains/", name, ".yaml"),
              absl::StrCat("domain: ", name, "\nspf: {senders: [google], all: ", all, "}\n"));
  };
  for (int i = 0; i < kFiles; ++i) write(i, "softfail");
  LoadState state(server);
  Calls calls;
  state.release_freed = [&] { calls.cached.push_back(state.compiled.size()); };

  LoadedConfig first = LoadAndCompile(state, 1);
  ASSERT_FALSE(first.fatal);
  EXPECT_EQ(first.compile_stats.compiled, static_cast<size_t>(kFiles));
  EXPECT_EQ(calls.cached, (std::vector<size_t>{0, 0}));  // both before the link

  // Every file changed: read and compiled again.
  calls.cached.clear();
  for (int i = 0; i < kFiles; ++i) write(i, "fail");
  LoadedConfig full = LoadAndCompile(state, 2);
  ASSERT_FALSE(full.fatal);
  EXPECT_EQ(full.compile_stats.compiled, static_cast<size_t>(kFiles));
  EXPECT_EQ(calls.cached,
            (std::vector<size_t>{static_cast<size_t>(kFiles), static_cast<size_t>(kFiles)}));

  // One file: a compile too small to need the second call.
  calls.cached.clear();
  write(0, "softfail");
  LoadedConfig one = LoadAndCompile(state, 3);
  ASSERT_FALSE(one.fatal);
  EXPECT_EQ(one.compile_stats.compiled, 1u);
  EXPECT_EQ(calls.cached.size(), 1u);

  // Nothing changed and told to skip: nothing compiled, but the stat pass
  // over every file is given back.
  calls.cached.clear();
  LoadedConfig skipped = LoadAndCompile(state, 4, /*skip_if_unchanged=*/true);
  EXPECT_TRUE(skipped.skipped);
  EXPECT_EQ(calls.cached, (std::vector<size_t>{static_cast<size_t>(kFiles)}));
}

// What a server keeps of the domains it serves between reloads is the
// compile cache's own list, not a copy of every name; what a reload
// changes is still told by the files' versions, also for a file whose new
// version compiled the same and kept its compiled domain.
TEST(LoadAndCompileTest, TheServedDomainsAreTheCompiledOnes) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  auto write = [&](const std::string& name, const std::string& comment) {
    dir.Write(absl::StrCat("domains/", name, ".yaml"),
              absl::StrCat(comment, "domain: ", name, "\nspf: {senders: [google]}\n"));
  };
  for (const char* name : {"a.example", "b.example", "c.example"}) write(name, "");
  LoadState state(server);
  ASSERT_FALSE(LoadAndCompile(state, 1).fatal);
  ASSERT_TRUE(state.served.has_value());
  ASSERT_EQ(state.served->size(), 3u);
  size_t i = 0;
  for (const CompiledDomain& served : *state.served) {
    EXPECT_EQ(&served, state.compiled.domains()[i++].get());
  }

  write("b.example", "# a comment\n");
  const CompiledDomain* b = state.compiled.domains()[1].get();
  LoadedConfig comment = LoadAndCompile(state, 2);
  ASSERT_FALSE(comment.fatal);
  EXPECT_EQ(state.compiled.domains()[1].get(), b);  // compiled the same: kept
  EXPECT_EQ(comment.changes, "changed b.example");
  EXPECT_EQ(LoadAndCompile(state, 3).changes, "");

  std::filesystem::remove(dir.path() / "domains" / "c.example.yaml");
  LoadedConfig removed = LoadAndCompile(state, 4);
  ASSERT_FALSE(removed.fatal);
  EXPECT_EQ(removed.changes, "removed c.example");
  EXPECT_EQ(state.served->size(), 2u);
}

}  // namespace
}  // namespace dnsd::config
