// LoadConfig: a server file, its catalog and its domains folder together;
// and FormatDiagnostic.
#include "config/loader.h"

#include "config/config_state.h"
#include "config/domain_changes.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

#include "config/test_util.h"
#include "config/yaml_reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::Brief;
using ::dnsd::config::testing::kServer;
using ::dnsd::config::testing::TempDir;
using ::dnsd::config::testing::VersionOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;


constexpr char kCatalog[] = R"(senders:
  google: {name: Google, include: _spf.google.com}
)";

// The errors among `diagnostics`: these files are small on purpose, and
// warn (a monitor domain without rua, a file named for another domain).
std::vector<Diagnostic> ErrorsOnly(std::vector<Diagnostic> diagnostics) {
  std::vector<Diagnostic> warnings;
  MoveWarnings(diagnostics, warnings);
  return diagnostics;
}

// A load's diagnostics, its domain files' own among them.
std::vector<Diagnostic> AllOf(const LoadReport& report) {
  return Merged(report.set.errors, report.file_errors);
}

std::vector<std::string> Domains(const ConfigSet& set) {
  std::vector<std::string> out;
  for (const DomainConfig& d : set.domains) out.push_back(d.domain);
  return out;
}

TEST(LoadConfigTest, LoadsGoodDomainsAndReportsBadOnes) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  dir.Write("domains/b.yaml", "domain: b.example\nspf: {senders: [google]}\n");
  dir.Write("domains/a.yml", "domain: a.example\n");
  dir.Write("domains/c.yaml", "domain: c.example\nspf: {senders: [gogle]}\n");
  dir.Write("domains/d.yaml", "domain: A.example.\n");  // a.example again
  dir.Write("domains/README.txt", "not yaml");
  dir.Write("domains/.e.yaml", "editor's temporary file");
  dir.Write("domains/sub/f.yaml", "domain: f.example\n");  // not recursive
  ConfigSet set = LoadConfig(server);
  set.errors = ErrorsOnly(set.errors);
  ASSERT_EQ(set.errors.size(), 2u);
  EXPECT_EQ(set.errors[0].pos.file, (dir.path() / "domains/c.yaml").string());
  EXPECT_EQ(Brief(set.errors[0]),
            "2:17: unknown sender 'gogle'; did you mean 'google'?");
  EXPECT_EQ(set.errors[1].pos.file, (dir.path() / "domains/d.yaml").string());
  EXPECT_EQ(Brief(set.errors[1]),
            "1:9: domain 'a.example' is already configured in " +
                (dir.path() / "domains/a.yml").string());
  EXPECT_THAT(Domains(set), ElementsAre("a.example", "b.example"));
  EXPECT_EQ(set.server.path, server);
  EXPECT_EQ(set.catalog.senders.size(), 1u);
}

TEST(LoadConfigTest, BrokenServerFileStopsEverything) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", "listen: [\n");
  dir.Write("senders.yaml", kCatalog);
  dir.Write("domains/a.yaml", "domain: a.example\n");
  ConfigSet set = LoadConfig(server);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].pos.file, server);
  EXPECT_THAT(set.domains, IsEmpty());
}

TEST(LoadConfigTest, BrokenCatalogStopsTheDomains) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", "senders:\n  google: {name: Google}\n");
  dir.Write("domains/a.yaml", "domain: a.example\n");
  ConfigSet set = LoadConfig(server);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].pos.file, (dir.path() / "senders.yaml").string());
  EXPECT_EQ(Brief(set.errors[0]),
            "2:11: senders.google: missing required key 'include'");
  EXPECT_THAT(set.domains, IsEmpty());

  std::remove((dir.path() / "senders.yaml").c_str());
  set = LoadConfig(server);
  EXPECT_THAT(Brief(set.errors),
              ElementsAre("0:0: cannot open the file: it does not exist"));
}

TEST(LoadConfigTest, MissingDomainsFolder) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  ConfigSet set = LoadConfig(server);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].pos.file, (dir.path() / "domains").string());
  EXPECT_EQ(set.errors[0].message, "the domains folder does not exist");
}

TEST(LoadConfigTest, EmptyDomainsFolderIsFine) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  std::filesystem::create_directories(dir.path() / "domains");
  ConfigSet set = LoadConfig(server);
  EXPECT_THAT(Brief(set.errors), IsEmpty());
  EXPECT_THAT(set.domains, IsEmpty());
}

// Enough files to be read by several threads: every file is read exactly
// once, failures are counted, and progress ends with the whole count.
TEST(ConfigStateTest, ReadsManyFilesInParallelAndReportsProgress) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) {
    std::string name = absl::StrCat("d", i, ".example");
    dir.Write(absl::StrCat("domains/", name, ".yaml"),
              absl::StrCat("domain: ", name, "\nspf: {senders: [", i % 50 == 7 ? "gogle" : "google",
                           "]}\n"));
  }
  std::vector<LoadProgress> seen;
  ConfigState state(server);
  LoadReport report = state.Load([&](const LoadProgress& p) { seen.push_back(p); }, 0.0);
  EXPECT_EQ(report.files_read, static_cast<size_t>(kFiles));
  EXPECT_EQ(report.files_failed, 6u);
  EXPECT_EQ(report.set.domains.size(), static_cast<size_t>(kFiles - 6));
  EXPECT_EQ(ErrorsOnly(AllOf(report)).size(), 6u);
  ASSERT_FALSE(seen.empty());
  // The folder's listing is said first (a million files take seconds to
  // list and stat), then the reading; every line counts from the load's start.
  EXPECT_EQ(seen.front().phase, LoadProgress::Phase::kListing);
  EXPECT_EQ(seen.front().files_total, static_cast<size_t>(kFiles));
  EXPECT_EQ(seen.back().phase, LoadProgress::Phase::kReading);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].seconds, seen[i - 1].seconds);
  EXPECT_EQ(seen.back().files_done, static_cast<size_t>(kFiles));
  EXPECT_EQ(seen.back().files_total, static_cast<size_t>(kFiles));
  EXPECT_EQ(seen.back().files_failed, 6u);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i].files_done, seen[i - 1].files_done);

  // Nothing changed: nothing is read again.
  LoadReport again = state.Load();
  EXPECT_EQ(again.files_read, 0u);
  EXPECT_EQ(again.files_unchanged, static_cast<size_t>(kFiles));
  EXPECT_EQ(again.set.domains.size(), static_cast<size_t>(kFiles - 6));
}

constexpr char kTwoSenders[] = R"(senders:
  google: {name: Google, include: _spf.google.com}
  office365: {name: Microsoft 365, include: spf.protection.outlook.com}
)";

// Writes a server file, kTwoSenders and two domains, a.example (google)
// and b.example (google and office365); returns the server file's path.
std::string WriteTwoDomains(const TempDir& dir) {
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kTwoSenders);
  dir.Write("domains/a.yaml", "domain: a.example\nspf: {senders: [google]}\n");
  dir.Write("domains/b.yaml", "domain: b.example\nspf: {senders: [google, office365]}\n");
  return server;
}

// A catalog whose bytes changed but whose senders did not (a comment, the
// layout, the order of its entries) checks no domain file again: at a
// million files that is a read of each. A change to what a sender is
// checks them all.
TEST(ConfigStateTest, ACatalogEditedOnlyInItsCommentsChecksNoFileAgain) {
  TempDir dir;
  ConfigState state(WriteTwoDomains(dir));
  ASSERT_THAT(ErrorsOnly(AllOf(state.Load())), IsEmpty());

  dir.Write("senders.yaml", absl::StrCat("# the vendors we know\n", R"(senders:
  office365: {name: Microsoft 365, include: spf.protection.outlook.com}
  google:    {name: Google, include: _spf.google.com}
)"));
  LoadReport comment = state.Load();
  EXPECT_TRUE(comment.changed);
  EXPECT_EQ(comment.files_rechecked, 0u);
  EXPECT_EQ(comment.set.catalog.senders.size(), 2u);

  dir.Write("senders.yaml", R"(senders:
  google: {name: Google, include: _spf.google.com, lookups: 3}
  office365: {name: Microsoft 365, include: spf.protection.outlook.com}
)");
  LoadReport lookups = state.Load();
  EXPECT_EQ(lookups.files_rechecked, 2u);
  EXPECT_THAT(ErrorsOnly(AllOf(lookups)), IsEmpty());
}

// A changed catalog is checked against what was read, without reading a
// file again (where models are kept: ReleasedModelsTest has the other
// case); a domain that checks out as before keeps its version (so it is
// not compiled again), one that no longer does keeps its last good one.
TEST(ConfigStateTest, AChangedCatalogReChecksWithoutReading) {
  TempDir dir;
  ConfigState state(WriteTwoDomains(dir));
  LoadReport first = state.Load();
  ASSERT_THAT(ErrorsOnly(AllOf(first)), IsEmpty());
  uint64_t a = VersionOf(first.set, "a.example"), b = VersionOf(first.set, "b.example");
  ASSERT_NE(a, 0u);
  ASSERT_NE(b, 0u);

  dir.Write("senders.yaml", kCatalog);  // office365 is gone
  LoadReport dropped = state.Load();
  EXPECT_EQ(dropped.files_read, 0u);
  EXPECT_EQ(dropped.files_rechecked, 2u);
  dropped.set.errors = ErrorsOnly(AllOf(dropped));
  ASSERT_EQ(dropped.set.errors.size(), 1u);
  EXPECT_EQ(dropped.set.errors[0].pos.file, (dir.path() / "domains/b.yaml").string());
  EXPECT_EQ(Brief(dropped.set.errors[0]), "2:25: unknown sender 'office365'");
  EXPECT_EQ(dropped.files_kept, 1u);
  EXPECT_EQ(VersionOf(dropped.set, "a.example"), a);
  EXPECT_EQ(VersionOf(dropped.set, "b.example"), b);  // its last good version

  dir.Write("senders.yaml", kTwoSenders);  // back
  LoadReport back = state.Load();
  EXPECT_EQ(back.files_read, 0u);
  EXPECT_THAT(ErrorsOnly(AllOf(back)), IsEmpty());
  EXPECT_EQ(VersionOf(back.set, "a.example"), a);
  EXPECT_EQ(VersionOf(back.set, "b.example"), b);

  // An edit is a new read, and a new version.
  dir.Write("domains/b.yaml", "domain: b.example\nspf: {senders: [office365]}\n");
  LoadReport edited = state.Load();
  EXPECT_EQ(edited.files_read, 1u);
  EXPECT_EQ(edited.files_rechecked, 0u);
  EXPECT_NE(VersionOf(edited.set, "b.example"), b);
  EXPECT_EQ(VersionOf(edited.set, "a.example"), a);
}

// A watcher's list of changed files: those are read and no other file is
// looked at; a file the list names that is gone takes its domain with it;
// a temporary file is none of ours; a link or folder swapped in the
// domains folder (a ConfigMap's ..data) makes the load look at every file.
TEST(ConfigStateTest, ANamedChangeLooksAtTheNamedFilesOnly) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  std::string a = dir.Write("domains/a.example.yaml", "domain: a.example\n");
  std::string b = dir.Write("domains/b.example.yaml", "domain: b.example\n");
  ConfigState state(server);
  ASSERT_THAT(ErrorsOnly(AllOf(state.Load())), IsEmpty());

  dir.Write("domains/a.example.yaml", "domain: a.example\nmode: enforce\ndmarc: {p: reject}\n");
  dir.Write("domains/b.example.yaml", "domain: b.example\nmode: enforce\ndmarc: {p: reject}\n");
  std::string tmp = dir.Write("domains/.a.example.yaml.swp", "not yaml: [");
  std::vector<std::string> named = {a, tmp};
  LoadReport only_a = state.Load(nullptr, 2.0, &named);
  EXPECT_EQ(only_a.files_read, 1u);
  EXPECT_EQ(only_a.files_unchanged, 1u);
  EXPECT_THAT(Domains(only_a.set), ElementsAre("a.example", "b.example"));
  EXPECT_EQ(only_a.set.domains[0].mode, Mode::kEnforce);
  EXPECT_EQ(only_a.set.domains[1].mode, Mode::kMonitor);  // b's edit was not named

  std::filesystem::remove(a);
  std::string c = dir.Write("domains/c.example.yaml", "domain: c.example\n");
  named = {a, c};
  LoadReport swap = state.Load(nullptr, 2.0, &named);
  EXPECT_TRUE(swap.changed);
  EXPECT_EQ(swap.files_read, 1u);
  EXPECT_THAT(Domains(swap.set), ElementsAre("b.example", "c.example"));

  std::filesystem::create_directory_symlink(dir.path() / "domains", dir.path() / "domains/..data");
  named = {(dir.path() / "domains/..data").string()};
  LoadReport everything = state.Load(nullptr, 2.0, &named);
  EXPECT_EQ(everything.files_read, 1u);  // b's edit, seen by the full look
  EXPECT_EQ(everything.set.domains[0].mode, Mode::kEnforce);
}

// What a state serves, file by file, in a form two states can compare
// (versions are numbers of reads, which differ between states).
std::vector<std::string> Served(const LoadReport& report) {
  std::vector<std::string> out;
  for (const DomainConfig& d : report.set.domains) {
    out.push_back(absl::StrCat(d.domain, " from ", d.file.str(), " mode ",
                               static_cast<int>(d.mode), " p ", d.dmarc.p));
  }
  for (const Diagnostic& d : AllOf(report)) out.push_back(FormatDiagnostic(d));
  absl::StrAppend(&out.emplace_back(), report.files_failed, " failed ", report.files_kept,
                  " kept");
  return out;
}

std::vector<std::string> Owned(const std::vector<absl::string_view>& names) {
  return {names.begin(), names.end()};
}

// Random edits, each followed by a load of the files named: the same as a
// state that looks at every file each time, and the delta the load reports
// is what changed in its domains. Files are not named after their domains,
// so two files configure one domain now and then; some break (they keep
// their last good version), some warn, some go.
TEST(ConfigStateTest, NamedLoadsMatchFullLoadsOnRandomEdits) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  std::mt19937 rng(20261202);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto content = [&](size_t domain) {
    std::string name = absl::StrCat("domain: d", domain, ".example\n");
    switch (pick(5)) {
      case 0: return name + "spf: {senders: [nosuch]}\n";  // an error
      case 1: return name;                                    // a warning (no rua)
      case 2: return name + "mode: enforce\ndmarc: {p: quarantine}\n";
      default: return name + "mode: enforce\ndmarc: {p: reject}\n";
    }
  };
  for (size_t f = 0; f < 30; ++f) dir.Write(absl::StrCat("domains/f", f, ".yaml"), content(f));
  ConfigState named_state(server), full_state(server);
  LoadReport before = named_state.Load();
  full_state.Load();
  size_t with_delta = 0;
  for (int step = 0; step < 150; ++step) {
    SCOPED_TRACE(step);
    std::vector<std::string> named;
    for (size_t edits = 1 + pick(3); edits > 0; --edits) {
      std::string path = (dir.path() / absl::StrCat("domains/f", pick(36), ".yaml")).string();
      if (pick(6) == 0) {
        std::filesystem::remove(path);
      } else {
        // A tenth of the time the domain of another file: a duplicate.
        size_t domain = pick(10) == 0 ? pick(36) : std::stoul(path.substr(path.rfind('f') + 1));
        std::ofstream(path) << content(domain);
      }
      named.push_back(path);
    }
    LoadReport next = named_state.Load(nullptr, 2.0, &named);
    LoadReport full = full_state.Load();
    ASSERT_EQ(Served(next), Served(full));
    if (next.delta) {
      ++with_delta;
      DomainChanges diff = Diff(before.set.domains, next.set.domains);
      EXPECT_EQ(next.delta->added, Owned(diff.added));
      EXPECT_EQ(next.delta->removed, Owned(diff.removed));
      EXPECT_EQ(next.delta->changed, Owned(diff.changed));
    }
    before = std::move(next);
  }
  EXPECT_GT(with_delta, 100u);  // most loads are told what changed
}

// A file whose stamp changed but whose bytes did not (touch, a deploy tool
// rewriting every file) is kept as it was read: same version, so nothing is
// compiled again, and no change to publish if it was the only one.
TEST(ConfigStateTest, AFileRewrittenWithTheSameBytesIsKeptAsRead) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  std::string a = dir.Write("domains/a.yaml", "domain: a.example\nspf: {senders: [google]}\n");
  std::string b = dir.Write("domains/b.yaml", "domain: b.example\nspf: {senders: [google]}\n");
  ConfigState state(server);
  LoadReport first = state.Load();
  ASSERT_THAT(ErrorsOnly(AllOf(first)), IsEmpty());
  uint64_t version_a = VersionOf(first.set, "a.example");
  uint64_t version_b = VersionOf(first.set, "b.example");
  auto touch = [](const std::string& path) {
    std::filesystem::last_write_time(
        path, std::filesystem::last_write_time(path) + std::chrono::hours(1));
  };

  touch(a);
  dir.Write("domains/b.yaml", "domain: b.example\nspf: {senders: [google], all: fail}\n");
  touch(b);
  LoadReport both = state.Load();
  EXPECT_EQ(both.files_read, 2u);
  EXPECT_EQ(both.files_same, 1u);
  EXPECT_TRUE(both.changed);
  EXPECT_EQ(VersionOf(both.set, "a.example"), version_a);
  EXPECT_NE(VersionOf(both.set, "b.example"), version_b);

  touch(a);
  LoadReport touched = state.Load();
  EXPECT_EQ(touched.files_read, 1u);
  EXPECT_EQ(touched.files_same, 1u);
  EXPECT_FALSE(touched.changed);
  EXPECT_EQ(VersionOf(touched.set, "a.example"), version_a);
}

// A swap to a new release folder (deploy/git-sync/) gives every file a new
// inode and the same bytes, but for the few a commit changed: the catalog
// is not loaded again, and no domain file is checked again, so such a
// swap costs a read of each file, not a check of each against the catalog.
TEST(ConfigStateTest, FilesWrittenAgainWithTheSameBytesAreNotCheckedAgain) {
  constexpr char kA[] =
      "domain: a.example\nspf: {senders: [google]}\ndmarc: {rua: [\"mailto:d@a.example\"]}\n";
  constexpr char kB[] =
      "domain: b.example\nspf: {senders: [nosuch]}\ndmarc: {rua: [\"mailto:d@b.example\"]}\n";
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  dir.Write("domains/a.example.yaml", kA);
  // An unknown sender: an error of the check, in a list the check makes.
  dir.Write("domains/b.example.yaml", kB);
  ConfigState state(server);
  LoadReport first = state.Load();
  ASSERT_EQ(first.file_errors.size(), 1u);
  auto b_errors = first.file_errors[0].list;
  ASSERT_EQ(Brief(*b_errors), std::vector<std::string>{"2:17: unknown sender 'nosuch'"});
  auto rewrite = [&](const std::string& name, const std::string& text) {
    std::string tmp = dir.Write(name + ".new", text);  // a new inode, renamed over the old
    std::filesystem::rename(tmp, dir.path() / name);
  };

  rewrite("senders.yaml", kCatalog);
  LoadReport catalog_again = state.Load();
  EXPECT_EQ(catalog_again.files_rechecked, 0u);
  EXPECT_FALSE(catalog_again.changed);

  rewrite("domains/a.example.yaml", kA);
  rewrite("domains/b.example.yaml", kB);
  LoadReport files_again = state.Load();
  EXPECT_EQ(files_again.files_read, 2u);
  EXPECT_EQ(files_again.files_same, 2u);
  EXPECT_EQ(files_again.files_rechecked, 0u);
  EXPECT_FALSE(files_again.changed);
  ASSERT_EQ(files_again.file_errors.size(), 1u);
  EXPECT_EQ(files_again.file_errors[0].list, b_errors);  // not checked again

  // Other bytes, the same senders: a new catalog, and still no file
  // checked again (ACatalogEditedOnlyInItsCommentsChecksNoFileAgain).
  rewrite("senders.yaml", absl::StrCat(kCatalog, "# edited\n"));
  LoadReport catalog_edited = state.Load();
  EXPECT_TRUE(catalog_edited.changed);
  EXPECT_EQ(catalog_edited.files_rechecked, 0u);
  ASSERT_EQ(catalog_edited.file_errors.size(), 1u);
  EXPECT_EQ(catalog_edited.file_errors[0].list, b_errors);
}

// A family's zone added to or taken from the server file changes how
// unchanged domain files check out: a CNAME delegation needs its zone.
TEST(ConfigStateTest, AFamilyZoneChangedChecksEveryFileAgain) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  dir.Write("domains/a.example.yaml",
            "domain: a.example\ndkim_delegation: cname\ndmarc: {rua: [\"mailto:d@a.example\"]}\n");
  ConfigState state(server);
  LoadReport first = state.Load();
  ASSERT_EQ(ErrorsOnly(AllOf(first)).size(), 1u);
  EXPECT_THAT(Brief(ErrorsOnly(AllOf(first))[0]), HasSubstr("needs provider.dkim_zone"));
  EXPECT_EQ(VersionOf(first.set, "a.example"), 0u);

  dir.Write("dnsd.yaml", absl::StrReplaceAll(kServer, {{"  report_domain: reports.provider.test\n",
                                                        "  report_domain: reports.provider.test\n"
                                                        "  dkim_zone: _dkim.provider.test\n"}}));
  LoadReport added = state.Load();
  EXPECT_EQ(added.files_read, 0u);
  EXPECT_EQ(added.files_rechecked, 1u);
  EXPECT_THAT(ErrorsOnly(AllOf(added)), IsEmpty());
  EXPECT_NE(VersionOf(added.set, "a.example"), 0u);

  dir.Write("dnsd.yaml", kServer);
  LoadReport removed = state.Load();
  EXPECT_EQ(removed.files_rechecked, 1u);
  EXPECT_EQ(ErrorsOnly(AllOf(removed)).size(), 1u);
}

// A reload that reads every file again lets each file's old version go as
// soon as its new read checks out, not once the last file is read: at
// 100k domains, old and new models side by side were a third of a full
// reload's peak. A file that now fails keeps its last good version.
TEST(ConfigStateTest, AFullReloadLetsEachOldVersionGoAsItsFileIsRead) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  constexpr int kFiles = 200;  // enough to be read on several threads
  auto name = [](int i) { return absl::StrCat("d", i, ".example"); };
  for (int i = 0; i < kFiles; ++i) {
    dir.Write(absl::StrCat("domains/", name(i), ".yaml"),
              absl::StrCat("domain: ", name(i), "\nspf: {senders: [google]}\n"));
  }
  ConfigState state(server);
  std::vector<std::weak_ptr<const DomainHead>> old;
  uint64_t kept_version = 0;
  {
    LoadReport first = state.Load();
    ASSERT_EQ(first.set.domains.size(), static_cast<size_t>(kFiles));
    for (auto it = first.set.domains.begin(); it != first.set.domains.end(); ++it) {
      old.push_back(*it.base());
    }
    kept_version = VersionOf(first.set, name(7));
  }
  // Every file changed; one of them (d7) no longer checks out.
  for (int i = 0; i < kFiles; ++i) {
    dir.Write(absl::StrCat("domains/", name(i), ".yaml"),
              absl::StrCat("domain: ", name(i), "\nspf: {senders: [", i == 7 ? "gogle" : "google",
                           "], all: fail}\n"));
  }
  auto alive = [&] {
    return std::count_if(old.begin(), old.end(), [](const auto& w) { return !w.expired(); });
  };
  // The last progress report of the reading comes once every file is read
  // and before the domains are listed again.
  long alive_when_read = -1;
  LoadReport second = state.Load(
      [&](const LoadProgress& p) {
        if (p.phase == LoadProgress::Phase::kReading && p.files_done == p.files_total) {
          alive_when_read = alive();
        }
      },
      0.0);
  EXPECT_EQ(second.files_read, static_cast<size_t>(kFiles));
  EXPECT_EQ(second.files_failed, 1u);
  EXPECT_EQ(second.files_kept, 1u);
  EXPECT_EQ(alive_when_read, 1);  // d7's last good version, still served
  EXPECT_EQ(alive(), 1);
  EXPECT_EQ(second.set.domains.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(VersionOf(second.set, name(7)), kept_version);
}

// What the state keeps of a file names it once: its key, its model's
// positions and its diagnostics share one FileName. Diagnostics of the read
// that the checks add nothing to are kept once, with the read, not copied
// at every check: a catalog change re-checks every file.
TEST(ConfigStateTest, APathAndAReadsWarningsAreKeptOnce) {
  TempDir dir;
  std::string server = dir.Write("dnsd.yaml", kServer);
  dir.Write("senders.yaml", kCatalog);
  dir.Write("domains/a.example.yaml",
            "domain: a.example\nspf: {senders: [google]}\ndmarc: {rua: [\"mailto:d@a.example\"]}\n");
  // mode monitor (the default) without a rua: a warning of the read.
  dir.Write("domains/b.example.yaml", "domain: b.example\nspf: {senders: [google]}\n");
  ConfigState state(server);
  LoadReport first = state.Load();
  ASSERT_EQ(first.file_errors.size(), 1u);
  const FileDiagnostics& b = first.file_errors[0];
  EXPECT_EQ(b.path, (dir.path() / "domains/b.example.yaml").string());
  ASSERT_EQ(b.list->size(), 1u);
  EXPECT_TRUE(b.path.SharedWith((*b.list)[0].pos.file));
  EXPECT_EQ(b.list->capacity(), 1u);
  const DomainConfig* model = nullptr;
  for (const DomainConfig& d : first.set.domains) {
    if (d.domain == "b.example") model = &d;
  }
  ASSERT_NE(model, nullptr);
  EXPECT_TRUE(model->file.SharedWith(b.path));
  EXPECT_TRUE(model->pos().file.SharedWith(b.path));

  // A sender more: every file checked again.
  dir.Write("senders.yaml",
            absl::StrCat(kCatalog, "  extra: {name: Extra, include: spf.extra.test}\n"));
  LoadReport again = state.Load();
  EXPECT_EQ(again.files_rechecked, 2u);
  ASSERT_EQ(again.file_errors.size(), 1u);
  EXPECT_EQ(again.file_errors[0].list, b.list);  // the same list, not an equal copy
}

Diagnostic At(const char* file, int line, int column, const char* message) {
  // Built field by field: GCC 12 warns falsely on the nested aggregate form.
  Diagnostic d;
  d.pos.file = file;
  d.pos.line = line;
  d.pos.column = column;
  d.message = message;
  return d;
}

// Every position a reader makes shares one copy of the file's name, and
// names still compare and sort as the strings they are.
TEST(FileNameTest, PositionsOfOneFileShareItsName) {
  YamlReader r("domains/a.yaml");
  std::optional<Value> root = r.Parse("a: 1\nb: [x, y]\n");
  ASSERT_TRUE(root.has_value());
  std::optional<std::vector<Entry>> entries = r.Entries(*root);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 2u);
  const SourcePos& a = (*entries)[0].key_pos;
  const SourcePos& b = (*entries)[1].value.pos;
  EXPECT_EQ(a.file, "domains/a.yaml");
  EXPECT_EQ(a.file.str().data(), b.file.str().data());
  EXPECT_EQ(a.file.str().data(), root->pos.file.str().data());
  EXPECT_EQ(b.line, 2);

  EXPECT_EQ(FileName("x.yaml"), FileName(std::string("x.yaml")));
  EXPECT_LT(FileName("a.yaml"), FileName("b.yaml"));
  EXPECT_TRUE(FileName().empty());
  EXPECT_EQ(FileName().str(), "");

  // Copies share, moves hand over; equal names made apart do not share.
  FileName x("x.yaml");
  FileName copy = x;
  EXPECT_TRUE(copy.SharedWith(x));
  FileName moved = std::move(copy);
  EXPECT_TRUE(moved.SharedWith(x));
  copy = moved;
  EXPECT_TRUE(copy.SharedWith(x));
  EXPECT_FALSE(FileName("x.yaml").SharedWith(x));
  copy = FileName();
  EXPECT_TRUE(copy.empty());
  EXPECT_EQ(x, "x.yaml");
}

// One pointer: a domain's model holds dozens of positions.
TEST(FileNameTest, APositionIsSixteenBytes) {
  EXPECT_EQ(sizeof(FileName), sizeof(void*));
  EXPECT_EQ(sizeof(SourcePos), 16u);
}

// The characters live with the count: str() and c_str() read the same
// octets, whole however long the path, and c_str() ends in a NUL.
TEST(FileNameTest, ThePathIsKeptWholeWithItsCount) {
  const std::string path = "/srv/dnsd/" + std::string(300, 'd') + "/example.com.yaml";
  FileName name(path);
  EXPECT_EQ(name.str(), path);
  EXPECT_EQ(name.string(), path);
  EXPECT_EQ(static_cast<const void*>(name.c_str()), name.str().data());
  EXPECT_EQ(std::strlen(name.c_str()), path.size());
  FileName view(absl::string_view(path).substr(0, 4));
  EXPECT_EQ(view.str(), "/srv");
  EXPECT_STREQ(view.c_str(), "/srv");
  EXPECT_STREQ(FileName().c_str(), "");
}

TEST(FormatDiagnosticTest, FileLineColumnMessage) {
  EXPECT_EQ(FormatDiagnostic(At("domains/a.yaml", 3, 14, "bad")), "domains/a.yaml:3:14: bad");
  EXPECT_EQ(FormatDiagnostic(At("dnsd.yaml", 0, 0, "cannot open")), "dnsd.yaml: cannot open");
}

}  // namespace
}  // namespace dnsd::config
