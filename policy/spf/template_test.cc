// ParseTemplate: the layouts providers use, and every template the matcher
// could not split back into its parts.
#include "policy/spf/template.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::spf {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// "i _ip h _ehlo d": the segments as short words, for readable expectations.
std::vector<std::string> Shape(const Template& t) {
  std::vector<std::string> out;
  for (const Segment& s : t.segments) {
    switch (s.kind) {
      case SegmentKind::kLiteral: out.push_back("'" + s.literal + "'"); break;
      case SegmentKind::kIp: out.push_back("i"); break;
      case SegmentKind::kIpReversed: out.push_back("ir"); break;
      case SegmentKind::kVersion: out.push_back("v"); break;
      case SegmentKind::kHelo: out.push_back("h"); break;
      case SegmentKind::kDomain: out.push_back("d"); break;
    }
  }
  return out;
}

TEST(TemplateTest, ParsesTheDefaultLayout) {
  auto t = ParseTemplate("%{i}._ip.%{h}._ehlo.%{d}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->text, "%{i}._ip.%{h}._ehlo.%{d}");
  EXPECT_THAT(Shape(*t), ElementsAre("i", "'_ip'", "h", "'_ehlo'", "d"));
  EXPECT_TRUE(t->has_ip);
  EXPECT_TRUE(t->has_helo);
  EXPECT_TRUE(t->has_domain);
}

TEST(TemplateTest, ParsesOtherProvidersLayouts) {
  auto reversed = ParseTemplate("%{ir}.%{d}");
  ASSERT_TRUE(reversed.ok()) << reversed.status();
  EXPECT_THAT(Shape(*reversed), ElementsAre("ir", "d"));
  EXPECT_TRUE(reversed->has_ip);
  EXPECT_FALSE(reversed->has_helo);

  auto versioned = ParseTemplate("%{ir}.%{v}.%{d}");
  ASSERT_TRUE(versioned.ok()) << versioned.status();
  EXPECT_THAT(Shape(*versioned), ElementsAre("ir", "v", "d"));

  auto exists = ParseTemplate("%{i}._i.%{d}._d");
  ASSERT_TRUE(exists.ok()) << exists.status();
  EXPECT_THAT(Shape(*exists), ElementsAre("i", "'_i'", "d", "'_d'"));
  EXPECT_FALSE(exists->has_helo);
}

TEST(TemplateTest, LiteralLabelsAreLowerCased) {
  auto t = ParseTemplate("%{i}._IP.%{h}._Ehlo.%{d}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(Shape(*t), ElementsAre("i", "'_ip'", "h", "'_ehlo'", "d"));
}

TEST(TemplateTest, ADomainAloneIsEnough) {
  auto t = ParseTemplate("%{d}");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(Shape(*t), ElementsAre("d"));
  EXPECT_FALSE(t->has_ip);
}

TEST(TemplateTest, RequiresTheDomain) {
  auto t = ParseTemplate("%{i}._ip.%{h}._ehlo");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("%{d}"));
}

TEST(TemplateTest, RejectsVariablePartsSideBySide) {
  // In one label: not a single macro.
  EXPECT_FALSE(ParseTemplate("%{i}._ip.%{h}%{d}").ok());
  // In adjacent labels: the boundary between HELO and domain is lost.
  auto t = ParseTemplate("%{i}._ip.%{h}.%{d}");
  ASSERT_FALSE(t.ok());
  EXPECT_THAT(std::string(t.status().message()), HasSubstr("literal label between"));
  EXPECT_FALSE(ParseTemplate("%{d}.%{h}").ok());
}

TEST(TemplateTest, RejectsUnknownMacros) {
  for (const char* text : {"%{s}.%{d}", "%{l}.%{d}", "%{o}.%{d}", "%{c}.%{d}",
                           "%{p}.%{d}", "%{x}.%{d}", "%{}.%{d}", "%{i.%{d}"}) {
    EXPECT_FALSE(ParseTemplate(text).ok()) << text;
  }
}

TEST(TemplateTest, RejectsTransformersOtherThanReversal) {
  for (const char* text : {"%{i1}.%{d}", "%{i2r}.%{d}", "%{i-}.%{d}", "%{ir.}.%{d}",
                           "%{i}.%{d2}", "%{i}.%{dr}", "%{i}._ip.%{hr}._ehlo.%{d}",
                           "%{i}._ip.%{h1}._ehlo.%{d}", "%{vr}.%{d}", "%{i}.%{d-}"}) {
    EXPECT_FALSE(ParseTemplate(text).ok()) << text;
  }
}

TEST(TemplateTest, RejectsEmptyLabels) {
  for (const char* text : {"", ".", "%{i}..%{d}", ".%{d}", "%{d}.", "%{i}._ip..%{h}._ehlo.%{d}"}) {
    EXPECT_FALSE(ParseTemplate(text).ok()) << "'" << text << "'";
  }
}

TEST(TemplateTest, RejectsMacrosMixedWithText) {
  for (const char* text : {"x%{i}.%{d}", "%{i}x.%{d}", "%{i}._ip.mail-%{h}._ehlo.%{d}",
                           "%%.%{d}", "%_.%{d}", "%-.%{d}"}) {
    EXPECT_FALSE(ParseTemplate(text).ok()) << text;
  }
}

TEST(TemplateTest, RejectsAMacroTwice) {
  EXPECT_FALSE(ParseTemplate("%{i}.%{ir}.%{d}").ok());
  EXPECT_FALSE(ParseTemplate("%{i}._a.%{i}.%{d}").ok());
  EXPECT_FALSE(ParseTemplate("%{h}._a.%{h}._b.%{d}").ok());
  EXPECT_FALSE(ParseTemplate("%{d}._a.%{d}").ok());
}

}  // namespace
}  // namespace dnsd::spf

// RFC 7208 §7.3: upper-case macro letters are URL-escaped by the receiver;
// the server could not split such a name back into its parts.
TEST(TemplateTest, RejectsUpperCaseMacros) {
  for (absl::string_view t : {"%{I}._ip.%{h}._ehlo.%{d}", "%{i}._ip.%{H}._ehlo.%{d}",
                              "%{IR}.%{D}"}) {
    auto parsed = dnsd::spf::ParseTemplate(t);
    ASSERT_FALSE(parsed.ok()) << t;
    EXPECT_THAT(std::string(parsed.status().message()), ::testing::HasSubstr("lower case"));
  }
}
