#include "dnsd/control/refresh/state_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace dnsd::refresh {
namespace {

namespace fs = std::filesystem;

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/dnsd-state-test-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& text) {
    std::ofstream(StateFilePath(dir_)) << text;
  }

  std::string dir_;
};

IpPrefix P(const char* text) { return *ParseIpPrefix(text); }

PersistedRanges Sample() {
  PersistedRanges r;
  r["office365"] = {"spf.protection.outlook.com", {P("40.92.0.0/15"), P("2a01:111:f400::/48")},
                    1767225600, 3600};
  r["sendgrid"] = {"sendgrid.net", {P("167.89.0.0/17")}, 1767225601, 300};
  return r;
}

void ExpectSame(const PersistedRanges& a, const PersistedRanges& b) {
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [id, s] : a) {
    auto it = b.find(id);
    ASSERT_NE(it, b.end()) << id;
    EXPECT_EQ(s.include, it->second.include);
    EXPECT_EQ(s.prefixes, it->second.prefixes);
    EXPECT_EQ(s.refreshed_unix, it->second.refreshed_unix);
    EXPECT_EQ(s.ttl, it->second.ttl);
  }
}

TEST_F(StateFileTest, RoundTrip) {
  ASSERT_TRUE(WriteStateFile(StateFilePath(dir_), Sample()).ok());
  auto read = ReadStateFile(StateFilePath(dir_));
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSame(Sample(), *read);
  // Only the file itself: the temporary one was renamed over it.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_EQ(e.path().filename(), "catalog-ranges.yaml");
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(StateFileTest, ReplacesAnOlderFileAndCreatesTheFolder) {
  std::string path = StateFilePath(dir_ + "/sub");
  ASSERT_TRUE(WriteStateFile(path, Sample()).ok());
  PersistedRanges one;
  one["x"] = {"x.test", {P("192.0.2.0/24")}, 5, 6};
  ASSERT_TRUE(WriteStateFile(path, one).ok());
  auto read = ReadStateFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  ExpectSame(one, *read);
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST_F(StateFileTest, MissingFileIsEmpty) {
  auto read = ReadStateFile(StateFilePath(dir_));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->empty());
}

TEST_F(StateFileTest, EmptySetRoundTrips) {
  ASSERT_TRUE(WriteStateFile(StateFilePath(dir_), {}).ok());
  auto read = ReadStateFile(StateFilePath(dir_));
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->empty());
}

TEST_F(StateFileTest, CorruptFilesAreErrors) {
  std::string good = FormatState(Sample());
  for (const std::string& text : {
           std::string("\x01\x02\xff garbage {{{"),
           good.substr(0, good.size() / 2) + "\n  - [",   // cut short mid-write
           std::string("version: 2\nsenders: {}\n"),
           std::string("senders: {}\n"),
           std::string("version: 1\nsenders: [1, 2]\n"),
           std::string("version: 1\nsenders:\n  Bad!:\n    include: x\n"),
           std::string("version: 1\nsenders:\n  a:\n    include: x.test\n    refreshed: 1\n"
                       "    ttl: 1\n    prefixes: [192.0.2.1/24]\n"),   // host bits
           std::string("version: 1\nsenders:\n  a:\n    include: x.test\n    refreshed: 1\n"
                       "    ttl: 1\n    prefixes: []\n"),
           std::string("version: 1\nsenders:\n  a:\n    include: x.test\n    refreshed: -1\n"
                       "    ttl: 1\n    prefixes: [192.0.2.0/24]\n"),
           std::string("version: 1\nsenders:\n  a:\n    include: x.test\n    refreshed: one\n"
                       "    ttl: 1\n    prefixes: [192.0.2.0/24]\n"),
       }) {
    Write(text);
    auto read = ReadStateFile(StateFilePath(dir_));
    EXPECT_FALSE(read.ok()) << text;
    EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << read.status();
  }
}

// The refusal goes into the log: what it quotes of the file is escaped.
TEST_F(StateFileTest, ARefusalEscapesTheFilesOctets) {
  Write("version: 1\nsenders:\n  \"Bad\\x1b[2J\":\n    include: x\n");
  auto read = ReadStateFile(StateFilePath(dir_));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(),
            StateFilePath(dir_) + ": bad sender id 'Bad\\x1b[2J'");
}

TEST_F(StateFileTest, NotAFolderIsAnError) {
  std::string file = dir_ + "/plain";
  std::ofstream(file) << "x";
  EXPECT_FALSE(WriteStateFile(StateFilePath(file), Sample()).ok());
}

}  // namespace
}  // namespace dnsd::refresh
