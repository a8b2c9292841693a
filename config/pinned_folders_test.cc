// PinnedFolders, and ConfigState loading through a symlink that a deploy
// swaps from one release folder to the next (deploy/git-sync/).
#include "config/pinned_folders.h"

#include <filesystem>
#include <string>

#include "config/config_state.h"
#include "config/test_util.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

namespace fs = std::filesystem;
using ::dnsd::config::testing::kServer;
using ::dnsd::config::testing::TempDir;
using ::dnsd::config::testing::VersionOf;

// What `ln -s target link.tmp && mv -T link.tmp link` does: one rename.
void Swap(const fs::path& link, const std::string& target) {
  fs::path tmp = link;
  tmp += ".tmp";
  fs::create_directory_symlink(target, tmp);
  fs::rename(tmp, link);
}

TEST(PinnedFoldersTest, ALoadKeepsReadingTheFolderItResolved) {
  TempDir dir;
  dir.Write("releases/a/dnsd.yaml", "a");
  dir.Write("releases/b/dnsd.yaml", "b");
  fs::path current = dir.path() / "current";
  fs::create_directory_symlink("releases/a", current);
  std::string a = fs::canonical(dir.path() / "releases/a").string();
  std::string b = fs::canonical(dir.path() / "releases/b").string();

  PinnedFolders load;
  load.Pin(current.string());
  Swap(current, "releases/b");  // in the middle of the load
  EXPECT_EQ(load.ReadPath((current / "dnsd.yaml").string()), a + "/dnsd.yaml");
  EXPECT_EQ(load.ReadPath((current / "domains/x.yaml").string()), a + "/domains/x.yaml");
  EXPECT_EQ(load.ReadPath(current.string() + "/"), a);

  PinnedFolders next;  // the next load sees the new release
  next.Pin(current.string());
  EXPECT_EQ(next.ReadPath((current / "dnsd.yaml").string()), b + "/dnsd.yaml");
}

TEST(PinnedFoldersTest, OtherPathsAreLeftAlone) {
  TempDir dir;
  dir.Write("releases/a/domains/x.yaml", "x");
  fs::create_directory_symlink("releases/a", dir.path() / "current");
  std::string a = fs::canonical(dir.path() / "releases/a").string();
  PinnedFolders pins;
  pins.Pin((dir.path() / "current").string());
  pins.Pin((dir.path() / "current/domains").string());  // held by the first pin
  pins.Pin((dir.path() / "missing").string());          // nothing to resolve
  EXPECT_EQ(pins.ReadPath((dir.path() / "current/domains/../domains/x.yaml").string()),
            a + "/domains/x.yaml");
  EXPECT_EQ(pins.ReadPath((dir.path() / "currently/x.yaml").string()),
            (dir.path() / "currently/x.yaml").string());  // not under current/
  EXPECT_EQ(pins.ReadPath((dir.path() / "missing/x.yaml").string()),
            (dir.path() / "missing/x.yaml").string());
}

constexpr char kCatalog[] = "senders:\n  google: {name: Google, include: _spf.google.com}\n";

void WriteRelease(const TempDir& dir, const std::string& name, const char* b_yaml) {
  dir.Write(name + "/dnsd.yaml", kServer);
  dir.Write(name + "/senders.yaml", kCatalog);
  dir.Write(name + "/domains/a.yaml", "domain: a.example\nspf: {senders: [google]}\n");
  dir.Write(name + "/domains/b.yaml", b_yaml);
}

// A swap to a fresh checkout gives every file a new inode. Files keep their
// configured names, and a file whose bytes did not change keeps its version,
// so only the domain that changed is reported changed and compiled again.
TEST(PinnedFoldersTest, ASwapChangesOnlyTheDomainsWhoseBytesChanged) {
  TempDir dir;
  WriteRelease(dir, "releases/1", "domain: b.example\n");
  WriteRelease(dir, "releases/2", "domain: b.example\nmode: blocked\n");
  WriteRelease(dir, "releases/3", "domain: b.example\nspf: {senders: [gogle]}\n");
  fs::path current = dir.path() / "current";
  fs::create_directory_symlink("releases/1", current);
  ConfigState state((current / "dnsd.yaml").string());
  LoadReport first = state.Load();
  ASSERT_EQ(first.set.domains.size(), 2u);
  EXPECT_EQ(first.set.domains[0].file, (current / "domains/a.yaml").string());
  uint64_t a = VersionOf(first.set, "a.example"), b = VersionOf(first.set, "b.example");

  Swap(current, "releases/2");
  LoadReport second = state.Load();
  EXPECT_EQ(second.files_read, 2u);  // new inodes: both read again
  EXPECT_EQ(VersionOf(second.set, "a.example"), a);
  EXPECT_NE(VersionOf(second.set, "b.example"), b);
  EXPECT_EQ(second.set.domains[1].file, (current / "domains/b.yaml").string());
  EXPECT_EQ(second.set.domains[1].mode, Mode::kBlocked);

  Swap(current, "releases/3");  // b is broken: named by its configured path
  LoadReport third = state.Load();
  ASSERT_EQ(third.files_failed, 1u);
  bool named = false;
  for (const Diagnostic& d : Merged(third.set.errors, third.file_errors)) {
    if (d.severity == Severity::kError) {
      EXPECT_EQ(d.pos.file, (current / "domains/b.yaml").string());
      named = true;
    }
  }
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace dnsd::config
