// The DMARC family end to end: the `dmarc:` section's RFC 9989 tags, its
// warnings at line:column, and the record served at _dmarc.<domain>.
#include "policy/dmarc/dmarc_family.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/dkim/test_keys.h"
#include "policy/dmarc/dmarc.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using testing::Brief;

class DmarcFamilyTest : public testing::FamilyTest {
 protected:
  // The record `yaml` publishes (it must load).
  std::string Record(absl::string_view yaml) {
    Loaded<DomainConfig> loaded = Load(yaml, "example.com.yaml");
    EXPECT_THAT(Brief(loaded.errors), IsEmpty()) << yaml;
    return loaded.ok() ? RenderDmarcRecord(*loaded.value) : "";
  }
  std::vector<std::string> Warnings(absl::string_view yaml) {
    return FamilyTest::Warnings(yaml, "example.com.yaml");
  }
};

// Sends mail through a catalog sender, so that p=reject has something to pass.
constexpr absl::string_view kHead = "domain: example.com\nmode: enforce\nspf: {senders: [google]}\n";

TEST_F(DmarcFamilyTest, HistoricTagsWarnAtTheirValuesAndArePublishedByDefault) {
  std::string yaml = absl::StrCat(kHead,
                                  "dmarc:\n"
                                  "  p: reject\n"
                                  "  pct: 50\n"
                                  "  ri: 3600\n"
                                  "  rf: afrf\n"
                                  "  rua: [\"mailto:agg@example.com!10m\"]\n");
  EXPECT_THAT(Warnings(yaml),
              ElementsAre(AllOf(StartsWith("6:8: "), HasSubstr("pct is historic in RFC 9989"),
                                HasSubstr("published for RFC 7489 receivers")),
                          AllOf(StartsWith("7:7: "), HasSubstr("ri is historic")),
                          AllOf(StartsWith("8:7: "), HasSubstr("rf is historic")),
                          AllOf(StartsWith("9:9: "), HasSubstr("the size limit '!10m' is obsolete"))));
  EXPECT_EQ(Record(yaml), "v=DMARC1; p=reject; rua=mailto:agg@example.com!10m; pct=50; ri=3600; rf=afrf");
}

TEST_F(DmarcFamilyTest, Rfc7489TagsFalseLeavesThemOutOfTheRecord) {
  std::string yaml = absl::StrCat(kHead,
                                  "dmarc:\n"
                                  "  p: reject\n"
                                  "  rfc7489_tags: false\n"
                                  "  pct: 50\n"
                                  "  ri: 3600\n"
                                  "  rf: afrf\n"
                                  "  rua: [\"mailto:agg@example.com!10m\", \"mailto:b@example.com\"]\n"
                                  "  ruf: [\"mailto:f@example.com!1k\"]\n");
  std::vector<std::string> warnings = Warnings(yaml);
  EXPECT_EQ(warnings.size(), 5u) << ::testing::PrintToString(warnings);
  for (const std::string& w : warnings) EXPECT_THAT(w, HasSubstr("left out of the record"));
  EXPECT_EQ(Record(yaml),
            "v=DMARC1; p=reject; rua=mailto:agg@example.com,mailto:b@example.com; "
            "ruf=mailto:f@example.com");
  EXPECT_THAT(Errors(absl::StrCat(kHead, "dmarc: {p: reject, rfc7489_tags: no}\n")),
              ElementsAre(HasSubstr("rfc7489_tags")));
}

TEST_F(DmarcFamilyTest, CurrentTagsDoNotWarn) {
  EXPECT_THAT(Warnings(absl::StrCat(kHead,
                                    "dmarc: {p: reject, sp: quarantine, np: reject, t: y, psd: n,"
                                    " adkim: s, aspf: r, fo: \"1:d\", rua: [\"mailto:a@example.com\"],"
                                    " ruf: [\"mailto:f@example.com\"]}\n")),
              IsEmpty());
}

TEST_F(DmarcFamilyTest, MonitorWithoutRuaWarnsAtTheMode) {
  EXPECT_THAT(Warnings("domain: example.com\nmode: monitor\n"),
              ElementsAre(AllOf(StartsWith("2:7: "), HasSubstr("without a dmarc rua"))));
  // monitor is the default mode: then at the domain.
  EXPECT_THAT(Warnings("domain: example.com\ndmarc: {fo: \"1\"}\n"),
              ElementsAre(AllOf(StartsWith("1:9: "), HasSubstr("nobody receives them"))));
  EXPECT_THAT(Warnings("domain: example.com\ndmarc: {rua: [\"mailto:a@example.com\"]}\n"), IsEmpty());
  // Blocked and enforced domains are not asking for reports only.
  EXPECT_THAT(Warnings("domain: example.com\nmode: blocked\n"), IsEmpty());
  // A mode that is itself an error says nothing about reports.
  EXPECT_THAT(Warnings("domain: example.com\nmode: monitr\n"), IsEmpty());
}

TEST_F(DmarcFamilyTest, ThirdPartyReportAddressWarnsNamingTheAuthorisationRecord) {
  std::string yaml = absl::StrCat(kHead,
                                  "dmarc:\n"
                                  "  p: reject\n"
                                  "  rua: [\"mailto:a@example.com\", \"mailto:b@reports.provider.test\",\n"
                                  "        \"mailto:c@eu.Vendor.example\"]\n"
                                  "  ruf: [\"mailto:d@mail.example.com\", \"mailto:e@other.example!10m\"]\n");
  std::vector<std::string> warnings = Warnings(yaml);
  ASSERT_EQ(warnings.size(), 3u) << ::testing::PrintToString(warnings);
  EXPECT_THAT(warnings[0],
              AllOf(StartsWith("7:9: rua 'mailto:c@eu.Vendor.example' is at another domain, "
                               "eu.vendor.example"),
                    HasSubstr("example.com._report._dmarc.eu.vendor.example TXT \"v=DMARC1\"")));
  EXPECT_THAT(warnings[1], AllOf(StartsWith("8:38: "), HasSubstr("size limit")));
  EXPECT_THAT(warnings[2], AllOf(StartsWith("8:38: ruf "),
                                 HasSubstr("example.com._report._dmarc.other.example")));
  // A subdomain's reports may go to its parent: the same organisation.
  EXPECT_THAT(Warnings("domain: mail.example.com\ndmarc: {rua: [\"mailto:a@example.com\"]}\n"),
              ElementsAre(HasSubstr("the file is named")));
}

TEST_F(DmarcFamilyTest, RejectWithNothingThatCanPassWarns) {
  EXPECT_THAT(Warnings("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"),
              ElementsAre(AllOf(StartsWith("3:12: "), HasSubstr("p=reject with no SPF sender"),
                                HasSubstr("every message from example.com"))));
  // A revoked key signs nothing.
  EXPECT_THAT(Warnings("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                       "dkim: {s1: {revoked: true}}\n"),
              ElementsAre(HasSubstr("p=reject with no SPF sender")));
  for (const char* passes :
       {"spf: {senders: [google]}\n", "spf: {netblocks: [192.0.2.0/24]}\n", "spf: {terms: [\"a\"]}\n",
        "dkim: {s1: {cname: s1.vendor.example}}\n"}) {
    EXPECT_THAT(Warnings(absl::StrCat("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n", passes)),
                IsEmpty())
        << passes;
  }
  EXPECT_THAT(Warnings("domain: example.com\nmode: enforce\ndmarc: {p: quarantine}\n"), IsEmpty());
  // Rejecting everything is what blocked is for.
  EXPECT_THAT(Warnings("domain: example.com\nmode: blocked\ndmarc: {rua: [\"mailto:a@example.com\"]}\n"),
              IsEmpty());
}

TEST_F(DmarcFamilyTest, FileNamedForAnotherDomainWarns) {
  constexpr absl::string_view kYaml = "domain: Example.COM\nmode: blocked\n";
  EXPECT_THAT(Warnings(kYaml), IsEmpty());
  EXPECT_THAT(FamilyTest::Warnings(kYaml, "example.com.yml"), IsEmpty());
  EXPECT_THAT(FamilyTest::Warnings(kYaml, "exampel.com.yaml"),
              ElementsAre("1:9: domain: the file is named 'exampel.com.yaml', not "
                          "'example.com.yaml': rename it after the domain it configures"));
}

TEST_F(DmarcFamilyTest, TestModePsdAndNpArePublished) {
  EXPECT_EQ(Record(absl::StrCat(kHead, "dmarc: {p: quarantine, t: y}\n")),
            "v=DMARC1; p=quarantine; t=y");
  EXPECT_EQ(Record(absl::StrCat(kHead, "dmarc: {p: reject, t: n, psd: u, np: quarantine}\n")),
            "v=DMARC1; p=reject; t=n; psd=u; np=quarantine");
  EXPECT_EQ(Record(absl::StrCat(kHead, "dmarc: {p: reject, psd: y}\n")), "v=DMARC1; p=reject; psd=y");
  // Monitor publishes none everywhere, np included.
  EXPECT_EQ(Record("domain: example.com\ndmarc: {np: none, rua: [\"mailto:a@example.com\"]}\n"),
            "v=DMARC1; p=none; np=none; rua=mailto:a@example.com");
  EXPECT_THAT(Errors(absl::StrCat(kHead, "dmarc: {p: reject, t: yes}\n")),
              ElementsAre(HasSubstr("dmarc.t")));
  EXPECT_THAT(Errors(absl::StrCat(kHead, "dmarc: {p: reject, psd: x}\n")),
              ElementsAre(HasSubstr("dmarc.psd")));
  EXPECT_THAT(Errors(absl::StrCat(kHead, "dmarc: {p: reject, np: rejected}\n")),
              ElementsAre(HasSubstr("dmarc.np")));
  EXPECT_THAT(Errors("domain: example.com\nmode: monitor\ndmarc: {np: reject}\n"),
              ElementsAre(HasSubstr("mode monitor publishes none, not reject")));
}

TEST_F(DmarcFamilyTest, BlockedNeverPublishesTestMode) {
  EXPECT_THAT(Errors("domain: example.com\nmode: blocked\ndmarc: {t: y}\n"),
              ElementsAre("3:12: dmarc.t: mode blocked publishes p=reject for every receiver; "
                          "t: y would ask them to quarantine instead; remove t"));
  EXPECT_EQ(Record("domain: example.com\nmode: blocked\ndmarc: {t: n, psd: n}\n"),
            "v=DMARC1; p=reject; psd=n; np=reject; sp=reject; adkim=s; aspf=s");
}

TEST_F(DmarcFamilyTest, ServesTheRecordAtBothNames) {
  Serve({absl::StrCat(kHead, "dmarc: {p: reject, t: y, psd: n, np: quarantine}\n")});
  constexpr char kRecord[] = "v=DMARC1; p=reject; t=y; psd=n; np=quarantine";
  for (const char* name : {"_dmarc.example.com", "example.com._dmarc.provider.test"}) {
    ::dnsd::testing::RefereeMessage m = Ask(name, LDNS_RR_TYPE_TXT);
    ASSERT_EQ(m.answer.size(), 1u) << name;
    EXPECT_EQ(m.answer[0].Text(), kRecord) << name;
  }
}

// RFC 9989 §4.10: two v=DMARC1 records at one name are both discarded. A
// CNAME target among the report authorisations could be such a name.
TEST_F(DmarcFamilyTest, ACnameTargetAmongTheReportAuthorisationsIsAnError) {
  provider_.dmarc_zone = "_report._dmarc.reports.provider.test";
  EXPECT_THAT(Errors(absl::StrCat(kHead, "dmarc: {p: reject, rua: [\"mailto:a@reports.provider.test\"]}\n")),
              ElementsAre(AllOf(StartsWith("1:9: the DMARC record's name "
                                           "example.com._report._dmarc.reports.provider.test"),
                                HasSubstr("two v=DMARC1 records"))));
  provider_.dmarc_zone = "reports.provider.test";
  EXPECT_THAT(Errors("domain: x._report._dmarc\nmode: enforce\nspf: {senders: [google]}\n"
                     "dmarc: {p: reject}\n"),
              ElementsAre(HasSubstr("among the report authorisations")));
  // And a domain inside them would put its own _dmarc record there.
  provider_ = testing::TestProvider();
  EXPECT_THAT(Errors("domain: _report._dmarc.reports.provider.test\nmode: blocked\n"),
              ElementsAre(HasSubstr("inside the provider's zone _report._dmarc.reports.provider.test")));
}

}  // namespace
}  // namespace dnsd::config
