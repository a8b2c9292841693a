// The MTA-STS family end to end: the `mta_sts:` section, its checks at
// line:column, and the _mta-sts record whose id follows the policy.
#include "policy/mta_sts/mta_sts_family.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/mta_sts/mta_sts_policy.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using testing::Brief;

class MtaStsFamilyTest : public testing::FamilyTest {};

constexpr absl::string_view kDomain = R"(domain: example.com
mta_sts:
  mode: enforce
  mx: [mx1.example.com, "*.mail.example.net"]
  max_age: 86400
)";

TEST_F(MtaStsFamilyTest, ReadsThePolicy) {
  Loaded<DomainConfig> loaded = Load(kDomain);
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const MtaStsSection& s = loaded.value->mta_sts;
  EXPECT_TRUE(s.configured);
  EXPECT_EQ(s.policy.mode, mta_sts::Mode::kEnforce);
  EXPECT_THAT(s.policy.mx, ElementsAre("mx1.example.com", "*.mail.example.net"));
  EXPECT_EQ(s.policy.max_age, 86400u);
  Loaded<DomainConfig> defaults = Load("domain: example.com\nmta_sts: {mode: none}\n");
  ASSERT_THAT(Brief(defaults.errors), IsEmpty());
  EXPECT_EQ(defaults.value->mta_sts.policy.max_age, kDefaultMaxAge);
}

TEST_F(MtaStsFamilyTest, ChecksModeMxAndMaxAge) {
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mode: enforce\n  mx: [\"mx 1.example.com\"]\n"),
              ElementsAre(HasSubstr("4:8: mx pattern 'mx 1.example.com'")));
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mode: enforce\n  mx: [\"mx.*.example.com\"]\n"),
              ElementsAre(HasSubstr("4:8: mx")));
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mode: strict\n  mx: [mx.example.com]\n"),
              ElementsAre(HasSubstr("3:9: ")));
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mode: testing\n  mx: [mx.example.com]\n"
                     "  max_age: 31557601\n"),
              ElementsAre(HasSubstr("5:12: ")));
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mode: testing\n"),
              ElementsAre(HasSubstr("needs at least one mx")));
  EXPECT_THAT(Errors("domain: example.com\nmta_sts:\n  mx: [mx.example.com]\n"),
              ElementsAre(HasSubstr("missing required key 'mode'")));
}

TEST_F(MtaStsFamilyTest, TheIdFollowsThePolicyByNsAndByCname) {
  Serve({std::string(kDomain)});
  Loaded<DomainConfig> loaded = Load(kDomain);
  ASSERT_TRUE(loaded.ok());
  std::string record = "v=STSv1; id=" + mta_sts::PolicyId(loaded.value->mta_sts.policy);
  EXPECT_THAT(record, MatchesRegex("v=STSv1; id=[0-9a-z]{1,32}"));
  for (const char* name : {"_mta-sts.example.com", "example.com._mta-sts.provider.test"}) {
    auto m = Ask(name, LDNS_RR_TYPE_TXT);
    EXPECT_EQ(m.rcode, LDNS_RCODE_NOERROR) << name;
    ASSERT_EQ(m.answer.size(), 1u) << name;
    EXPECT_EQ(m.answer[0].Text(), record);
  }
  auto m = Ask("x._mta-sts.example.com", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NXDOMAIN);
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].owner, "_mta-sts.example.com.");

  // Another max_age is another policy, so another id; the same policy
  // compiled again keeps its id.
  Serve({"domain: example.com\nmta_sts:\n  mode: enforce\n"
         "  mx: [mx1.example.com, \"*.mail.example.net\"]\n  max_age: 86401\n"});
  EXPECT_NE(Ask("_mta-sts.example.com", LDNS_RR_TYPE_TXT).answer.at(0).Text(), record);
  Serve({std::string(kDomain)});
  EXPECT_EQ(Ask("_mta-sts.example.com", LDNS_RR_TYPE_TXT).answer.at(0).Text(), record);
}

TEST_F(MtaStsFamilyTest, PublishSaysNsOrCnameAndWhereThePolicyLives) {
  Loaded<DomainConfig> cname = Load(std::string(kDomain) + "mta_sts_delegation: cname\n");
  ASSERT_TRUE(cname.ok());
  std::vector<std::string> lines = Publish(*cname.value);
  EXPECT_THAT(lines, Contains("_mta-sts.example.com.\t3600\tIN\tCNAME\texample.com._mta-sts.provider.test."));
  EXPECT_THAT(lines, Contains(HasSubstr("https://mta-sts.example.com/.well-known/mta-sts.txt")));
}

TEST_F(MtaStsFamilyTest, TheCnameVariantNeedsTheProviderZone) {
  provider_.family_zones.erase("mta_sts_zone");
  EXPECT_THAT(Errors(std::string(kDomain) + "mta_sts_delegation: cname\n"),
              ElementsAre(HasSubstr("1:9: mta_sts_delegation: cname needs provider.mta_sts_zone")));
  EXPECT_THAT(Errors(kDomain), IsEmpty());
}

}  // namespace
}  // namespace dnsd::config
