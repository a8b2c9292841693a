// A restart from the compiled image serves what a start that reads every
// file serves, snapshot digest for snapshot digest, however the files,
// the server file or the image itself changed in between; and reads and
// compiles only what changed.
#include "config/compiled_image.h"

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "config/image_bytes.h"
#include "config/load_and_compile.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot_dump.h"
#include "config/test_util.h"
#include "policy/dkim/test_keys.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

namespace fs = std::filesystem;

constexpr int kDomains = 120;

class CompiledImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir_.path(), kDomains, 3,
                                        {testing::kRsa2048}));
    cfg_ = dir_.path() / "cfg";
    server_ = (cfg_ / "dnsd.yaml").string();
    image_ = (dir_.path() / "compiled.image").string();
  }

  // A server's state as `dnsd serve` keeps it: models released.
  static std::unique_ptr<LoadState> Serving(const std::string& server) {
    auto state = std::make_unique<LoadState>(server);
    state->files.set_release(true);
    return state;
  }

  // Loads the files as they are, writes the image, and returns the digest served.
  uint64_t FirstRunWritesImage(size_t domains = kDomains) {
    auto state = Serving(server_);
    LoadedConfig loaded = LoadAndCompile(*state, 1);
    EXPECT_FALSE(loaded.fatal);
    auto written = WriteCompiledImage(*state, image_);
    EXPECT_TRUE(written.ok()) << written.status();
    if (written.ok()) {
      EXPECT_EQ(written->files, domains);
      EXPECT_EQ(written->domains, domains);
    }
    return loaded.snapshot->digest;
  }

  // A start offered the image, and the same start without one (the digest
  // to be served).
  LoadedConfig Restart(std::unique_ptr<LoadState>& state) {
    state = Serving(server_);
    auto image = CompiledImage::Open(image_);
    if (image.ok()) state->UseImage(*std::move(image));
    return LoadAndCompile(*state, 1);
  }
  uint64_t FreshDigest() {
    auto state = Serving(server_);
    return LoadAndCompile(*state, 1).snapshot->digest;
  }
  // All a start that reads every file serves (testing::Dump).
  std::string FreshDump(const RefreshedRanges* refreshed = nullptr) {
    auto state = Serving(server_);
    return testing::Dump(*LoadAndCompile(*state, 1, false, nullptr, refreshed).snapshot);
  }

  std::string DomainFile(int i) const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(cfg_ / "domains")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files[i].string();
  }

  testing::TempDir dir_;
  fs::path cfg_;
  std::string server_;
  std::string image_;
};

TEST_F(CompiledImageTest, UnchangedFilesAreNeitherReadNorCompiled) {
  uint64_t first = FirstRunWritesImage();
  std::unique_ptr<LoadState> state;
  LoadedConfig restarted = Restart(state);
  ASSERT_FALSE(restarted.fatal);
  EXPECT_EQ(restarted.image_refused, "");
  EXPECT_EQ(restarted.image_files, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.image_domains, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.report.files_read, 0u);
  EXPECT_EQ(restarted.report.files_rechecked, 0u);  // checked against these very files
  EXPECT_EQ(restarted.compile_stats.compiled, 0u);
  // Linked while the files were listed, and taken as a reload takes the
  // last compile's tables: what a start that reads every file serves.
  EXPECT_EQ(restarted.image_linked, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.snapshot->digest, first);
  EXPECT_EQ(testing::Dump(*restarted.snapshot), FreshDump());
  // The warnings the files' reads gave are reported as a read reports them.
  EXPECT_EQ(AllDiagnostics(restarted).size(), [&] {
    auto fresh = Serving(server_);
    return AllDiagnostics(LoadAndCompile(*fresh, 1)).size();
  }());

  // A reload after it reads and compiles what changes, as after any start.
  std::ofstream(DomainFile(5), std::ios::app) << "dmarc_delegation: cname\n";
  LoadedConfig reload = LoadAndCompile(*state, 2);
  EXPECT_EQ(reload.report.files_read, 1u);
  EXPECT_EQ(reload.compile_stats.compiled, 1u);
  EXPECT_EQ(reload.snapshot->digest, FreshDigest());
}

TEST_F(CompiledImageTest, WhatChangedSinceIsReadAndCompiled) {
  FirstRunWritesImage();
  std::ofstream(DomainFile(7), std::ios::app) << "# edited\ninclude_subdomains: true\n";
  fs::remove(DomainFile(9));
  std::ofstream(cfg_ / "domains" / "zz-new.example.yaml") << "domain: zz-new.example\n";
  // Touched, same bytes: read again (a new stamp), found the same.
  std::string touched = DomainFile(11);
  fs::last_write_time(touched, fs::last_write_time(touched) + std::chrono::seconds(5));

  std::unique_ptr<LoadState> state;
  LoadedConfig restarted = Restart(state);
  ASSERT_FALSE(restarted.fatal);
  EXPECT_EQ(restarted.image_files, static_cast<size_t>(kDomains - 3));
  EXPECT_EQ(restarted.report.files_read, 3u);  // edited, touched, new
  EXPECT_EQ(restarted.report.files_same, 1u);  // touched
  EXPECT_EQ(restarted.compile_stats.compiled, 2u);  // edited, new
  // The image's link, edited by what changed since.
  EXPECT_EQ(restarted.image_linked, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.snapshot->digest, FreshDigest());
  EXPECT_EQ(testing::Dump(*restarted.snapshot), FreshDump());
}

// A domain the image holds whose part was left out when its tables were
// linked (it claims a name the provider serves): the image's link is not
// kept, and the start links every domain as without it, reporting that
// domain's error as a start that reads every file does.
TEST_F(CompiledImageTest, ALinkThatLeftAPartOutIsNotKept) {
  std::ofstream(cfg_ / "domains" / "provider.test.yaml") << "domain: provider.test\n";
  FirstRunWritesImage(kDomains + 1);
  std::unique_ptr<LoadState> state;
  LoadedConfig restarted = Restart(state);
  ASSERT_FALSE(restarted.fatal);
  EXPECT_EQ(restarted.image_linked, 0u);
  EXPECT_EQ(restarted.image_domains, static_cast<size_t>(kDomains + 1));
  EXPECT_EQ(restarted.compile_stats.compiled, 0u);
  EXPECT_EQ(testing::Dump(*restarted.snapshot), FreshDump());
  auto fresh = Serving(server_);
  std::vector<std::string> diagnostics = testing::Brief(AllDiagnostics(restarted));
  EXPECT_EQ(diagnostics, testing::Brief(AllDiagnostics(LoadAndCompile(*fresh, 1))));
  EXPECT_TRUE(std::any_of(diagnostics.begin(), diagnostics.end(), [](const std::string& d) {
    return d.find("_dmarc.provider.test. is already served by another zone") != std::string::npos;
  }));
}

// A sender's ranges changed since (the catalog refresh's, with the same
// catalog): every domain that names it is compiled again, its file read
// again (and found the same: the digest of its bytes is the same in every
// run); the others are taken from the image.
TEST_F(CompiledImageTest, ChangedRangesCompileTheDomainsThatUseThem) {
  FirstRunWritesImage();
  RefreshedRanges refreshed;
  refreshed.senders["google"] = {"_spf.google.com", {*ParseIpPrefix("100.64.7.0/24")}};
  auto state = Serving(server_);
  state->UseImage(*CompiledImage::Open(image_));
  LoadedConfig restarted = LoadAndCompile(*state, 1, false, nullptr, &refreshed);
  ASSERT_FALSE(restarted.fatal);
  EXPECT_EQ(restarted.image_files, static_cast<size_t>(kDomains));
  EXPECT_GT(restarted.compile_stats.compiled, 0u);
  EXPECT_LT(restarted.compile_stats.compiled, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.compile_stats.unread, 0u);
  EXPECT_EQ(restarted.image_linked, static_cast<size_t>(kDomains));
  EXPECT_EQ(testing::Dump(*restarted.snapshot), FreshDump(&refreshed));
}

TEST_F(CompiledImageTest, AnotherCatalogRefusesTheImage) {
  FirstRunWritesImage();
  std::ofstream(cfg_ / "senders.yaml", std::ios::app) << "# a comment: other bytes\n";
  std::unique_ptr<LoadState> state;
  LoadedConfig restarted = Restart(state);
  EXPECT_EQ(restarted.image_files, 0u);
  EXPECT_NE(restarted.image_refused, "");
  EXPECT_EQ(restarted.snapshot->digest, FreshDigest());
}

TEST_F(CompiledImageTest, AnotherServerFileRefusesTheImage) {
  FirstRunWritesImage();
  std::ofstream(server_, std::ios::app) << "# a comment: other bytes\n";
  std::unique_ptr<LoadState> state;
  LoadedConfig restarted = Restart(state);
  EXPECT_EQ(restarted.image_files, 0u);
  EXPECT_EQ(restarted.image_domains, 0u);
  EXPECT_NE(restarted.image_refused, "");
  EXPECT_EQ(restarted.report.files_read, static_cast<size_t>(kDomains));
  EXPECT_EQ(restarted.snapshot->digest, FreshDigest());
}

// An image changed on the disk: cut short, it is not opened; a changed
// byte anywhere leaves the record it is in to be read and compiled, and
// whatever is served is what the files say.
TEST_F(CompiledImageTest, ADamagedImageServesWhatTheFilesSay) {
  FirstRunWritesImage();
  const std::string written = testing::ReadFile(image_);
  const uint64_t fresh = FreshDigest();
  {
    std::ofstream(image_, std::ios::trunc | std::ios::binary)
        << written.substr(0, written.size() - 1);
    EXPECT_FALSE(CompiledImage::Open(image_).ok());
  }
  std::mt19937 rng(11);
  // Every byte of the head and the sender numbers (the first 200), then
  // bytes anywhere.
  for (int round = 0; round < 240; ++round) {
    std::string changed = written;
    size_t at = round < 200 ? static_cast<size_t>(round) : rng() % changed.size();
    changed[at] ^= static_cast<char>(1 + rng() % 255);
    std::ofstream(image_, std::ios::trunc | std::ios::binary) << changed;
    std::unique_ptr<LoadState> state;
    LoadedConfig restarted = Restart(state);
    ASSERT_FALSE(restarted.fatal) << "byte " << at;
    EXPECT_EQ(restarted.snapshot->digest, fresh) << "byte " << at;
  }
}

// The image is offered to the first load only: one that is rejected (a
// broken server file) does not leave it to a reload.
TEST_F(CompiledImageTest, OnlyTheFirstLoadIsOffered) {
  FirstRunWritesImage();
  const std::string server = testing::ReadFile(server_);
  std::ofstream(server_, std::ios::trunc) << "provider: [\n";
  auto state = Serving(server_);
  state->UseImage(*CompiledImage::Open(image_));
  EXPECT_TRUE(LoadAndCompile(*state, 1).fatal);
  std::ofstream(server_, std::ios::trunc) << server;
  LoadedConfig second = LoadAndCompile(*state, 2);
  ASSERT_FALSE(second.fatal);
  EXPECT_EQ(second.image_files, 0u);
  EXPECT_EQ(second.report.files_read, static_cast<size_t>(kDomains));
  EXPECT_EQ(second.snapshot->digest, FreshDigest());
}

TEST_F(CompiledImageTest, NothingToWriteWhileTheServerFileDiffersFromItsLoad) {
  auto state = Serving(server_);
  ASSERT_FALSE(LoadAndCompile(*state, 1).fatal);
  std::ofstream(server_, std::ios::app) << "# edited after the load\n";
  EXPECT_FALSE(WriteCompiledImage(*state, image_).ok());
  EXPECT_FALSE(fs::exists(image_));
}

// The files' records are written a batch at a time (never all in memory
// at a stop): an image of several batches carries every file as one.
TEST(CompiledImageBatchesTest, AnImageOfManyBatchesCarriesEveryFile) {
  constexpr int kMany = 1200;
  testing::TempDir dir;
  ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir.path(), kMany, 1,
                                      {testing::kRsa2048}));
  const std::string server = (dir.path() / "cfg" / "dnsd.yaml").string();
  const std::string image_path = (dir.path() / "compiled.image").string();
  LoadState first(server);
  first.files.set_release(true);
  LoadedConfig loaded = LoadAndCompile(first, 1);
  ASSERT_FALSE(loaded.fatal);
  auto written = WriteCompiledImage(first, image_path);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->files, static_cast<size_t>(kMany));

  // A write that fails stops the records there: what was handed on is
  // counted, nothing after it.
  int puts = 0;
  size_t first_batch = 0;
  size_t handed = first.files.WriteImageFiles([&](const ImageWriter& records) {
    if (++puts == 1) {
      ImageReader in(records.bytes());
      while (!in.done() && in.ok()) {
        in.Bytes(1024);
        in.Digested();
        ++first_batch;
      }
      return true;
    }
    return false;
  });
  EXPECT_EQ(puts, 2);
  EXPECT_GT(first_batch, 0u);
  EXPECT_EQ(handed, first_batch);

  auto image = CompiledImage::Open(image_path);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_GT((*image)->files().size(), size_t{2} * (64 << 10));  // two batches or more
  LoadState restart(server);
  restart.files.set_release(true);
  restart.UseImage(*std::move(image));
  LoadedConfig restarted = LoadAndCompile(restart, 1);
  ASSERT_FALSE(restarted.fatal);
  EXPECT_EQ(restarted.image_refused, "");
  EXPECT_EQ(restarted.image_files, static_cast<size_t>(kMany));
  EXPECT_EQ(restarted.report.files_read, 0u);
  EXPECT_EQ(restarted.snapshot->digest, loaded.snapshot->digest);
}

}  // namespace
}  // namespace dnsd::config
