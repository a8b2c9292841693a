#include "policy/dmarc/dmarc.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;

TEST(CheckDmarcUriTest, AcceptsMailtoWithOptionalSizeLimit) {
  for (const char* uri : {"mailto:agg@reports.provider.test",
                          "mailto:a+b.c@x.test!10m", "MAILTO:dmarc@x.test!5",
                          "mailto:r@x.test!1T", "mailto:o'neil%20x@x.test"}) {
    EXPECT_TRUE(CheckDmarcUri(uri).ok()) << uri;
  }
}

TEST(CheckDmarcUriTest, RejectsWhatWouldBreakTheRecordOrNotBeAMailbox) {
  struct Case {
    const char* uri;
    const char* why;
  } cases[] = {
      {"agg@x.test", "must start with mailto:"},
      {"https://x.test/report", "must start with mailto:"},
      {"mailto:a@x.test,mailto:b@y.test", "contains ',' or ';'"},
      {"mailto:a@x.test;", "contains ',' or ';'"},
      {"mailto:", "has no '@'"},
      {"mailto:agg.x.test", "has no '@'"},
      {"mailto:@x.test", "bad mailbox name"},
      {"mailto:.a@x.test", "bad mailbox name"},
      {"mailto:a..b@x.test", "bad mailbox name"},
      {"mailto:a b@x.test", "has ' ' in its mailbox name"},
      {"mailto:a?subject=x@x.test", "has '?' in its mailbox name"},
      {"mailto:a@", "domain name is empty"},
      {"mailto:a@x..test", "empty label"},
      {"mailto:a@x.test!", "bad size limit"},
      {"mailto:a@x.test!m", "bad size limit"},
      {"mailto:a@x.test!10x", "bad size limit"},
      {"mailto:a@x.test!10mm", "bad size limit"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckDmarcUri(c.uri).message(), HasSubstr(c.why)) << c.uri;
  }
}

TEST(CheckDmarcFoTest, ColonSeparatedSubsetOf01ds) {
  for (const char* fo : {"0", "1", "d", "s", "0:d:s", "s:d", "d:1:s"}) {
    EXPECT_TRUE(CheckDmarcFo(fo).ok()) << fo;
  }
  for (const char* fo : {"", "2", "1:", ":1", "1,d", "1:1", "D", "0 1", "0:1", "1:d:s:0"}) {
    EXPECT_FALSE(CheckDmarcFo(fo).ok()) << fo;
  }
  EXPECT_EQ(CheckDmarcFo("1:d:1").message(), "fo '1:d:1' lists '1' twice");
}

DomainConfig FullDomain(Mode mode) {
  DomainConfig d;
  d.domain = "example.com";
  d.mode = mode;
  d.dmarc.p = "quarantine";
  d.dmarc.sp = "quarantine";
  d.dmarc.np = "none";
  d.dmarc.pct = 50;
  d.dmarc.rua = {"mailto:agg@reports.provider.test",
                 "mailto:x@example.com!10m"};
  d.dmarc.ruf = {"mailto:forensic@example.com"};
  d.dmarc.adkim = 'r';
  d.dmarc.aspf = 'r';
  d.dmarc.fo = "1:d";
  d.dmarc.ri = 3600;
  d.dmarc.rf = "afrf";
  d.dmarc.psd = 'n';
  d.dmarc.t = 'y';
  return d;
}

// RFC 9989 §4.8's table order after v (p first, as RFC 7489 had it), then
// the historic tags.
TEST(RenderDmarcRecordTest, EnforcePublishesEveryTagInOrder) {
  EXPECT_EQ(RenderDmarcRecord(FullDomain(Mode::kEnforce)),
            "v=DMARC1; p=quarantine; t=y; psd=n; np=none; sp=quarantine; adkim=r; aspf=r; "
            "rua=mailto:agg@reports.provider.test,mailto:x@example.com!10m; "
            "ruf=mailto:forensic@example.com; fo=1:d; pct=50; ri=3600; rf=afrf");
}

TEST(RenderDmarcRecordTest, WithoutRfc7489TagsNoPctRiRfOrSizeLimits) {
  DomainConfig d = FullDomain(Mode::kEnforce);
  d.dmarc.rfc7489_tags = false;
  EXPECT_EQ(RenderDmarcRecord(d),
            "v=DMARC1; p=quarantine; t=y; psd=n; np=none; sp=quarantine; adkim=r; aspf=r; "
            "rua=mailto:agg@reports.provider.test,mailto:x@example.com; "
            "ruf=mailto:forensic@example.com; fo=1:d");
}

TEST(RenderDmarcRecordTest, AbsentTagsAreLeftOut) {
  DomainConfig d;
  d.domain = "example.com";
  d.mode = Mode::kEnforce;
  d.dmarc.p = "reject";
  EXPECT_EQ(RenderDmarcRecord(d), "v=DMARC1; p=reject");
  d.dmarc.rua = {"mailto:a@x.test"};
  EXPECT_EQ(RenderDmarcRecord(d), "v=DMARC1; p=reject; rua=mailto:a@x.test");
}

TEST(RenderDmarcRecordTest, MonitorPublishesNone) {
  EXPECT_EQ(RenderDmarcRecord(FullDomain(Mode::kMonitor)),
            "v=DMARC1; p=none; t=y; psd=n; np=none; sp=none; adkim=r; aspf=r; "
            "rua=mailto:agg@reports.provider.test,mailto:x@example.com!10m; "
            "ruf=mailto:forensic@example.com; fo=1:d; pct=50; ri=3600; rf=afrf");
  DomainConfig bare;
  bare.domain = "example.com";
  EXPECT_EQ(RenderDmarcRecord(bare), "v=DMARC1; p=none");
}

// Never t=y: RFC 9989 receivers would quarantine instead of reject.
TEST(RenderDmarcRecordTest, BlockedRejectsStrictlyAndKeepsReporting) {
  EXPECT_EQ(RenderDmarcRecord(FullDomain(Mode::kBlocked)),
            "v=DMARC1; p=reject; psd=n; np=reject; sp=reject; adkim=s; aspf=s; "
            "rua=mailto:agg@reports.provider.test,mailto:x@example.com!10m; "
            "ruf=mailto:forensic@example.com; fo=1:d; ri=3600; rf=afrf");
  DomainConfig bare;
  bare.domain = "example.com";
  bare.mode = Mode::kBlocked;
  EXPECT_EQ(RenderDmarcRecord(bare),
            "v=DMARC1; p=reject; np=reject; sp=reject; adkim=s; aspf=s");
}

TEST(RuaPointsAtProviderTest, MatchesTheReportDomainAndNamesBelowIt) {
  DmarcPolicy p;
  EXPECT_FALSE(RuaPointsAtProvider(p, "reports.provider.test"));
  p.rua = {"mailto:agg@example.com"};
  EXPECT_FALSE(RuaPointsAtProvider(p, "reports.provider.test"));
  p.rua.push_back("mailto:agg@Reports.Provider.TEST!10m");
  EXPECT_TRUE(RuaPointsAtProvider(p, "reports.provider.test"));
  EXPECT_TRUE(RuaPointsAtProvider(p, "REPORTS.provider.test."));
  p.rua = {"mailto:c123@eu.reports.provider.test"};
  EXPECT_TRUE(RuaPointsAtProvider(p, "reports.provider.test"));
  p.rua = {"mailto:agg@badreports.provider.test"};
  EXPECT_FALSE(RuaPointsAtProvider(p, "reports.provider.test"));
  p.rua = {"mailto:agg@provider.test"};
  EXPECT_FALSE(RuaPointsAtProvider(p, "reports.provider.test"));
  p.rua.clear();
  p.ruf = {"mailto:forensic@reports.provider.test"};
  EXPECT_TRUE(RuaPointsAtProvider(p, "reports.provider.test"));
  EXPECT_FALSE(RuaPointsAtProvider(p, ""));
}

}  // namespace
}  // namespace dnsd::config
