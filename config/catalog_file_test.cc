// LoadCatalogFile: senders.yaml, and Catalog::Find.
#include "config/loader.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::Brief;
using ::dnsd::config::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CatalogFileTest, LoadsSendersSortedById) {
  TempDir dir;
  Loaded<Catalog> loaded = LoadCatalogFile(dir.Write("senders.yaml", R"(
senders:
  office365:
    name: Microsoft 365
    include: spf.protection.outlook.com
    helo: ["*.outbound.protection.OUTLOOK.com", mail.protection.outlook.com.]
    answer: ip
    ranges:
      as_of: 2024-02-29
      from: spf.protection.outlook.com
      ip4: [40.92.0.0/15, 40.107.0.0/16]
      ip6: ["2a01:111:f400::/48"]
  google:
    name: Google Workspace
    include: _spf.google.com
    answer: include
)"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const Catalog& c = *loaded.value;
  ASSERT_EQ(c.senders.size(), 2u);
  EXPECT_EQ(c.senders[0].id, "google");
  EXPECT_EQ(c.senders[0].answer, SenderAnswer::kInclude);
  EXPECT_TRUE(c.senders[0].ranges.prefixes.empty());
  const Sender& o = c.senders[1];
  EXPECT_EQ(o.id, "office365");
  EXPECT_EQ(o.name, "Microsoft 365");
  EXPECT_EQ(o.include, "spf.protection.outlook.com");
  EXPECT_THAT(o.helo, ElementsAre("*.outbound.protection.outlook.com",
                                  "mail.protection.outlook.com"));
  EXPECT_EQ(o.answer, SenderAnswer::kIp);
  EXPECT_EQ(o.ranges.as_of, "2024-02-29");
  EXPECT_EQ(o.ranges.from, "spf.protection.outlook.com");
  ASSERT_EQ(o.ranges.prefixes.size(), 3u);
  EXPECT_EQ(FormatIpPrefix(o.ranges.prefixes[2]), "2a01:111:f400::/48");
  EXPECT_EQ(o.pos.line, 3);
  EXPECT_EQ(o.pos.column, 3);

  EXPECT_EQ(c.Find("office365"), &c.senders[1]);
  EXPECT_EQ(c.Find("google"), &c.senders[0]);
  EXPECT_EQ(c.Find("googl"), nullptr);
  EXPECT_EQ(c.Find("zzz"), nullptr);
  EXPECT_EQ(c.Find(""), nullptr);
}

TEST(CatalogFileTest, ReportsEveryMistake) {
  TempDir dir;
  Loaded<Catalog> loaded = LoadCatalogFile(dir.Write("senders.yaml", R"(
senders:
  Office365:
    name: ""
    include: "spf protection"
    helo: ["*.ok.test", "**.bad.test", "*.OK.test"]
    answer: maybe
    ranges:
      as_of: 2026-02-29
      ip4: ["2001:db8::/32", 10.0.0.0/8]
      ip6: [10.0.0.0/8]
      ipv4: []
  other: {include: x.test}
  third: [x]
)"));
  EXPECT_THAT(
      Brief(loaded.errors),
      ElementsAre(
          "3:3: sender id 'Office365' must be lower-case letters, digits, '-' "
          "or '_'",
          "4:11: senders.Office365.name: must not be empty",
          "5:14: senders.Office365.include: domain name 'spf protection' "
          "contains ' '; only letters, digits, '-' and '_' are allowed",
          "6:25: HELO pattern '**.bad.test': domain name '**.bad.test' "
          "contains '*'; only letters, digits, '-' and '_' are allowed",
          "6:40: '*.ok.test' is listed twice",
          "7:13: senders.Office365.answer: expected one of ip, include, got "
          "'maybe'",
          "9:14: senders.Office365.ranges.as_of: expected a date as "
          "YYYY-MM-DD, got '2026-02-29'",
          "10:13: '2001:db8::/32' is IPv6; put it under ip6",
          "11:13: '10.0.0.0/8' is IPv4; put it under ip4",
          "12:7: unknown key 'ipv4'; did you mean 'ip4'?",
          "13:10: senders.other: missing required key 'name'",
          "14:10: senders.third: expected a mapping, got a list"));
  EXPECT_FALSE(loaded.value.has_value());
}

// What a sender's include costs a receiver (RFC 7208 §4.6.4): a known
// cost, or unset (policy/spf/spf_budget.h assumes one).
TEST(CatalogFileTest, LookupCosts) {
  TempDir dir;
  Loaded<Catalog> loaded = LoadCatalogFile(dir.Write("senders.yaml", R"(
senders:
  a: {name: A, include: a.test, lookups: 3, void_lookups: 1}
  b: {name: B, include: b.test}
  c: {name: C, include: c.test, lookups: 0, void_lookups: 3}
  d: {name: D, include: d.test, lookups: 11, void_lookups: "1"}
)"));
  EXPECT_THAT(Brief(loaded.errors),
              ElementsAre("5:42: senders.c.lookups: expected an integer from 1 to 10, got '0'",
                          "5:59: senders.c.void_lookups: expected an integer from 0 to 2, got '3'",
                          "6:42: senders.d.lookups: expected an integer from 1 to 10, got '11'",
                          "6:60: senders.d.void_lookups: expected an integer from 0 to 2, got "
                          "the quoted string '1'; remove the quotes"));
  loaded = LoadCatalogFile(dir.Write("senders.yaml", R"(
senders:
  a: {name: A, include: a.test, lookups: 3, void_lookups: 1}
  b: {name: B, include: b.test}
)"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->senders[0].lookups, 3);
  EXPECT_EQ(loaded.value->senders[0].void_lookups, 1);
  EXPECT_FALSE(loaded.value->senders[1].lookups.has_value());
  EXPECT_FALSE(loaded.value->senders[1].void_lookups.has_value());
}

TEST(CatalogFileTest, DatesAreRealDays) {
  TempDir dir;
  for (const char* date :
       {"2026-13-01", "2026-00-10", "2026-04-31", "1900-02-29", "26-01-01",
        "2026-1-01", "2026/01/01", "2026-01-0x"}) {
    std::string yaml = std::string(
                           "senders:\n  a:\n    name: A\n    include: "
                           "a.test\n    ranges: {as_of: \"") +
                       date + "\"}\n";
    EXPECT_FALSE(LoadCatalogFile(dir.Write("c.yaml", yaml)).ok()) << date;
  }
  std::string yaml =
      "senders:\n  a:\n    name: A\n    include: a.test\n"
      "    ranges: {as_of: 2000-02-29}\n";
  EXPECT_TRUE(LoadCatalogFile(dir.Write("c.yaml", yaml)).ok());
}

TEST(CatalogFileTest, SendersIsRequired) {
  TempDir dir;
  EXPECT_THAT(
      Brief(LoadCatalogFile(dir.Write("c.yaml", "sender: {}\n")).errors),
      ElementsAre("1:1: unknown key 'sender'; did you mean 'senders'?",
                  "1:1: missing required key 'senders'"));
  EXPECT_TRUE(LoadCatalogFile(dir.Write("c.yaml", "senders: {}\n")).ok());
}

}  // namespace
}  // namespace dnsd::config
