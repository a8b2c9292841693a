// LoadAndCompile: when a load gives back what its phases freed, and a
// large change published in parts.
#include "config/load_and_compile.h"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/snapshot_dump.h"
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

// A configuration's domain files, by domain: what a folder holds.
using Files = std::map<std::string, std::string>;

std::string FileOf(const std::string& name, const char* all) {
  return absl::StrCat("domain: ", name, "\nspf: {senders: [google], all: ", all,
                      "}\ndmarc: {p: none}\n");
}

// `files` compiled from scratch, in a folder of their own: what a snapshot
// that serves them should dump as.
std::string FromScratch(const Files& files) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  std::filesystem::create_directories(dir.path() / "domains");
  for (const auto& [name, text] : files) dir.Write(absl::StrCat("domains/", name, ".yaml"), text);
  LoadedConfig loaded = LoadAndCompile(server, 1);
  if (loaded.fatal || loaded.snapshot == nullptr) return "fatal";
  return testing::Dump(*loaded.snapshot);
}

struct Part {
  uint64_t generation;
  size_t done, total;
  std::string dump;
};

// A change of more domains than a part holds, its files edited in place:
// published part by part, each part's snapshot serving the changes so far
// (removed, then changed, then added domains, each in name order) and the
// rest as they were, byte for byte what a compile from scratch of that
// mix serves; the last is the whole change, and every part a generation
// of its own.
TEST(LoadAndCompileTest, ALargeChangeGoesOutInParts) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  Files before;
  for (int i = 0; i < 40; ++i) {
    std::string name = absl::StrCat("d", 10 + i, ".example");
    before[name] = FileOf(name, "softfail");
  }
  for (const auto& [name, text] : before) dir.Write(absl::StrCat("domains/", name, ".yaml"), text);
  LoadState state(server);
  state.files.set_release(true);  // as a server runs
  state.part_domains = 8;
  ASSERT_FALSE(LoadAndCompile(state, 1).fatal);

  // 5 removed, 20 changed, 5 added: 30 changes, in parts of 8.
  std::vector<std::string> sequence;  // the order parts take them in
  Files after = before;
  for (int i = 0; i < 5; ++i) {
    std::string name = absl::StrCat("d", 10 + i, ".example");
    std::filesystem::remove(dir.path() / "domains" / (name + ".yaml"));
    after.erase(name);
    sequence.push_back(name);
  }
  for (int i = 5; i < 25; ++i) {
    std::string name = absl::StrCat("d", 10 + i, ".example");
    after[name] = FileOf(name, "fail");
    dir.Write(absl::StrCat("domains/", name, ".yaml"), after[name]);
    sequence.push_back(name);
  }
  for (int i = 0; i < 5; ++i) {
    std::string name = absl::StrCat("e", i, ".example");
    after[name] = FileOf(name, "fail");
    dir.Write(absl::StrCat("domains/", name, ".yaml"), after[name]);
    sequence.push_back(name);
  }
  std::vector<Part> parts;
  auto record = [&](std::unique_ptr<Snapshot> part, size_t done, size_t total) {
    parts.push_back({part->generation, done, total, testing::Dump(*part)});
  };
  LoadedConfig loaded = LoadAndCompile(state, 2, /*skip_if_unchanged=*/true, nullptr, nullptr,
                                       std::nullopt, nullptr, record);
  ASSERT_FALSE(loaded.fatal);
  ASSERT_NE(loaded.snapshot, nullptr);
  EXPECT_EQ(loaded.parts, 4u);
  EXPECT_EQ(loaded.generation, 5u);
  EXPECT_EQ(loaded.snapshot->generation, 5u);
  EXPECT_EQ(loaded.compile_stats.compiled, 25u);  // the removed compile nothing
  EXPECT_EQ(loaded.compile_stats.reused, 15u);
  // The reload's summary is of the whole change.
  EXPECT_NE(loaded.changes.find("removed d10.example"), std::string::npos) << loaded.changes;
  EXPECT_NE(loaded.changes.find("added e0.example"), std::string::npos) << loaded.changes;
  ASSERT_EQ(parts.size(), 3u);
  for (size_t k = 0; k < parts.size(); ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(parts[k].generation, 2 + k);
    EXPECT_EQ(parts[k].done, 8 * (k + 1));
    EXPECT_EQ(parts[k].total, 30u);
    Files mix = before;
    for (size_t i = 0; i < parts[k].done; ++i) {
      const std::string& name = sequence[i];
      if (after.count(name) != 0) {
        mix[name] = after[name];
      } else {
        mix.erase(name);
      }
    }
    EXPECT_EQ(parts[k].dump, FromScratch(mix));
  }
  EXPECT_EQ(testing::Dump(*loaded.snapshot), FromScratch(after));

  // A comment added to every file: each part compiles to what is served,
  // and none is published before the last.
  parts.clear();
  for (const auto& [name, text] : after) {
    dir.Write(absl::StrCat("domains/", name, ".yaml"), absl::StrCat("# edited\n", text));
  }
  LoadedConfig comments = LoadAndCompile(state, 6, /*skip_if_unchanged=*/true, nullptr, nullptr,
                                         std::nullopt, nullptr, record);
  ASSERT_FALSE(comments.fatal);
  EXPECT_TRUE(parts.empty());
  EXPECT_EQ(comments.parts, 1u);
  EXPECT_EQ(comments.generation, 6u);
  EXPECT_EQ(comments.compile_stats.compiled, 40u);
  EXPECT_EQ(comments.compile_stats.unchanged, 40u);
  EXPECT_EQ(testing::Dump(*comments.snapshot), FromScratch(after));

  // Without `publish_part`, or a change no larger than a part: one snapshot.
  for (const auto& [name, text] : after) {
    dir.Write(absl::StrCat("domains/", name, ".yaml"), FileOf(name, "softfail"));
  }
  LoadedConfig whole = LoadAndCompile(state, 7, /*skip_if_unchanged=*/true);
  ASSERT_FALSE(whole.fatal);
  EXPECT_EQ(whole.parts, 1u);
  EXPECT_EQ(whole.generation, 7u);
  EXPECT_EQ(whole.compile_stats.compiled, 40u);
}

// A change the parts cannot be cut from, since every domain may depend on
// it (the catalog, here), is compiled and published whole, even with
// `publish_part` and many files changed beside it.
TEST(LoadAndCompileTest, ACatalogChangeGoesOutWhole) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  for (int i = 0; i < 30; ++i) {
    std::string name = absl::StrCat("d", i, ".example");
    dir.Write(absl::StrCat("domains/", name, ".yaml"), FileOf(name, "softfail"));
  }
  LoadState state(server);
  state.files.set_release(true);
  state.part_domains = 8;
  ASSERT_FALSE(LoadAndCompile(state, 1).fatal);
  dir.Write("senders.yaml",
            absl::StrCat(kCatalog, "  other: {name: Other, include: _spf.other.test}\n"));
  for (int i = 0; i < 30; ++i) {
    std::string name = absl::StrCat("d", i, ".example");
    dir.Write(absl::StrCat("domains/", name, ".yaml"), FileOf(name, "fail"));
  }
  size_t published = 0;
  LoadedConfig loaded = LoadAndCompile(
      state, 2, /*skip_if_unchanged=*/true, nullptr, nullptr, std::nullopt, nullptr,
      [&](std::unique_ptr<Snapshot>, size_t, size_t) { ++published; });
  ASSERT_FALSE(loaded.fatal);
  EXPECT_EQ(published, 0u);
  EXPECT_EQ(loaded.parts, 1u);
  EXPECT_EQ(loaded.generation, 2u);
  EXPECT_EQ(loaded.compile_stats.compiled, 30u);
}

}  // namespace
}  // namespace dnsd::config
