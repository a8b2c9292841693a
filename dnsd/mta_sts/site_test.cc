// The policy host's routes over a snapshot compiled from domain files: the
// policy table holds what the _mta-sts TXT announces, Host matching, the
// ask decisions, and the status of everything else.
#include "dnsd/mta_sts/site.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/mta_sts/mta_sts_policy.h"
#include "policy/testing/family_test.h"

namespace dnsd::mta_sts {
namespace {

using ::testing::Optional;

constexpr char kEnforce[] = R"(domain: a.example
mta_sts:
  mode: enforce
  mx: [mx1.a.example, "*.mail.a.example"]
  max_age: 86400
)";
constexpr char kNone[] = "domain: b.example\nmta_sts: {mode: none}\n";
constexpr char kNoPolicy[] = "domain: c.example\ndmarc: {p: none}\n";

class SiteTest : public config::testing::FamilyTest {
 protected:
  void SetUp() override { Serve({kEnforce, kNone, kNoPolicy}); }
  const PolicyTable& table() const { return snapshot_->mta_sts_policies; }

  http::Response Get(const std::string& host, const std::string& path,
                     const std::string& method = "GET") {
    http::Request r;
    r.method = method;
    r.host = host;
    size_t q = path.find('?');
    r.path = path.substr(0, q);
    if (q != std::string::npos) r.query = path.substr(q + 1);
    return Handle(table(), r, stats_);
  }

  SiteStats stats_;
};

TEST_F(SiteTest, TheTableHoldsThePolicyTheTxtAnnounces) {
  ASSERT_EQ(table().size(), 2u);
  const ServedPolicy* a = table().Find("a.example");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->text,
            "version: STSv1\r\nmode: enforce\r\nmx: mx1.a.example\r\nmx: *.mail.a.example\r\n"
            "max_age: 86400\r\n");
  auto txt = Ask("_mta-sts.a.example", 16);
  ASSERT_EQ(txt.answer.size(), 1u);
  EXPECT_EQ(txt.answer[0].Text(), absl::StrCat("v=STSv1; id=", a->id));
  EXPECT_EQ(table().Find("c.example"), nullptr);
}

TEST_F(SiteTest, ServesThePolicyByHost) {
  http::Response r = Get("MTA-STS.A.Example.:443", std::string(kPolicyPath));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_TRUE(absl::StartsWith(r.body, "version: STSv1\r\nmode: enforce\r\n"));
  EXPECT_TRUE(absl::StrContains(Get("mta-sts.b.example", std::string(kPolicyPath)).body,
                                "mode: none\r\n"));
  EXPECT_EQ(Get("mta-sts.a.example", std::string(kPolicyPath), "HEAD").status, 200);
  EXPECT_EQ(stats_.policy.load(), 3u);
}

TEST_F(SiteTest, EverythingElseIs404Or405AndNeverARedirect) {
  EXPECT_EQ(Get("mta-sts.c.example", std::string(kPolicyPath)).status, 404);  // no policy
  EXPECT_EQ(Get("a.example", std::string(kPolicyPath)).status, 404);
  EXPECT_EQ(Get("mta-sts.", std::string(kPolicyPath)).status, 404);
  EXPECT_EQ(Get("", std::string(kPolicyPath)).status, 404);
  EXPECT_EQ(Get("mta-sts.a.example", "/.well-known/mta-sts.txt/").status, 404);
  EXPECT_EQ(Get("mta-sts.a.example", "/").status, 404);
  http::Response post = Get("mta-sts.a.example", std::string(kPolicyPath), "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET, HEAD");
  EXPECT_EQ(stats_.not_found.load(), 6u);
  EXPECT_EQ(stats_.bad_method.load(), 1u);
}

TEST_F(SiteTest, PolicyDomainOfHostNames) {
  EXPECT_THAT(PolicyDomainOf("mta-sts.A.example"), Optional(std::string("a.example")));
  EXPECT_THAT(PolicyDomainOf("MTA-STS.a.example.:8443"), Optional(std::string("a.example")));
  EXPECT_EQ(PolicyDomainOf("mta-sts"), std::nullopt);
  EXPECT_EQ(PolicyDomainOf("www.a.example"), std::nullopt);
  EXPECT_EQ(PolicyDomainOf("[::1]:80"), std::nullopt);
}

TEST_F(SiteTest, AskAllowsOnlyPolicyHostsOfDomainsWithAPolicy) {
  EXPECT_TRUE(AskAllows(table(), "domain=mta-sts.a.example"));
  EXPECT_TRUE(AskAllows(table(), "domain=MTA-STS.A.EXAMPLE."));
  EXPECT_TRUE(AskAllows(table(), "x=1&domain=mta%2Dsts.b.example"));  // mode none still served
  EXPECT_FALSE(AskAllows(table(), "domain=mta-sts.c.example"));        // no mta_sts section
  EXPECT_FALSE(AskAllows(table(), "domain=a.example"));
  EXPECT_FALSE(AskAllows(table(), "domain=www.a.example"));
  EXPECT_FALSE(AskAllows(table(), "domain=mta-sts.a.example:443"));
  EXPECT_FALSE(AskAllows(table(), "domain=mta-sts.a.example%"));
  EXPECT_FALSE(AskAllows(table(), "name=mta-sts.a.example"));
  EXPECT_FALSE(AskAllows(table(), ""));
  EXPECT_EQ(Get("127.0.0.1:8461", "/tls-ask?domain=mta-sts.a.example").status, 200);
  EXPECT_EQ(Get("127.0.0.1:8461", "/tls-ask?domain=mta-sts.z.example").status, 404);
  EXPECT_EQ(Get("127.0.0.1:8461", "/tls-ask?domain=mta-sts.a.example", "POST").status, 405);
  EXPECT_EQ(stats_.ask_allow.load(), 1u);
  EXPECT_EQ(stats_.ask_deny.load(), 1u);
}

}  // namespace
}  // namespace dnsd::mta_sts
