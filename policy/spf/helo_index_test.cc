// HeloIndex: exact and "*." patterns, letter case, several matches.
#include "policy/spf/helo_index.h"

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The HELO's labels as they stand in a query name: wire form, no root.
// Letter case is kept (the caller lower-cases query names).
std::string Labels(absl::string_view text) {
  auto name = testing::NameFromPresentation(text);
  EXPECT_TRUE(name.ok()) << text;
  if (!name.ok()) return "";
  return std::string(name->view().substr(0, name->size - 1));
}

std::vector<uint32_t> Matches(const HeloIndex& index, absl::string_view helo) {
  std::vector<uint32_t> ids;
  std::string labels = Labels(helo);
  index.Lookup(labels, [&](uint32_t id) {
    ids.push_back(id);
    return false;
  });
  return ids;
}

TEST(HeloIndexTest, ExactPatternMatchesOnlyItself) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("smtp.sendgrid.net", 7).ok());
  EXPECT_THAT(Matches(index, "smtp.sendgrid.net"), ElementsAre(7u));
  EXPECT_THAT(Matches(index, "a.smtp.sendgrid.net"), IsEmpty());
  EXPECT_THAT(Matches(index, "sendgrid.net"), IsEmpty());
  EXPECT_THAT(Matches(index, "smtp.sendgrid.ne"), IsEmpty());
  EXPECT_THAT(Matches(index, "xsmtp.sendgrid.net"), IsEmpty());
  EXPECT_THAT(Matches(index, "smtp.sendgrid.net.evil"), IsEmpty());
}

TEST(HeloIndexTest, WildcardMatchesStrictlyBelow) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("*.outbound.protection.outlook.com", 3).ok());
  EXPECT_THAT(Matches(index, "mail-db5eur01.outbound.protection.outlook.com"), ElementsAre(3u));
  EXPECT_THAT(Matches(index, "a.b.c.outbound.protection.outlook.com"), ElementsAre(3u));
  EXPECT_THAT(Matches(index, "outbound.protection.outlook.com"), IsEmpty());
  EXPECT_THAT(Matches(index, "protection.outlook.com"), IsEmpty());
  EXPECT_THAT(Matches(index, "xoutbound.protection.outlook.com"), IsEmpty());
  EXPECT_THAT(Matches(index, "outbound.protection.outlook.com.evil.test"), IsEmpty());
}

TEST(HeloIndexTest, PatternsAreStoredLowerCase) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("*.Outbound.Protection.OUTLOOK.com", 3).ok());
  ASSERT_TRUE(index.Add("SMTP.SendGrid.net", 4).ok());
  EXPECT_THAT(Matches(index, "mail.outbound.protection.outlook.com"), ElementsAre(3u));
  EXPECT_THAT(Matches(index, "smtp.sendgrid.net"), ElementsAre(4u));
  // The query path hands in lower-case labels; other case does not match.
  EXPECT_THAT(Matches(index, "mail.OUTBOUND.protection.outlook.com"), IsEmpty());
}

TEST(HeloIndexTest, ExactAndWildcardOfOneNameAreDifferent) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("mcsv.net", 1).ok());
  ASSERT_TRUE(index.Add("*.mcsv.net", 2).ok());
  EXPECT_THAT(Matches(index, "mcsv.net"), ElementsAre(1u));
  EXPECT_THAT(Matches(index, "mail.mcsv.net"), ElementsAre(2u));
}

TEST(HeloIndexTest, EveryMatchClosestFirstAndEarlyStop) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("*.example.net", 1).ok());
  ASSERT_TRUE(index.Add("*.b.example.net", 2).ok());
  ASSERT_TRUE(index.Add("a.b.example.net", 3).ok());
  ASSERT_TRUE(index.Add("*.example.net", 4).ok());
  EXPECT_THAT(Matches(index, "a.b.example.net"), ElementsAre(3u, 2u, 1u, 4u));
  EXPECT_THAT(Matches(index, "c.b.example.net"), ElementsAre(2u, 1u, 4u));
  EXPECT_THAT(Matches(index, "b.example.net"), ElementsAre(1u, 4u));

  std::string labels = Labels("a.b.example.net");
  int calls = 0;
  EXPECT_TRUE(index.Lookup(labels, [&](uint32_t id) {
    ++calls;
    return id == 2;
  }));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(index.Lookup(Labels("nothing.test"), [](uint32_t) { return true; }));
}

TEST(HeloIndexTest, NoMatchAndOddHelos) {
  HeloIndex index;
  ASSERT_TRUE(index.Add("*.google.com", 1).ok());
  EXPECT_THAT(Matches(index, "unknown"), IsEmpty());
  EXPECT_THAT(Matches(index, "[192.0.2.1]"), IsEmpty());
  EXPECT_THAT(Matches(index, "\\000\\255.google\\.com"), IsEmpty());
  EXPECT_THAT(Matches(index, "google.com"), IsEmpty());
  EXPECT_THAT(Matches(index, "\\000\\255.google.com"), ElementsAre(1u));
  EXPECT_THAT(index.Lookup("", [](uint32_t) { return true; }), false);
}

TEST(HeloIndexTest, RejectsPatternsThatAreNotNames) {
  HeloIndex index;
  EXPECT_FALSE(index.Add("a..b", 1).ok());
  EXPECT_FALSE(index.Add(std::string(64, 'a') + ".test", 1).ok());
  EXPECT_FALSE(index.Add("*..test", 1).ok());
}

}  // namespace
}  // namespace dnsd::spf
