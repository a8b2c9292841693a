// The TLS-RPT family end to end: the `tls_rpt:` section, its checks at
// line:column, and the record served by NS delegation and by CNAME.
#include "policy/tls_rpt/tls_rpt_family.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Brief;

class TlsRptFamilyTest : public testing::FamilyTest {};

constexpr absl::string_view kDomain = R"(domain: example.com
tls_rpt:
  rua: ["mailto:tlsrpt@reports.provider.test", "https://reports.provider.test/tlsrpt"]
)";

TEST_F(TlsRptFamilyTest, ReadsTheReportUris) {
  Loaded<DomainConfig> loaded = Load(kDomain);
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_THAT(loaded.value->tls_rpt.rua,
              ElementsAre("mailto:tlsrpt@reports.provider.test",
                          "https://reports.provider.test/tlsrpt"));
  EXPECT_EQ(loaded.value->tls_rpt.delegation, Delegation::kNs);
}

TEST_F(TlsRptFamilyTest, UrisMustBeMailtoOrHttps) {
  EXPECT_THAT(Errors("domain: example.com\ntls_rpt:\n  rua: [\"ftp://x.example/r\"]\n"),
              ElementsAre(HasSubstr("3:9: ")));
  EXPECT_THAT(Errors("domain: example.com\ntls_rpt:\n  rua: [\"mailto:a@x.example,b@x.example\"]\n"),
              ElementsAre(HasSubstr("3:9: ")));
  EXPECT_THAT(Errors("domain: example.com\ntls_rpt:\n  rua: []\n"),
              ElementsAre(HasSubstr("lists no URI")));
  EXPECT_THAT(Errors("domain: example.com\ntls_rpt: {}\n"),
              ElementsAre(HasSubstr("missing required key 'rua'")));
  EXPECT_THAT(Errors("domain: example.com\ntls_rpt:\n  rua: [\"mailto:a@x.example\", \"mailto:a@x.example\"]\n"),
              ElementsAre(HasSubstr("listed twice")));
}

TEST_F(TlsRptFamilyTest, ServesTheRecordByNsAndByCname) {
  Serve({std::string(kDomain)});
  const std::string record =
      "v=TLSRPTv1; rua=mailto:tlsrpt@reports.provider.test,https://reports.provider.test/tlsrpt";
  for (const char* name : {"_smtp._tls.example.com", "example.com._tls-rpt.provider.test"}) {
    auto m = Ask(name, LDNS_RR_TYPE_TXT);
    EXPECT_EQ(m.rcode, LDNS_RCODE_NOERROR) << name;
    EXPECT_TRUE(m.aa);
    ASSERT_EQ(m.answer.size(), 1u) << name;
    EXPECT_EQ(m.answer[0].Text(), record);
  }
  auto m = Ask("other.example.com._tls-rpt.provider.test", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NXDOMAIN);
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].owner, "_tls-rpt.provider.test.");
  m = Ask("x._smtp._tls.example.com", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NXDOMAIN);
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].owner, "_smtp._tls.example.com.");
  EXPECT_EQ(Ask("_smtp._tls.example.com", LDNS_RR_TYPE_MX).answer.size(), 0u);
}

TEST_F(TlsRptFamilyTest, ADomainWithoutTheSectionServesNothing) {
  Serve({"domain: example.com\n"});
  EXPECT_EQ(Ask("_smtp._tls.example.com", LDNS_RR_TYPE_TXT).rcode, LDNS_RCODE_REFUSED);
  EXPECT_EQ(Ask("example.com._tls-rpt.provider.test", LDNS_RR_TYPE_TXT).rcode,
            LDNS_RCODE_NXDOMAIN);
}

TEST_F(TlsRptFamilyTest, PublishSaysNsOrCname) {
  Loaded<DomainConfig> ns = Load(kDomain);
  ASSERT_TRUE(ns.ok());
  EXPECT_THAT(Publish(*ns.value),
              Contains("_smtp._tls.example.com.\t3600\tIN\tNS\tns1.provider.test."));
  Loaded<DomainConfig> cname = Load(std::string(kDomain) + "tls_rpt_delegation: cname\n");
  ASSERT_TRUE(cname.ok());
  EXPECT_THAT(Publish(*cname.value),
              Contains("_smtp._tls.example.com.\t3600\tIN\tCNAME\texample.com._tls-rpt.provider.test."));
}

TEST_F(TlsRptFamilyTest, TheCnameVariantNeedsTheProviderZone) {
  provider_.family_zones.erase("tls_rpt_zone");
  EXPECT_THAT(Errors(std::string(kDomain) + "tls_rpt_delegation: cname\n"),
              ElementsAre(HasSubstr("1:9: tls_rpt_delegation: cname needs provider.tls_rpt_zone")));
  EXPECT_THAT(Errors(kDomain), IsEmpty());
}

}  // namespace
}  // namespace dnsd::config
