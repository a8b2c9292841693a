// ParseRecord / ParseTerm: the RFC 7208 §12 grammar, term by term, and the
// whole-record rules (version, separators, modifiers at most once).
#include "policy/spf/rfc7208/record.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::spf {
namespace {

using ::testing::HasSubstr;

Term MustParseTerm(absl::string_view text) {
  auto term = ParseTerm(text);
  EXPECT_TRUE(term.ok()) << text << ": " << term.status();
  return term.ok() ? *term : Term{};
}

std::string TermError(absl::string_view text) {
  auto term = ParseTerm(text);
  EXPECT_FALSE(term.ok()) << text << " parsed";
  return term.ok() ? "" : std::string(term.status().message());
}

TEST(IsSpfRecordTest, VersionIsCaseInsensitiveAndEndsAtSpaceOrEnd) {
  EXPECT_TRUE(IsSpfRecord("v=spf1"));
  EXPECT_TRUE(IsSpfRecord("v=spf1 -all"));
  EXPECT_TRUE(IsSpfRecord("V=SpF1 ~all"));
  EXPECT_FALSE(IsSpfRecord("v=spf10"));
  EXPECT_FALSE(IsSpfRecord("v=spf1mx"));
  EXPECT_FALSE(IsSpfRecord(" v=spf1 -all"));
  EXPECT_FALSE(IsSpfRecord("v=spf2.0/pra -all"));
  EXPECT_FALSE(IsSpfRecord(""));
  EXPECT_FALSE(IsSpfRecord("v=spf"));
}

TEST(ParseRecordTest, ReadsEveryMechanismAndModifier) {
  auto record = ParseRecord(
      "v=spf1 +all -include:_spf.example.com ~a ?a:mail.example.com/24//64 mx mx:%{d}//48 "
      "ptr ptr:example.org ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._i.%{d} "
      "redirect=_spf.example.net exp=why.%{d} x-tra=anything");
  ASSERT_TRUE(record.ok()) << record.status();
  ASSERT_EQ(record->terms.size(), 14u);
  const auto& t = record->terms;
  EXPECT_EQ(t[0].kind, TermKind::kAll);
  EXPECT_EQ(t[0].qualifier, Qualifier::kPass);
  EXPECT_EQ(t[1].kind, TermKind::kInclude);
  EXPECT_EQ(t[1].qualifier, Qualifier::kFail);
  EXPECT_EQ(t[1].domain_spec, "_spf.example.com");
  EXPECT_EQ(t[2].kind, TermKind::kA);
  EXPECT_EQ(t[2].qualifier, Qualifier::kSoftFail);
  EXPECT_EQ(t[2].domain_spec, "");
  EXPECT_EQ(t[2].cidr4, 32);
  EXPECT_EQ(t[2].cidr6, 128);
  EXPECT_EQ(t[3].qualifier, Qualifier::kNeutral);
  EXPECT_EQ(t[3].domain_spec, "mail.example.com");
  EXPECT_EQ(t[3].cidr4, 24);
  EXPECT_EQ(t[3].cidr6, 64);
  EXPECT_EQ(t[4].kind, TermKind::kMx);
  EXPECT_EQ(t[5].domain_spec, "%{d}");
  EXPECT_EQ(t[5].cidr4, 32);
  EXPECT_EQ(t[5].cidr6, 48);
  EXPECT_EQ(t[6].kind, TermKind::kPtr);
  EXPECT_EQ(t[6].domain_spec, "");
  EXPECT_EQ(t[7].domain_spec, "example.org");
  EXPECT_EQ(t[8].kind, TermKind::kIp4);
  EXPECT_EQ(FormatIpAddress(t[8].address), "192.0.2.0");
  EXPECT_EQ(t[8].cidr4, 24);
  EXPECT_EQ(t[9].kind, TermKind::kIp6);
  EXPECT_EQ(FormatIpAddress(t[9].address), "2001:db8::");
  EXPECT_EQ(t[9].cidr6, 32);
  EXPECT_EQ(t[10].kind, TermKind::kExists);
  EXPECT_EQ(t[10].tokens.size(), 3u);  // %{i} "._i." %{d}
  EXPECT_EQ(t[11].kind, TermKind::kRedirect);
  EXPECT_EQ(t[11].domain_spec, "_spf.example.net");
  EXPECT_EQ(t[12].kind, TermKind::kExp);
  EXPECT_EQ(t[13].kind, TermKind::kUnknownModifier);
  EXPECT_EQ(t[13].name, "x-tra");
  EXPECT_EQ(t[13].domain_spec, "anything");
  EXPECT_EQ(record->redirect_term(), &t[11]);
  EXPECT_EQ(record->exp_term(), &t[12]);
  for (const Term& term : t) EXPECT_FALSE(term.text.empty());
}

TEST(ParseRecordTest, EmptyRecordAndExtraSpaces) {
  auto empty = ParseRecord("v=spf1");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->terms.empty());
  auto spaced = ParseRecord("v=spf1   a    -all   ");
  ASSERT_TRUE(spaced.ok()) << spaced.status();
  EXPECT_EQ(spaced->terms.size(), 2u);
}

TEST(ParseRecordTest, ErrorsAnywhereFailTheRecord) {
  EXPECT_FALSE(ParseRecord("v=spf1 ip4:1.2.3.4 -all moo").ok());
  EXPECT_FALSE(ParseRecord("v=spf10 -all").ok());
  // Only SP separates terms (§4.6.1).
  EXPECT_FALSE(ParseRecord("v=spf1 a:ctrl.example.com\rptr -all").ok());
  EXPECT_FALSE(ParseRecord("v=spf1 ip4:192.0.2.5\n include:x.example.com ~all").ok());
  EXPECT_FALSE(ParseRecord("v=spf1\ta -all").ok());
  EXPECT_FALSE(ParseRecord(std::string("v=spf1 a:foo.example.com\0", 25)).ok());
  // 7-bit ASCII only (§3.1).
  EXPECT_FALSE(ParseRecord("v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all").ok());
  EXPECT_FALSE(ParseRecord("v=spf1 a:example.net \x96" "all").ok());
}

TEST(ParseRecordTest, RedirectAndExpAtMostOnce) {
  EXPECT_THAT(std::string(ParseRecord("v=spf1 exp=a.example.com -all exp=b.example.com")
                              .status().message()),
              HasSubstr("twice"));
  EXPECT_FALSE(ParseRecord("v=spf1 redirect=a.example.com redirect=a.example.com").ok());
  EXPECT_TRUE(ParseRecord("v=spf1 redirect=a.example.com exp=b.example.com").ok());
  // Unknown modifiers may repeat.
  EXPECT_TRUE(ParseRecord("v=spf1 x=1 x=2").ok());
}

TEST(ParseTermTest, QualifiersAndCase) {
  EXPECT_EQ(MustParseTerm("-ALL").qualifier, Qualifier::kFail);
  EXPECT_EQ(MustParseTerm("Include:Example.COM").kind, TermKind::kInclude);
  EXPECT_EQ(MustParseTerm("Redirect=example.com").kind, TermKind::kRedirect);
  EXPECT_EQ(MustParseTerm("EXP=example.com").kind, TermKind::kExp);
  EXPECT_EQ(QualifierChar(Qualifier::kSoftFail), '~');
}

TEST(ParseTermTest, AllTakesNothing) {
  TermError("-all.");
  TermError("-all:foobar");
  TermError("-all/8");
  TermError("+-all");
}

TEST(ParseTermTest, UnknownMechanisms) {
  EXPECT_THAT(TermError("moo"), HasSubstr("unknown mechanism"));
  TermError("redirect:example.com");  // a modifier needs '='
  TermError("moo.cow/far_out=man:dog/cat");
  TermError("moo.cow:far_out=man:dog/cat");
  TermError("ipv4:1.2.3.4");
  TermError("-");
}

TEST(ParseTermTest, Modifiers) {
  Term ok = MustParseTerm("moo.cow-far_out=man:dog/cat");
  EXPECT_EQ(ok.kind, TermKind::kUnknownModifier);
  EXPECT_EQ(ok.name, "moo.cow-far_out");
  EXPECT_EQ(ok.domain_spec, "man:dog/cat");
  EXPECT_EQ(MustParseTerm("default=+").kind, TermKind::kUnknownModifier);
  EXPECT_EQ(MustParseTerm("x=").domain_spec, "");  // macro-string may be empty
  TermError("1up=foo");
  TermError("=all");
  TermError("-redirect=example.com");
  TermError("foo=%abc");       // unknown modifiers need valid macros too
  TermError("exp=");           // empty domain-spec
  TermError("redirect=");
  TermError("exp=-all");       // no top-level label
  TermError("redirect=-all");
  TermError("exp=%{r}.example.com");  // r only in explanation text
}

TEST(ParseTermTest, DomainSpecs) {
  MustParseTerm("a:foo.example.xn--zckzah");
  MustParseTerm("a:foo:bar/baz.example.com");  // any visible character but '%'
  MustParseTerm("a:example.com.");
  MustParseTerm("include:%{d}");
  MustParseTerm("exists:%{i}.%{d}");
  MustParseTerm("a:x.%%");  // ends in a macro-expand
  MustParseTerm("a:1-2.3-4");  // toplabel "3-4" has a dash, so digits are fine
  TermError("a:foo-bar");     // no "." toplabel
  TermError("a:museum");
  TermError("a:museum.");
  TermError("a:abc.123");     // all-numeric toplabel
  TermError("a:111.222.33.44");
  TermError("a:example.-com");
  TermError("a:example.com-");
  TermError("a:example.com:8080");
  TermError("a:example.com..");
  TermError("a:");
  TermError("mx:");
  TermError("include:");
  TermError("include");
  TermError("exists");
  TermError("exists:");
  TermError("ptr:");
  TermError("a:%{a}.example.com");
  TermError("a:foo%.example.com");
  TermError("a:%(ir).example.com");
  TermError("a:%{d}com");
}

TEST(ParseTermTest, DualCidr) {
  Term a = MustParseTerm("a/24//64");
  EXPECT_EQ(a.cidr4, 24);
  EXPECT_EQ(a.cidr6, 64);
  EXPECT_EQ(a.domain_spec, "");
  Term v6only = MustParseTerm("mx//0");
  EXPECT_EQ(v6only.cidr4, 32);
  EXPECT_EQ(v6only.cidr6, 0);
  Term named = MustParseTerm("a:foo.example.com/24");
  EXPECT_EQ(named.domain_spec, "foo.example.com");
  EXPECT_EQ(named.cidr4, 24);
  EXPECT_EQ(MustParseTerm("a:%{d}/0//0").domain_spec, "%{d}");
  TermError("a/33");
  TermError("a//129");
  TermError("a/24/64");   // the second length needs "//"
  TermError("a/032");     // no leading zeros
  TermError("a/");
  TermError("a//");
  TermError("a/99999999999999999999");
  TermError("mx/33");
  TermError("ptr/0");     // ptr has no CIDR
  TermError("include:example.com/24");
  TermError("exists:example.com/24");
}

TEST(ParseTermTest, IpNetworks) {
  Term four = MustParseTerm("ip4:1.1.1.1/0");  // host bits are allowed
  EXPECT_EQ(four.cidr4, 0);
  EXPECT_EQ(FormatIpAddress(four.address), "1.1.1.1");
  EXPECT_EQ(MustParseTerm("ip4:1.2.3.4").cidr4, 32);
  Term six = MustParseTerm("ip6:::FFFF:1.2.3.4");
  EXPECT_EQ(six.kind, TermKind::kIp6);
  EXPECT_EQ(six.cidr6, 128);
  EXPECT_EQ(MustParseTerm("ip6:Cafe:Babe:8000::/33").cidr6, 33);
  TermError("ip4");
  TermError("ip4:");
  TermError("ip4:1.2.3");
  TermError("ip4:1.2.3.4/33");
  TermError("ip4:1.2.3.4/032");
  TermError("ip4:1.2.3.4//32");
  TermError("ip4:1.2.3.4:8080");
  TermError("ip4:01.2.3.4");
  TermError("ip4:::1");
  TermError(std::string("ip4:192.0.2.0\0\0/24", 18));  // found by the fuzzer
  TermError(std::string("ip6:2001:db8::\0", 15));
  TermError("ip6");
  TermError("ip6:1.2.3.4");
  TermError("ip6::CAFE::BABE");
  TermError("ip6:::1.1.1.1/129");
  TermError("ip6:::1.1.1.1//33");
}

TEST(ParseTermTest, QueriesDns) {
  EXPECT_TRUE(MustParseTerm("include:x.example.com").queries_dns());
  EXPECT_TRUE(MustParseTerm("a").queries_dns());
  EXPECT_TRUE(MustParseTerm("mx").queries_dns());
  EXPECT_TRUE(MustParseTerm("ptr").queries_dns());
  EXPECT_TRUE(MustParseTerm("exists:x.example.com").queries_dns());
  EXPECT_TRUE(MustParseTerm("redirect=x.example.com").queries_dns());
  EXPECT_FALSE(MustParseTerm("exp=x.example.com").queries_dns());
  EXPECT_FALSE(MustParseTerm("ip4:192.0.2.1").queries_dns());
  EXPECT_FALSE(MustParseTerm("ip6:::1").queries_dns());
  EXPECT_FALSE(MustParseTerm("-all").queries_dns());
  EXPECT_FALSE(MustParseTerm("foo=bar").queries_dns());
}

}  // namespace
}  // namespace dnsd::spf
