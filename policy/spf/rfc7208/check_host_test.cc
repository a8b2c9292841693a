// CheckHost beyond the OpenSPF suite: the exact edges of each §4.6.4 limit
// (and that the over-limit look-up is never sent), explanations, %{p},
// IPv4-mapped clients, and what the result reports (trace, counters, the
// matching term).
#include "policy/spf/rfc7208/check_host.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/rfc7208/testing/fake_dns.h"

namespace dnsd::spf {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

IpAddress Ip(absl::string_view text) { return *ParseIpAddress(text); }

CheckResult Check(FakeDns& dns, absl::string_view ip, absl::string_view mail_from,
                  CheckOptions options = {}) {
  options.default_explanation = "DEFAULT";
  return CheckHost(dns, MakeMacroContext(Ip(ip), mail_from, "helo.example.org"), options);
}

TEST(CheckHostTest, BasicResults) {
  FakeDns dns;
  dns.AddTxt("example.com", "v=spf1 ip4:192.0.2.0/24 ~ip4:198.51.100.1 ?ip6:2001:db8::/32 -all");
  dns.AddTxt("example.com", "some other TXT record");
  EXPECT_EQ(Check(dns, "192.0.2.9", "a@example.com").result, Result::kPass);
  EXPECT_EQ(Check(dns, "198.51.100.1", "a@example.com").result, Result::kSoftFail);
  EXPECT_EQ(Check(dns, "2001:db8::1", "a@example.com").result, Result::kNeutral);
  CheckResult fail = Check(dns, "203.0.113.1", "a@example.com");
  EXPECT_EQ(fail.result, Result::kFail);
  EXPECT_EQ(fail.explanation, "DEFAULT");
  EXPECT_EQ(fail.matched_term, "-all");
  EXPECT_EQ(fail.matched_domain, "example.com");
  // Names are case-insensitive and a trailing dot is no different name.
  EXPECT_EQ(Check(dns, "192.0.2.9", "a@EXAMPLE.com.").result, Result::kPass);
}

TEST(CheckHostTest, NoneAndErrorsAtTheStart) {
  FakeDns dns;
  dns.AddTxt("nospf.example.com", "hello");
  dns.AddTimeout("slow.example.com");
  dns.AddTxt("two.example.com", "v=spf1 -all");
  dns.AddTxt("two.example.com", "v=spf1 +all");
  dns.AddTxt("bad.example.com", "v=spf1 -all foo");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@nospf.example.com").result, Result::kNone);
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@nowhere.example.com").result, Result::kNone);
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@slow.example.com").result, Result::kTempError);
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@two.example.com").result, Result::kPermError);
  CheckResult bad = Check(dns, "192.0.2.1", "a@bad.example.com");
  EXPECT_EQ(bad.result, Result::kPermError);
  EXPECT_THAT(bad.problem, HasSubstr("'foo'"));
  // Malformed or single-label domains are "none" with no look-up (§4.3).
  for (const std::string& from : std::vector<std::string>{
           "a@localhost", "a@x..example.com", "a@" + std::string(64, 'x') + ".example.com"}) {
    FakeDns empty;
    EXPECT_EQ(Check(empty, "192.0.2.1", from).result, Result::kNone) << from;
    EXPECT_TRUE(empty.queries().empty()) << from;
  }
}

// "v=spf1 a:t1.example.com a:t2.example.com ... -all" with `n` a-terms.
std::string ManyATerms(int n, absl::string_view tail) {
  std::string record = "v=spf1";
  for (int i = 1; i <= n; ++i) absl::StrAppend(&record, " a:t", i, ".example.com");
  absl::StrAppend(&record, " ", tail);
  return record;
}

TEST(CheckHostTest, TenDnsTermsAreAllowedTheEleventhIsNeverSent) {
  FakeDns dns;
  for (int i = 1; i <= 11; ++i) dns.AddAddress(absl::StrCat("t", i, ".example.com"), "198.51.100.1");
  dns.AddTxt("ten.example.com", ManyATerms(10, "ip4:192.0.2.1 -all"));
  dns.AddTxt("eleven.example.com", ManyATerms(11, "ip4:192.0.2.1 -all"));
  CheckResult ten = Check(dns, "192.0.2.1", "a@ten.example.com");
  EXPECT_EQ(ten.result, Result::kPass);
  EXPECT_EQ(ten.dns_terms, 10);
  size_t before = dns.queries().size();
  CheckResult eleven = Check(dns, "192.0.2.1", "a@eleven.example.com");
  EXPECT_EQ(eleven.result, Result::kPermError);
  EXPECT_THAT(eleven.problem, HasSubstr("a:t11.example.com"));
  std::vector<std::string> sent(dns.queries().begin() + before, dns.queries().end());
  EXPECT_THAT(sent, Contains("A t10.example.com"));
  EXPECT_THAT(sent, Not(Contains("A t11.example.com")));
}

TEST(CheckHostTest, IncludesAndRedirectsCountTowardTheLimit) {
  FakeDns dns;
  // Each include costs one, and so does each a-term inside.
  dns.AddTxt("top.example.com", "v=spf1 include:inc.example.com a:t1.example.com -all");
  dns.AddTxt("inc.example.com", ManyATerms(8, "?all"));  // include + 8 + a = 10
  for (int i = 1; i <= 8; ++i) dns.AddAddress(absl::StrCat("t", i, ".example.com"), "198.51.100.1");
  // include:inc matches with ?all: neutral inside, so no match; then a:t1.
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@top.example.com").dns_terms, 10);
  dns.AddTxt("loop.example.com", "v=spf1 redirect=loop.example.com");
  CheckResult loop = Check(dns, "192.0.2.1", "a@loop.example.com");
  EXPECT_EQ(loop.result, Result::kPermError);
  EXPECT_EQ(loop.dns_terms, 11);
  dns.AddTxt("self.example.com", "v=spf1 include:self.example.com -all");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@self.example.com").result, Result::kPermError);
  CheckOptions lax;
  lax.max_dns_terms = 20;
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@loop.example.com", lax).dns_terms, 21);
}

TEST(CheckHostTest, TwoVoidLookupsAreAllowedNotThree) {
  FakeDns dns;
  dns.AddName("empty.example.com");  // NODATA counts like NXDOMAIN
  dns.AddTxt("two.example.com", "v=spf1 a:nx1.example.com exists:empty.example.com ?all");
  dns.AddTxt("three.example.com",
             "v=spf1 a:nx1.example.com exists:empty.example.com mx:nx2.example.com ?all");
  CheckResult two = Check(dns, "192.0.2.1", "a@two.example.com");
  EXPECT_EQ(two.result, Result::kNeutral);
  EXPECT_EQ(two.void_lookups, 2);
  CheckResult three = Check(dns, "192.0.2.1", "a@three.example.com");
  EXPECT_EQ(three.result, Result::kPermError);
  EXPECT_THAT(three.problem, HasSubstr("void"));
  // The exp= look-up happens after the result and is never counted.
  dns.AddTxt("exp.example.com",
             "v=spf1 a:nx1.example.com a:nx2.example.com exp=nx3.example.com -all");
  CheckResult exp = Check(dns, "192.0.2.1", "a@exp.example.com");
  EXPECT_EQ(exp.result, Result::kFail);
  EXPECT_EQ(exp.explanation, "DEFAULT");
  EXPECT_EQ(exp.void_lookups, 2);
}

TEST(CheckHostTest, MxNamesLimit) {
  FakeDns dns;
  for (int i = 0; i < 11; ++i) {
    dns.AddMx("eleven.example.com", uint16_t(i), absl::StrCat("mx", i, ".example.com"));
    if (i < 10) dns.AddMx("ten.example.com", uint16_t(i), absl::StrCat("mx", i, ".example.com"));
    dns.AddAddress(absl::StrCat("mx", i, ".example.com"), absl::StrCat("198.51.100.", i + 1));
  }
  dns.AddTxt("ten.example.com", "v=spf1 mx -all");
  dns.AddTxt("eleven.example.com", "v=spf1 mx -all");
  EXPECT_EQ(Check(dns, "198.51.100.10", "a@ten.example.com").result, Result::kPass);
  CheckResult eleven = Check(dns, "198.51.100.1", "a@eleven.example.com");
  EXPECT_EQ(eleven.result, Result::kPermError);
  EXPECT_THAT(eleven.problem, HasSubstr("11 MX"));
  // A failing address look-up of an MX name is a temperror (§5).
  dns.AddMx("err.example.com", 0, "error.example.com");
  dns.AddTxt("err.example.com", "v=spf1 mx -all");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@err.example.com").result, Result::kTempError);
}

TEST(CheckHostTest, PtrUsesTheFirstTenValidatedNames) {
  FakeDns dns;
  for (int i = 1; i <= 11; ++i) {
    std::string name = absl::StrCat("h", i, i == 11 ? ".good.example.com" : ".other.example");
    dns.AddPtr("1.2.0.192.in-addr.arpa", name);
    dns.AddAddress(name, "192.0.2.1");
  }
  dns.AddTxt("good.example.com", "v=spf1 ptr -all");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@good.example.com").result, Result::kFail);
  dns.AddTxt("other.example", "v=spf1 ptr -all");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@other.example").result, Result::kPass);
  // A PTR look-up that fails makes ptr not match (§5.5), no temperror.
  FakeDns timeout;
  timeout.AddTimeout("1.2.0.192.in-addr.arpa");
  timeout.AddTxt("x.example.com", "v=spf1 ptr ?all");
  EXPECT_EQ(Check(timeout, "192.0.2.1", "a@x.example.com").result, Result::kNeutral);
}

TEST(CheckHostTest, ValidatedNameMacroPrefersTheDomain) {
  FakeDns dns;
  std::string rev = "3.2.0.192.in-addr.arpa";
  dns.AddPtr(rev, "unrelated.example.net");
  dns.AddPtr(rev, "Mail.Sub.Example.com.");  // case and trailing dot from a server
  dns.AddPtr(rev, "fake.example.com");       // does not validate
  dns.AddAddress("unrelated.example.net", "192.0.2.3");
  dns.AddAddress("mail.sub.example.com", "192.0.2.3");
  dns.AddAddress("fake.example.com", "192.0.2.99");
  dns.AddTxt("example.com", "v=spf1 -all exp=why.example.com");
  dns.AddTxt("why.example.com", "%{p} / %{p2}");
  EXPECT_EQ(Check(dns, "192.0.2.3", "a@example.com").explanation,
            "mail.sub.example.com / example.com");
  dns.AddTxt("example.org", "v=spf1 -all exp=why.example.com");
  EXPECT_EQ(Check(dns, "192.0.2.3", "a@example.org").explanation,
            "unrelated.example.net / example.net");
  EXPECT_EQ(Check(dns, "192.0.2.4", "a@example.org").explanation, "unknown / unknown");
}

TEST(CheckHostTest, Explanations) {
  FakeDns dns;
  dns.AddTxt("example.com", "v=spf1 include:inc.example.com -all exp=why.%{d}");
  dns.AddTxt("why.example.com", "%{i} may not send for %{d} (%{s}).");
  dns.AddTxt("inc.example.com", "v=spf1 -all exp=never.example.com");
  dns.AddTxt("never.example.com", "WRONG");
  CheckResult r = Check(dns, "192.0.2.1", "bob@example.com");
  EXPECT_EQ(r.explanation, "192.0.2.1 may not send for example.com (bob@example.com).");
  // Only fail carries an explanation.
  dns.AddTxt("soft.example.com", "v=spf1 ~all exp=why.example.com");
  EXPECT_EQ(Check(dns, "192.0.2.1", "bob@soft.example.com").explanation, "");
  // Turned off: no look-up at all.
  CheckOptions quiet;
  quiet.explain = false;
  size_t before = dns.queries().size();
  EXPECT_EQ(Check(dns, "192.0.2.1", "bob@example.com", quiet).explanation, "DEFAULT");
  std::vector<std::string> sent(dns.queries().begin() + before, dns.queries().end());
  EXPECT_THAT(sent, Not(Contains("TXT why.example.com")));
}

TEST(CheckHostTest, MappedClientsAreIpv4) {
  FakeDns dns;
  dns.AddAddress("mail.example.com", "192.0.2.1");
  dns.AddAddress("mail.example.com", "2001:db8::1");
  dns.AddTxt("example.com", "v=spf1 a:mail.example.com -all");
  dns.AddTxt("six.example.com", "v=spf1 ip6:::ffff:0:0/96 -all");
  EXPECT_EQ(Check(dns, "::ffff:192.0.2.1", "a@example.com").result, Result::kPass);
  EXPECT_EQ(Check(dns, "2001:db8::1", "a@example.com").result, Result::kPass);
  EXPECT_EQ(Check(dns, "2001:db8::2", "a@example.com").result, Result::kFail);
  EXPECT_EQ(Check(dns, "::ffff:192.0.2.1", "a@six.example.com").result, Result::kFail);
}

TEST(CheckHostTest, IncludeResults) {
  FakeDns dns;
  dns.AddTxt("none.example.com", "v=spf1 include:nothing.example.com +all");
  dns.AddTxt("temp.example.com", "v=spf1 include:error.example.com +all");
  dns.AddTxt("perm.example.com", "v=spf1 include:broken.example.com +all");
  dns.AddTxt("broken.example.com", "v=spf1 bogus");
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@none.example.com").result, Result::kPermError);
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@temp.example.com").result, Result::kTempError);
  EXPECT_EQ(Check(dns, "192.0.2.1", "a@perm.example.com").result, Result::kPermError);
}

TEST(CheckHostTest, TraceShowsWhatWasEvaluated) {
  FakeDns dns;
  dns.AddTxt("example.com", "v=spf1 ip4:198.51.100.0/24 include:_spf.example.net ~all");
  dns.AddTxt("_spf.example.net", "v=spf1 ip4:192.0.2.0/24 -all");
  CheckResult r = Check(dns, "192.0.2.1", "a@example.com");
  EXPECT_EQ(r.result, Result::kPass);
  EXPECT_EQ(r.matched_term, "include:_spf.example.net");
  EXPECT_EQ(r.matched_domain, "example.com");
  EXPECT_THAT(r.trace, Contains("example.com: \"v=spf1 ip4:198.51.100.0/24 "
                                "include:_spf.example.net ~all\""));
  EXPECT_THAT(r.trace, Contains("  ip4:198.51.100.0/24: no match"));
  EXPECT_THAT(r.trace, Contains("      ip4:192.0.2.0/24: match: pass"));
  EXPECT_THAT(r.trace, Contains("  include:_spf.example.net: match: pass"));
  CheckOptions quiet;
  quiet.trace = false;
  EXPECT_TRUE(Check(dns, "192.0.2.1", "a@example.com", quiet).trace.empty());
}

TEST(IsQueryableNameTest, Limits) {
  EXPECT_TRUE(IsQueryableName("example.com"));
  EXPECT_TRUE(IsQueryableName("localhost"));
  EXPECT_TRUE(IsQueryableName(std::string(63, 'a') + ".com"));
  EXPECT_FALSE(IsQueryableName(std::string(64, 'a') + ".com"));
  EXPECT_FALSE(IsQueryableName(""));
  EXPECT_FALSE(IsQueryableName("a..b"));
  EXPECT_FALSE(IsQueryableName(".a"));
  std::string n253 = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                     std::string(63, 'c') + "." + std::string(61, 'd');
  EXPECT_TRUE(IsQueryableName(n253));
  EXPECT_FALSE(IsQueryableName("x" + n253));
}

}  // namespace
}  // namespace dnsd::spf
