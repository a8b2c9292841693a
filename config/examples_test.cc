// The shipped examples in config/examples/ must load without a single error:
// they are what operators copy.
#include <string>

#include "policy/dkim/dkim.h"
#include "policy/dmarc/dmarc.h"
#include "config/domain_file.h"
#include "config/config_state.h"
#include "config/loader.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::Brief;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

const std::string kExamples = std::string(DNSD_SOURCE_DIR) + "/config/examples";

class ExamplesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    set_ = new ConfigSet(LoadConfig(kExamples + "/dnsd.yaml"));
  }
  static void TearDownTestSuite() { delete set_; }

  const DomainConfig& Domain(absl::string_view name) {
    for (const DomainConfig& d : set_->domains) {
      if (d.domain == name) return d;
    }
    ADD_FAILURE() << "no domain " << name;
    static const DomainConfig kNone;
    return kNone;
  }

  static ConfigSet* set_;
};

ConfigSet* ExamplesTest::set_ = nullptr;

TEST_F(ExamplesTest, LoadWithoutErrors) {
  EXPECT_THAT(Brief(set_->errors), IsEmpty());  // nor warnings
  std::vector<std::string> domains;
  for (const DomainConfig& d : set_->domains) domains.push_back(d.domain);
  EXPECT_THAT(domains, ElementsAre("bigkey.example", "blocked.example",
                                   "cname.example", "enforce.example",
                                   "m365.example", "monitor.example"));
  std::vector<std::string> senders;
  for (const Sender& s : set_->catalog.senders) senders.push_back(s.id);
  // The catalog covers at least the 15 services the README names.
  EXPECT_THAT(senders, ::testing::IsSupersetOf({"amazonses", "atlassian", "freshdesk", "google",
                                              "hubspot", "mailchimp", "mailgun", "mandrill",
                                              "marketo", "office365", "postmark", "salesforce",
                                              "sendgrid", "sparkpost", "zendesk", "zoho"}));
}

TEST_F(ExamplesTest, ServerFile) {
  const ServerConfig& s = set_->server;
  EXPECT_THAT(s.listen, ElementsAre("127.0.0.1:5300", "[::1]:5300"));
  EXPECT_EQ(s.provider.spf_zone, "_spf.provider.test");
  EXPECT_EQ(s.provider.report_domain, "reports.provider.test");
  EXPECT_EQ(s.catalog_path, kExamples + "/senders.yaml");
  EXPECT_EQ(s.domains_dir, kExamples + "/domains/");
}

TEST_F(ExamplesTest, EachModeRendersItsDmarcRecord) {
  EXPECT_EQ(RenderDmarcRecord(Domain("monitor.example")),
            "v=DMARC1; p=none; "
            "rua=mailto:monitor-example@reports.provider.test; fo=1");
  EXPECT_EQ(RenderDmarcRecord(Domain("enforce.example")),
            "v=DMARC1; p=reject; psd=n; np=reject; sp=quarantine; adkim=r; aspf=r; "
            "rua=mailto:enforce-example@reports.provider.test; "
            "ruf=mailto:dmarc-forensic@enforce.example; fo=1:d");
  EXPECT_EQ(RenderDmarcRecord(Domain("m365.example")),
            "v=DMARC1; p=quarantine; t=y; rua=mailto:m365-example@reports.provider.test");
  EXPECT_EQ(RenderDmarcRecord(Domain("blocked.example")),
            "v=DMARC1; p=reject; np=reject; sp=reject; adkim=s; aspf=s; "
            "rua=mailto:blocked-example@reports.provider.test");
  EXPECT_TRUE(RuaPointsAtProvider(Domain("enforce.example").dmarc,
                                  set_->server.provider.report_domain));
  EXPECT_FALSE(RuaPointsAtProvider(Domain("bigkey.example").dmarc,
                                   set_->server.provider.report_domain));
  EXPECT_EQ(Domain("cname.example").dmarc.delegation, Delegation::kCname);
}

TEST_F(ExamplesTest, DkimKeysOfEveryKind) {
  const DomainConfig& enforce = Domain("enforce.example");
  ASSERT_EQ(enforce.dkim.selectors.size(), 3u);
  EXPECT_EQ(enforce.dkim.selectors[0].selector, "ed2026");
  EXPECT_EQ(enforce.dkim.selectors[0].key.key_bits, 256);
  EXPECT_EQ(enforce.dkim.selectors[1].selector, "s2025");
  EXPECT_EQ(enforce.dkim.selectors[1].key.kind, DkimKey::Kind::kRevoked);
  EXPECT_EQ(enforce.dkim.selectors[2].selector, "s2026");
  EXPECT_EQ(enforce.dkim.selectors[2].key.key_bits, 2048);
  EXPECT_THAT(enforce.dkim.selectors[2].key.text(),
              StartsWith("v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"));

  const DomainConfig& big = Domain("bigkey.example");
  ASSERT_EQ(big.dkim.selectors.size(), 1u);
  EXPECT_EQ(big.dkim.selectors[0].key.key_bits, 4096);
  EXPECT_EQ(big.dkim.selectors[0].key.public_key().find(' '), std::string::npos);

  const DomainConfig& m365 = Domain("m365.example");
  ASSERT_EQ(m365.dkim.selectors.size(), 2u);
  EXPECT_EQ(m365.dkim.selectors[0].key.kind, DkimKey::Kind::kCname);
  EXPECT_EQ(m365.dkim.selectors[0].key.text(),
            "selector1-m365-example._domainkey.contoso.onmicrosoft.com");
  EXPECT_EQ(m365.dkim.selectors[1].key.text(),
            "selector2-m365-example._domainkey.contoso.onmicrosoft.com");
}

// Each file on its own, so an error names the file it is in.
TEST_F(ExamplesTest, EveryFileLoadsOnItsOwn) {
  Loaded<ServerConfig> server = LoadServerFile(kExamples + "/dnsd.yaml");
  ASSERT_THAT(Brief(server.errors), IsEmpty());
  Loaded<Catalog> catalog = LoadCatalogFile(kExamples + "/senders.yaml");
  ASSERT_THAT(Brief(catalog.errors), IsEmpty());
  for (const char* name :
       {"monitor.example", "enforce.example", "blocked.example", "m365.example",
        "bigkey.example", "cname.example"}) {
    Loaded<DomainConfig> d =
        LoadDomainFile(kExamples + "/domains/" + name + ".yaml", *catalog.value,
                       server.value->provider);
    EXPECT_THAT(Brief(d.errors), IsEmpty()) << name;
    EXPECT_THAT(Brief(d.warnings), IsEmpty()) << name;  // nothing to warn of in an example
    ASSERT_TRUE(d.value.has_value()) << name;
    EXPECT_EQ(d.value->domain, name);
  }
}

}  // namespace
}  // namespace dnsd::config
