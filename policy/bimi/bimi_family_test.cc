// The BIMI family end to end: the `bimi:` section, its checks at
// line:column, and the records served under _bimi.<domain>.
#include "policy/bimi/bimi_family.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Brief;

class BimiFamilyTest : public testing::FamilyTest {};

constexpr absl::string_view kEnforced = R"(domain: example.com
mode: enforce
dmarc: {p: reject}
bimi:
  default: {l: "https://brand.example.com/logo.svg", a: "https://brand.example.com/vmc.pem"}
  spring: {l: "https://brand.example.com/spring.svg"}
)";

TEST_F(BimiFamilyTest, ReadsSelectors) {
  Loaded<DomainConfig> loaded = Load(kEnforced);
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const BimiSection& bimi = loaded.value->bimi;
  ASSERT_EQ(bimi.selectors.size(), 2u);
  EXPECT_EQ(bimi.selectors[0].selector, "default");
  EXPECT_EQ(bimi.selectors[0].l, "https://brand.example.com/logo.svg");
  EXPECT_EQ(bimi.selectors[0].a, "https://brand.example.com/vmc.pem");
  EXPECT_EQ(bimi.selectors[1].selector, "spring");
  EXPECT_EQ(bimi.selectors[1].a, "");
}

TEST_F(BimiFamilyTest, RefusedUnlessDmarcIsAtEnforcement) {
  EXPECT_THAT(Errors("domain: example.com\nmode: monitor\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("4:3: bimi: BIMI needs the domain at DMARC enforcement")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: quarantine, pct: 50}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("pct=50")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject, sp: none}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("sp=none")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: none}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("p=none")));
  // A blocked domain publishes p=reject: nothing to refuse.
  EXPECT_THAT(Errors("domain: example.com\nmode: blocked\n"
                     "bimi:\n  default: {l: \"\"}\n"),
              IsEmpty());
}

TEST_F(BimiFamilyTest, UrlsMustBeHttpsAndTheLogoAnSvg) {
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  default: {l: \"http://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("5:16: bimi.default.l: ")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.png\"}\n"),
              ElementsAre(HasSubstr("svg")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\", a: \"ftp://x.example/v\"}\n"),
              ElementsAre(HasSubstr("bimi.default.a: ")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  default: {l: \"https://b.example.com/l.svg\", x: 1}\n"),
              ElementsAre(HasSubstr("unknown key")));
  EXPECT_THAT(Errors("domain: example.com\nmode: enforce\ndmarc: {p: reject}\n"
                     "bimi:\n  \"bad selector\": {l: \"https://b.example.com/l.svg\"}\n"),
              ElementsAre(HasSubstr("5:3: BIMI selector")));
}

TEST_F(BimiFamilyTest, ServesTheAssertionRecordsInTheirOwnZone) {
  Serve({std::string(kEnforced)});
  auto m = Ask("default._bimi.example.com", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(m.aa);
  ASSERT_EQ(m.answer.size(), 1u);
  EXPECT_EQ(m.answer[0].Text(),
            "v=BIMI1; l=https://brand.example.com/logo.svg; a=https://brand.example.com/vmc.pem");
  m = Ask("spring._bimi.example.com", LDNS_RR_TYPE_TXT);
  ASSERT_EQ(m.answer.size(), 1u);
  EXPECT_EQ(m.answer[0].Text(), "v=BIMI1; l=https://brand.example.com/spring.svg");

  // The zone's apex, an unknown selector (NXDOMAIN) and another type
  // (NODATA), both with the zone's SOA.
  m = Ask("_bimi.example.com", LDNS_RR_TYPE_SOA);
  ASSERT_EQ(m.answer.size(), 1u);
  EXPECT_EQ(m.answer[0].type, LDNS_RR_TYPE_SOA);
  m = Ask("other._bimi.example.com", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NXDOMAIN);
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].owner, "_bimi.example.com.");
  EXPECT_EQ(m.authority[0].type, LDNS_RR_TYPE_SOA);
  m = Ask("default._bimi.example.com", LDNS_RR_TYPE_A);
  EXPECT_EQ(m.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(m.answer, IsEmpty());
  ASSERT_EQ(m.authority.size(), 1u);
  EXPECT_EQ(m.authority[0].type, LDNS_RR_TYPE_SOA);
}

TEST_F(BimiFamilyTest, ADomainWithoutBimiHasNoBimiZone) {
  Serve({"domain: example.com\n"});
  EXPECT_EQ(Ask("default._bimi.example.com", LDNS_RR_TYPE_TXT).rcode, LDNS_RCODE_REFUSED);
}

TEST_F(BimiFamilyTest, TheCustomerDelegatesTheBimiZone) {
  Loaded<DomainConfig> loaded = Load(kEnforced);
  ASSERT_TRUE(loaded.ok());
  std::vector<std::string> lines = Publish(*loaded.value);
  EXPECT_THAT(lines, ::testing::Contains("_bimi.example.com.\t3600\tIN\tNS\tns1.provider.test."));
  EXPECT_THAT(lines, ::testing::Contains("_bimi.example.com.\t3600\tIN\tNS\tns2.provider.test."));
}

}  // namespace
}  // namespace dnsd::config
