// The drop guard: what a reload may stop serving at once, and the marker
// that lets exactly one such change through.
#include "config/drop_guard.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;

DomainList Domains(int from, int to) {
  DomainList list;
  for (int i = from; i < to; ++i) {
    DomainConfig d;
    d.domain = absl::StrCat("d", 1000 + i, ".example");
    list.push_back(std::move(d));
  }
  return list;
}

class DropGuardTest : public ::testing::Test {
 protected:
  absl::Status Check(const DomainList* served, const DomainList& next) {
    return CheckDrop(served, next, settings_, server_file_);
  }

  testing::TempDir dir_;
  std::string server_file_ = dir_.Write("dnsd.yaml", "");
  GuardSettings settings_;
};

TEST_F(DropGuardTest, NothingToServeIsRefusedAtStartAndOnReload) {
  EXPECT_THAT(Check(nullptr, DomainList()).message(), HasSubstr("no domain to serve"));
  DomainList served = Domains(0, 3);
  absl::Status status = Check(&served, DomainList());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("(3 domains keep serving)"));
  EXPECT_THAT(status.message(), HasSubstr("dnsd allow-drop -c " + server_file_));
  EXPECT_TRUE(Check(nullptr, Domains(0, 1)).ok());
}

TEST_F(DropGuardTest, AShareAboveTheLimitIsRefused) {
  DomainList served = Domains(0, 100);
  EXPECT_TRUE(Check(&served, Domains(10, 100)).ok());     // 10 dropped: small
  EXPECT_TRUE(Check(&served, Domains(0, 150)).ok());      // only added
  absl::Status status = Check(&served, Domains(11, 100));  // 11 of 100
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("stop serving 11 of 100 domains (11%: d1000.example"));
  EXPECT_THAT(status.message(), HasSubstr("more than guard.max_drop_percent 10%"));

  DomainList many = Domains(0, 1000);
  EXPECT_TRUE(Check(&many, Domains(100, 1000)).ok());      // 10%
  EXPECT_FALSE(Check(&many, Domains(101, 1000)).ok());
  // Replacing names is dropping them too.
  EXPECT_FALSE(Check(&many, Domains(101, 1101)).ok());
  settings_.max_drop_percent = 50;
  EXPECT_TRUE(Check(&many, Domains(400, 1000)).ok());
  settings_.small_drop = 0;
  settings_.max_drop_percent = 0;
  EXPECT_FALSE(Check(&many, Domains(1, 1000)).ok());
}

TEST_F(DropGuardTest, TheMarkerLetsExactlyItsSetThrough) {
  DomainList served = Domains(0, 100);
  DomainList next = Domains(50, 100);
  ASSERT_FALSE(Check(&served, next).ok());
  ASSERT_TRUE(WriteAllowDrop(server_file_, next).ok());
  EXPECT_EQ(ReadAllowDrop(server_file_), DomainSetDigest(next));
  EXPECT_TRUE(Check(&served, next).ok());
  // Left behind, it lets no other drop through.
  EXPECT_FALSE(Check(&served, Domains(51, 100)).ok());
  EXPECT_FALSE(Check(&served, DomainList()).ok());
  ASSERT_TRUE(WriteAllowDrop(server_file_, DomainList()).ok());
  EXPECT_TRUE(Check(&served, DomainList()).ok());
  EXPECT_TRUE(Check(nullptr, DomainList()).ok());
}

TEST_F(DropGuardTest, AMarkerThatDoesNotReadAllowsNothing) {
  dir_.Write("dnsd.yaml.allow-drop", "something else\n");
  EXPECT_EQ(ReadAllowDrop(server_file_), std::nullopt);
  EXPECT_FALSE(Check(nullptr, DomainList()).ok());
}

}  // namespace
}  // namespace dnsd::config
