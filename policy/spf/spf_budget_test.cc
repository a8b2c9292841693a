// The look-up budget and answer size of a domain's SPF answers (RFC 7208
// §4.6.4), checked when a domain file is loaded: each error at the entry
// that makes it so.
#include "policy/spf/spf_budget.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "config/domain_file.h"
#include "config/loader.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace ::dnsd::config::testing;  // NOLINT: helpers

Sender MakeSender(absl::string_view id, absl::string_view include, SenderAnswer answer,
                  std::vector<std::string> helo, std::optional<int> lookups,
                  std::optional<int> voids = std::nullopt) {
  Sender s;
  s.id = std::string(id);
  s.name = std::string(id);
  s.include = std::string(include);
  s.answer = answer;
  s.helo = std::move(helo);
  s.lookups = lookups;
  s.void_lookups = voids;
  return s;
}

class SpfBudgetTest : public ::testing::Test {
 protected:
  SpfBudgetTest() {
    // Sorted by id.
    catalog_.senders = {
        MakeSender("heavy", "_spf.heavy.test", SenderAnswer::kInclude, {}, 8),
        MakeSender("iponly", "_spf.iponly.test", SenderAnswer::kIp, {}, 10),
        MakeSender("light", "_spf.light.test", SenderAnswer::kIp, {"*.light.test"}, 2, 1),
        MakeSender("unknown", "_spf.unknown.test", SenderAnswer::kIp, {"*.unknown.test"},
                   std::nullopt),
    };
  }
  std::vector<std::string> Errors(absl::string_view yaml) {
    return Brief(LoadDomainFile(dir_.Write("d.yaml", yaml), catalog_, provider_).errors);
  }

  TempDir dir_;
  Catalog catalog_;
  ProviderSettings provider_ = TestProvider();
};

TEST_F(SpfBudgetTest, CostsOfSendersAndTerms) {
  EXPECT_EQ(SenderCost(catalog_.senders[0]).lookups, 8);
  EXPECT_FALSE(SenderCost(catalog_.senders[0]).assumed);
  LookupCost unknown = SenderCost(catalog_.senders[3]);
  EXPECT_EQ(unknown.lookups, kAssumedIncludeLookups);
  EXPECT_EQ(unknown.voids, kAssumedIncludeVoids);
  EXPECT_TRUE(unknown.assumed);
  struct Case {
    const char* term;
    int lookups, voids;
    bool assumed;
  };
  for (const Case& c : {Case{"ip4:192.0.2.0/24", 0, 0, false}, Case{"ip6:2001:db8::/32", 0, 0, false},
                        Case{"a", 1, 1, false}, Case{"-mx:mail.%{d}/24", 1, 1, false},
                        Case{"ptr", 1, 1, false}, Case{"exists:%{i}.x.test", 1, 1, false},
                        Case{"include:_SPF.light.test.", 2, 1, false},
                        Case{"include:%{d}._spf.light.test", kAssumedIncludeLookups,
                             kAssumedIncludeVoids, true},
                        Case{"include:_spf.other.test", kAssumedIncludeLookups,
                             kAssumedIncludeVoids, true}}) {
    SCOPED_TRACE(c.term);
    LookupCost cost = TermCost(*spf::CompileTerm(c.term), catalog_);
    EXPECT_EQ(cost.lookups, c.lookups);
    EXPECT_EQ(cost.voids, c.voids);
    EXPECT_EQ(cost.assumed, c.assumed);
  }
}

TEST_F(SpfBudgetTest, WithinTheBudget) {
  EXPECT_THAT(Errors("domain: example.com\n"
                     "spf:\n"
                     "  senders: [heavy, iponly, light, unknown]\n"
                     "  terms: [a, \"ip4:198.18.0.0/15\", \"include:_spf.light.test\"]\n"
                     "  published_lookups: 1\n"),
              IsEmpty());
}

// heavy's include costs 8; with the customer's include of dnsd (1) and two
// more look-ups in their record, 11.
TEST_F(SpfBudgetTest, ASenderWhoseIncludeIsTooCostly) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  senders: [light, heavy, iponly]\n"
             "  published_lookups: 2\n"),
      ElementsAre("3:20: sender 'heavy': dnsd's answer include:_spf.heavy.test costs 8 "
                  "look-ups (the catalog's `lookups`); with 1 for the customer's include of "
                  "dnsd and 2 for the rest of their record (spf.published_lookups) a receiver "
                  "makes 11 DNS-querying look-ups, over the 10 of RFC 7208 §4.6.4"));
  // A sender dnsd answers only by IP never hands out its include.
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  senders: [iponly]\n  published_lookups: 8\n"),
              IsEmpty());
  // A sender without `lookups` is counted at the assumption, and says so.
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  senders: [unknown]\n  published_lookups: 6\n"),
              ElementsAre(HasSubstr("3:13: sender 'unknown': dnsd's answer "
                                    "include:_spf.unknown.test costs 4 look-ups (assumed: the "
                                    "catalog gives no `lookups` for it)")));
}

TEST_F(SpfBudgetTest, TermsOverTheLookupLimit) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  terms:\n"
             "    - include:_spf.a.test\n"
             "    - include:_spf.b.test\n"
             "    - ip4:192.0.2.0/24\n"
             "    - include:_spf.c.test\n"
             "    - include:_spf.d.test\n"),
      ElementsAre("7:7: SPF term 'include:_spf.c.test': the terms answer costs 12 look-ups up "
                  "to here (a, mx, ptr and exists 1 each, an include what its catalog entry "
                  "says, else 4 assumed); with 1 for the customer's include of dnsd a receiver "
                  "makes 13 DNS-querying look-ups, over the 10 of RFC 7208 §4.6.4"));
}

TEST_F(SpfBudgetTest, TermsOverTheVoidLookupLimit) {
  EXPECT_THAT(
      Errors("domain: example.com\n"
             "spf:\n"
             "  terms: [a, \"include:_spf.light.test\", \"exists:%{i}._spf.x.test\", mx]\n"),
      ElementsAre("3:41: SPF term 'exists:%{i}._spf.x.test': the terms answer can make 3 void "
                  "look-ups up to here (a, mx, ptr and exists each count when they find "
                  "nothing), over the 2 of RFC 7208 §4.6.4"));
}

TEST_F(SpfBudgetTest, TermsThatCouldOutgrowAUdpAnswer) {
  // Each %{d} and %{h} counts 234 octets under _spf.provider.test: the
  // first two terms take up to 11 + 250 + 485 octets, each ip4 term 17.
  std::string yaml =
      "domain: example.com\n"
      "spf:\n"
      "  terms:\n"
      "    - include:%{d}.x.test\n"
      "    - include:%{h}.%{d}.y.test\n";
  for (int i = 0; i < 12; ++i) absl::StrAppend(&yaml, "    - ip4:192.0.2.0/24\n");
  EXPECT_THAT(Errors(yaml), ElementsAre("17:7: SPF term 'ip4:192.0.2.0/24': the terms answer "
                                        "can grow to 950 octets up to here (%{d} and %{h} "
                                        "counted at 234 octets each, %{i} at 63); at most "
                                        "934 fit a 1232-octet UDP answer"));
}

TEST_F(SpfBudgetTest, IncludingTheDomainItselfIsALoop) {
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  terms: [\"include:Example.COM\"]\n"),
              ElementsAre("3:11: SPF term 'include:Example.COM' includes the domain's own "
                          "record, which includes dnsd's answer: a loop"));
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  terms: [\"include:%{d}\"]\n"),
              ElementsAre(HasSubstr("3:11: SPF term 'include:%{d}': includes the customer's "
                                    "own record")));
}

// Rule 8 sends the receiver through the whole _nspf chain; published
// look-ups can leave too little room even for one record.
TEST_F(SpfBudgetTest, TheFlattenedAnswerCounts) {
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  published_lookups: 9\n"),
              ElementsAre("3:22: the answer for a query whose IP was cut off, "
                          "include:example.com._nspf._spf.provider.test, costs 1 look-up (one "
                          "per record of its chain); with 1 for the customer's include of dnsd "
                          "and 9 for the rest of their record (spf.published_lookups) a receiver "
                          "makes 11 DNS-querying look-ups, over the 10 of RFC 7208 §4.6.4"));
  std::string netblocks;
  for (int i = 0; i < 120; ++i) absl::StrAppend(&netblocks, i ? ", " : "", "10.", i, ".0.0/16");
  std::vector<std::string> errors =
      Errors(absl::StrCat("domain: example.com\nspf:\n  netblocks: [", netblocks,
                          "]\n  published_lookups: 8\n"));
  EXPECT_THAT(errors, ElementsAre(HasSubstr("4:22: the answer for a query whose IP was cut off")));
  EXPECT_THAT(errors, ElementsAre(HasSubstr("costs 2 look-ups (one per record of its chain)")));
}

TEST_F(SpfBudgetTest, PublishedLookupsIsChecked) {
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  published_lookups: 10\n"),
              ElementsAre("3:22: spf.published_lookups: expected an integer from 0 to 9, got '10'"));
  EXPECT_THAT(Errors("domain: example.com\nspf:\n  published_lookups: many\n"),
              ElementsAre(HasSubstr("3:22: spf.published_lookups: expected an integer")));
}

// A blocked domain answers -all whatever its file says.
TEST_F(SpfBudgetTest, BlockedDomainsAnswerOnlyAll) {
  EXPECT_THAT(Errors("domain: example.com\nmode: blocked\nspf:\n  senders: [heavy]\n"
                     "  published_lookups: 9\n"),
              IsEmpty());
}

}  // namespace
}  // namespace dnsd::config
