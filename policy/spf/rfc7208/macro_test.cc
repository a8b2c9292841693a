// Macro strings (RFC 7208 §7): the RFC's own examples (§7.4), transformers,
// escapes, URL-escaping, the 253-octet cut, letter rules, and partial
// expansion for dnsd's terms rule.
#include "policy/spf/rfc7208/macro.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::spf {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(absl::string_view text) {
  auto ip = ParseIpAddress(text);
  EXPECT_TRUE(ip.ok()) << text;
  return ip.ok() ? *ip : IpAddress{};
}

// §7.4's context: sender strong-bad@email.example.com from 192.0.2.3.
MacroContext Rfc74(absl::string_view ip = "192.0.2.3") {
  MacroContext c = MakeMacroContext(Ip(ip), "strong-bad@email.example.com", "mx.example.org");
  c.receiver = "mx.example.net";
  c.timestamp = 1700000000;
  return c;
}

std::string Expand(absl::string_view text, const MacroContext& c,
                   MacroUse use = MacroUse::kDomainSpec) {
  auto out = ExpandMacros(text, c, {.use = use});
  EXPECT_TRUE(out.ok()) << text << ": " << out.status();
  return out.ok() ? *out : "<error>";
}

std::string Partial(absl::string_view text, const MacroContext& c,
                    absl::string_view keep = "slop") {
  auto out = ExpandMacros(text, c, {.partial = true, .keep = keep});
  EXPECT_TRUE(out.ok()) << text << ": " << out.status();
  return out.ok() ? *out : "<error>";
}

std::string Error(absl::string_view text, MacroUse use = MacroUse::kDomainSpec) {
  auto tokens = ParseMacroString(text, use);
  EXPECT_FALSE(tokens.ok()) << text << " parsed";
  return tokens.ok() ? "" : std::string(tokens.status().message());
}

TEST(MacroTest, Rfc7208Section74Examples) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("%{s}", c), "strong-bad@email.example.com");
  EXPECT_EQ(Expand("%{o}", c), "email.example.com");
  EXPECT_EQ(Expand("%{d}", c), "email.example.com");
  EXPECT_EQ(Expand("%{d4}", c), "email.example.com");
  EXPECT_EQ(Expand("%{d3}", c), "email.example.com");
  EXPECT_EQ(Expand("%{d2}", c), "example.com");
  EXPECT_EQ(Expand("%{d1}", c), "com");
  EXPECT_EQ(Expand("%{dr}", c), "com.example.email");
  EXPECT_EQ(Expand("%{d2r}", c), "example.email");
  EXPECT_EQ(Expand("%{l}", c), "strong-bad");
  EXPECT_EQ(Expand("%{l-}", c), "strong.bad");
  EXPECT_EQ(Expand("%{lr}", c), "strong-bad");
  EXPECT_EQ(Expand("%{lr-}", c), "bad.strong");
  EXPECT_EQ(Expand("%{l1r-}", c), "strong");
  EXPECT_EQ(Expand("%{ir}.%{v}._spf.%{d2}", c), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(Expand("%{lr-}.lp._spf.%{d2}", c), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(Expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", c),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(Expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", c),
            "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(Expand("%{d2}.trusted-domains.example.net", c),
            "example.com.trusted-domains.example.net");

  MacroContext v6 = Rfc74("2001:db8::cb01");
  EXPECT_EQ(Expand("%{ir}.%{v}._spf.%{d2}", v6),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

TEST(MacroTest, IpLetters) {
  MacroContext c = Rfc74("2001:db8::cb01");
  std::string zeros;
  for (int i = 0; i < 20; ++i) zeros += "0.";
  EXPECT_EQ(Expand("%{i}", c), "2.0.0.1.0.d.b.8." + zeros + "c.b.0.1");
  EXPECT_EQ(Expand("%{c}", c, MacroUse::kExplanation), "2001:db8::cb01");
  EXPECT_EQ(Expand("%{v}", c), "ip6");
  EXPECT_EQ(Expand("%{i2r}", c), "0.2");  // reversed first, then the right-most two
  // An IPv4-mapped client is an IPv4 client (§5, §7.3).
  MacroContext mapped = Rfc74("::ffff:192.0.2.3");
  EXPECT_EQ(Expand("%{i}.%{v}", mapped), "192.0.2.3.in-addr");
  EXPECT_EQ(Expand("%{c}", mapped, MacroUse::kExplanation), "192.0.2.3");
  EXPECT_EQ(Expand("%{ir}", Rfc74()), "3.2.0.192");
  EXPECT_EQ(Expand("%{i1}", Rfc74()), "3");
}

TEST(MacroTest, ExplanationLetters) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("%{c} %{r} %{t}", c, MacroUse::kExplanation),
            "192.0.2.3 mx.example.net 1700000000");
  EXPECT_EQ(Expand("%{h} says %{s}.", c, MacroUse::kExplanation),
            "mx.example.org says strong-bad@email.example.com.");
  // c, r, t are syntax errors outside explanation text (§7.1).
  EXPECT_THAT(Error("%{c}.example.com"), HasSubstr("exp= text only"));
  Error("%{r}.example.com");
  Error("%{T}.example.com");
  // Spaces are literal only in explanation text.
  Error("a b.example.com");
  EXPECT_TRUE(ParseMacroString("a b", MacroUse::kExplanation).ok());
}

TEST(MacroTest, ValidatedNameIsComputedOnlyWhenUsed) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("%{p}", c), "unknown");
  int calls = 0;
  c.validated_name = [&calls](absl::string_view domain) {
    ++calls;
    return std::string("mx.") + std::string(domain);
  };
  EXPECT_EQ(Expand("%{d}", c), "email.example.com");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(Expand("%{p2}", c), "example.com");
  EXPECT_EQ(calls, 1);
}

TEST(MacroTest, Escapes) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("macro%%percent%_%_space%-url-space.example.com", c),
            "macro%percent  space%20url-space.example.com");
  EXPECT_EQ(Expand("%%%%", c, MacroUse::kExplanation), "%%");
}

TEST(MacroTest, UpperCaseLettersAreUrlEscaped) {
  MacroContext c = MakeMacroContext(Ip("192.0.2.3"), "~jack&jill=up-a_b3.c@e8.example.com",
                                    "JUMPIN' JUPITER");
  EXPECT_EQ(Expand("http://example.com/why.html?l=%{L}", c, MacroUse::kExplanation),
            "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c");
  EXPECT_EQ(Expand("%{H}", c), "JUMPIN%27%20JUPITER");
  EXPECT_EQ(Expand("%{h}", c, MacroUse::kExplanation), "JUMPIN' JUPITER");
  EXPECT_EQ(Expand("%{S}", c, MacroUse::kExplanation), "~jack%26jill%3Dup-a_b3.c%40e8.example.com");
  EXPECT_EQ(Expand("%{D2}", c), "example.com");
  MacroContext binary = MakeMacroContext(Ip("192.0.2.3"), "a@b.example", "\x01\xff%");
  EXPECT_EQ(Expand("%{H}", binary), "%01%FF%25");
}

TEST(MacroTest, DigitTransformers) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("%{d9}", c), "email.example.com");  // more than there are
  EXPECT_EQ(Expand("%{d999999999999}", c), "email.example.com");  // no overflow
  EXPECT_EQ(Expand("%{d02}", c), "example.com");
  EXPECT_EQ(Expand("%{d1r}", c), "email");
  EXPECT_THAT(Error("%{d0}"), HasSubstr("0"));
  Error("%{d00}");
  Error("%{d0r}");
}

TEST(MacroTest, Delimiters) {
  MacroContext c = MakeMacroContext(Ip("1.2.3.4"), "foo-bar+zip+quux@e12.example.com", "h.example");
  EXPECT_EQ(Expand("%{l2r+-}", c), "bar.foo");
  EXPECT_EQ(Expand("%{l+-}", c), "foo.bar.zip.quux");
  EXPECT_EQ(Expand("%{l-}", c), "foo.bar+zip+quux");
  EXPECT_EQ(Expand("%{lr.-+,/_=}", c), "quux.zip.bar.foo");
  MacroContext g = MakeMacroContext(Ip("1.2.3.4"), "philip-gladstone-test@e11.example.com",
                                    "h.example");
  EXPECT_EQ(Expand("%{i}.%{l2r-}.user.%{d2}", g), "1.2.3.4.gladstone.philip.user.example.com");
  // Empty parts survive the split and the join.
  MacroContext dots = MakeMacroContext(Ip("1.2.3.4"), "a..b@x.example", "h.example");
  EXPECT_EQ(Expand("%{l}", dots), "a..b");
  EXPECT_EQ(Expand("%{lr}", dots), "b..a");
  Error("%{l*}");
  Error("%{lx}");
  Error("%{l-r}");  // the r comes before the delimiters
  Error("%{lrr}");
}

TEST(MacroTest, BadSyntax) {
  EXPECT_THAT(Error("%"), HasSubstr("end"));
  Error("foo%");
  Error("%(ir).sbl.example.com");
  Error("foo%.sbl.example.com");
  Error("%{ir.example.com");
  Error("%{}");
  Error("%{x}");
  Error("%{1}");
  Error("%abc");
  Error("caf\xc3\xa9.example.com");
  Error("a\x7f" "b");
  Error(std::string("a\0b", 3));
  EXPECT_TRUE(ParseMacroString("", MacroUse::kDomainSpec).ok());
}

TEST(MacroTest, TokensKeepTheirText) {
  auto tokens = ParseMacroString("x.%{I2R-}.%%y", MacroUse::kDomainSpec);
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  ASSERT_EQ(tokens->size(), 5u);
  EXPECT_EQ((*tokens)[0].text, "x.");
  EXPECT_EQ((*tokens)[1].text, "%{I2R-}");
  EXPECT_EQ((*tokens)[1].letter, 'i');
  EXPECT_TRUE((*tokens)[1].url_escape);
  EXPECT_TRUE((*tokens)[1].reverse);
  EXPECT_EQ((*tokens)[1].keep_parts, 2);
  EXPECT_EQ((*tokens)[1].delimiters, "-");
  EXPECT_EQ((*tokens)[3].kind, MacroToken::Kind::kEscape);
  EXPECT_EQ((*tokens)[3].escape, '%');
  EXPECT_EQ((*tokens)[4].text, "y");
}

TEST(MacroTest, DomainResultsDropOneTrailingDot) {
  MacroContext c = Rfc74();
  EXPECT_EQ(Expand("%{d}.d.spf.example.com.", c), "email.example.com.d.spf.example.com");
  EXPECT_EQ(Expand("msg.example.com.", c, MacroUse::kExplanation), "msg.example.com.");
}

TEST(MacroTest, LongNamesAreCutOnTheLeft) {
  MacroContext c = MakeMacroContext(Ip("192.0.2.1"), "x@somewhat.long.exp.example.com", "h.example");
  std::string name = Expand("foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com", c);
  std::string o = "somewhat.long.exp.example.com.";
  std::string expected;
  for (int i = 0; i < 8; ++i) expected += o;
  expected += "example.com";
  EXPECT_EQ(name, expected);
  EXPECT_EQ(name.size(), 251u);

  // Exactly 253 stays; 254 loses whole labels until it fits.
  std::string label63(63, 'a');
  std::string n253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(n253.size(), 253u);
  EXPECT_EQ(TruncateName(n253), n253);
  EXPECT_EQ(TruncateName("c" + n253), n253.substr(64));
  EXPECT_EQ(TruncateName(std::string(300, 'x')), std::string(300, 'x'));
  // Truncation applies to the result, after the trailing dot is dropped,
  // and not to explanation text.
  MacroContext big = MakeMacroContext(Ip("192.0.2.1"), "x@" + n253, "h.example");
  EXPECT_EQ(Expand("%{o}.", big), n253);
  EXPECT_EQ(Expand("z.%{o}", big), n253);
  EXPECT_EQ(Expand("z.%{o}", big, MacroUse::kExplanation).size(), 255u);
}

TEST(MacroTest, PartialExpansionKeepsWhatOnlyTheReceiverKnows) {
  MacroContext c = MakeMacroContext(Ip("192.0.2.3"), "", "mail.example.org");
  c.domain = "example.com";
  EXPECT_EQ(Partial("%{i}._ip.%{h}._ehlo.%{d}._spf.provider.test", c),
            "192.0.2.3._ip.mail.example.org._ehlo.example.com._spf.provider.test");
  EXPECT_EQ(Partial("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", c),
            "3.2.0.192.in-addr.%{l1r-}.lp._spf.example.com");
  EXPECT_EQ(Partial("%{S}.%{o}.%{p}.%{d}", c), "%{S}.%{o}.%{p}.example.com");
  EXPECT_EQ(Partial("x%%y%_z%-.%{d}", c), "x%%y%_z%-.example.com");
  // Trailing dot and length are the receiver's business.
  EXPECT_EQ(Partial("%{d}.", c), "example.com.");
  // A kept set of your own.
  EXPECT_EQ(Partial("%{i}.%{s}", c, "i"), "%{i}.postmaster@mail.example.org");
}

TEST(PartialExpansionTest, ValuesAreEscapedForTheReceiver) {
  MacroContext c = MakeMacroContext(Ip("192.0.2.3"), "", "50% off sale");
  EXPECT_EQ(Partial("%{h}.x.example", c), "50%%%_off%_sale.x.example");
  // Upper case: URL-escaped first, then the '%' escaped again.
  EXPECT_EQ(Partial("%{H}.x.example", c), "50%%25%%20off%%20sale.x.example");
  // Something a macro string cannot carry is an error, not a broken record.
  MacroContext bad = MakeMacroContext(Ip("192.0.2.3"), "", "a\tb");
  auto out = ExpandMacros("%{h}.x.example", bad, {.partial = true});
  EXPECT_FALSE(out.ok());
  // c, r, t stay forbidden outside explanation text.
  EXPECT_FALSE(ExpandMacros("%{c}.x.example", c, {.partial = true}).ok());
  MacroContext r = Rfc74();
  EXPECT_EQ(*ExpandMacros("from %{c} at %{t}", r,
                          {.use = MacroUse::kExplanation, .partial = true, .keep = "t"}),
            "from 192.0.2.3 at %{t}");
}

TEST(MacroTest, ModifierValuesAreCheckedNotExpanded) {
  EXPECT_TRUE(ParseMacroString("%{c}%{r}%{t}", MacroUse::kModifier).ok());
  Error("%{x}", MacroUse::kModifier);
  EXPECT_FALSE(ExpandMacros("x", Rfc74(), {.use = MacroUse::kModifier}).ok());
}

TEST(MakeMacroContextTest, SenderForms) {
  MacroContext empty = MakeMacroContext(Ip("192.0.2.1"), "", "mail.example.net");
  EXPECT_EQ(empty.sender, "postmaster@mail.example.net");
  EXPECT_EQ(empty.domain, "mail.example.net");
  MacroContext no_local = MakeMacroContext(Ip("192.0.2.1"), "@example.net", "h");
  EXPECT_EQ(no_local.local_part, "postmaster");
  EXPECT_EQ(no_local.sender, "postmaster@example.net");
  MacroContext two_at = MakeMacroContext(Ip("192.0.2.1"), "\"a@b\"@example.net", "h");
  EXPECT_EQ(two_at.local_part, "\"a@b\"");
  EXPECT_EQ(two_at.domain, "example.net");
  MacroContext bare = MakeMacroContext(Ip("192.0.2.1"), "example.net", "h");
  EXPECT_EQ(bare.sender, "postmaster@example.net");
}

}  // namespace
}  // namespace dnsd::spf
