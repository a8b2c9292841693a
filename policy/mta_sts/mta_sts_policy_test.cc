#include "policy/mta_sts/mta_sts_policy.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
// ldns last: its macros break standard headers.
#include "dnsd/testing/ldns_referee.h"

namespace dnsd::mta_sts {
namespace {

using ::dnsd::testing::TxtOfZoneLineWithLdns;
using ::dnsd::testing::TxtZoneLine;

using ::testing::HasSubstr;

// The example policy of RFC 8461 §3.2.
Policy RfcExample() {
  return Policy{
      .mode = Mode::kEnforce,
      .mx = {"mail.example.com", "*.example.net", "backupmx.example.com"},
      .max_age = 604800,
  };
}

TEST(ModeNameTest, AsThePolicyFileSpellsThem) {
  EXPECT_STREQ(ModeName(Mode::kEnforce), "enforce");
  EXPECT_STREQ(ModeName(Mode::kTesting), "testing");
  EXPECT_STREQ(ModeName(Mode::kNone), "none");
}

TEST(NormalizeMxPatternTest, LowerCasesAndDropsOneTrailingDot) {
  EXPECT_EQ(*NormalizeMxPattern("mail.example.com"), "mail.example.com");
  EXPECT_EQ(*NormalizeMxPattern("Mail.Example.COM."), "mail.example.com");
  EXPECT_EQ(*NormalizeMxPattern("*.example.net"), "*.example.net");
  EXPECT_EQ(*NormalizeMxPattern("*.Example.NET."), "*.example.net");
  EXPECT_EQ(*NormalizeMxPattern("*.mx.example.co.uk"), "*.mx.example.co.uk");
  EXPECT_EQ(*NormalizeMxPattern("mx1.xn--bcher-kva.example"),
            "mx1.xn--bcher-kva.example");
  EXPECT_EQ(*NormalizeMxPattern("aspmx.l.google.com"), "aspmx.l.google.com");
  EXPECT_EQ(*NormalizeMxPattern("1mx.example.com"), "1mx.example.com");
  EXPECT_EQ(*NormalizeMxPattern("mx-1.example.com"), "mx-1.example.com");
}

TEST(NormalizeMxPatternTest, WildcardOnlyAsTheWholeLeftmostLabel) {
  for (const char* pattern :
       {"*", "**.example.com", "*example.com", "mail*.example.com",
        "*mail.example.com", "mail.*.example.com", "*.*.example.com",
        "mail.example.*", ".*.example.com", "*-mx.example.com"}) {
    EXPECT_THAT(NormalizeMxPattern(pattern).status().message(),
                HasSubstr("may have a wildcard only as its whole leftmost "
                          "label, as in *.example.net (RFC 8461 §4.1)"))
        << pattern;
  }
}

TEST(NormalizeMxPatternTest, RejectsWhatIsNotAHostName) {
  struct Case {
    const char* pattern;
    const char* why;
  } cases[] = {
      {"", "is empty"},
      {".", "is empty"},
      {"*.", "has no name after '*.'"},
      {"*..", "has no name after '*.'"},
      {"mail.example.com..", "ends in an empty label"},
      {"mail..example.com", "empty label"},
      {".mail.example.com", "empty label"},
      {"*..example.com", "empty label"},
      {"mail_1.example.com", "contains '_'"},
      {"mail.example.com:25", "contains ':'"},
      {" mail.example.com", "contains ' '"},
      {"mail.example.com ", "contains ' '"},
      {"mail/example.com", "contains '/'"},
      {"[192.0.2.1]", "contains '['"},
      {"b\xc3\xbc"
       "cher.example",
       "is not ASCII; write an international name as its A-label"},
      {"-mail.example.com",
       "the label '-mail', which starts or ends with "
       "'-'"},
      {"mail-.example.com", "starts or ends with '-'"},
      {"*.-x.example.com", "starts or ends with '-'"},
      {"192.0.2.1", "is an IP address"},
      {"*.0.2.1", "is an IP address"},
      {"localhost", "is not fully qualified; write the whole name"},
      {"mail.", "is not fully qualified"},
      {"*.com", "must have a whole domain after '*.', such as *.example.net"},
      {"*.example", "must have a whole domain after '*.'"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(NormalizeMxPattern(c.pattern).status().message(),
                HasSubstr(c.why))
        << c.pattern;
  }
}

TEST(NormalizeMxPatternTest, MessagesNameThePattern) {
  EXPECT_EQ(NormalizeMxPattern("mail.*.example.com").status().message(),
            "mx pattern 'mail.*.example.com' may have a wildcard only as its "
            "whole leftmost label, as in *.example.net (RFC 8461 §4.1)");
  EXPECT_EQ(NormalizeMxPattern("mx..example.com").status().message(),
            "mx pattern 'mx..example.com' is not a valid name: domain name "
            "'mx..example.com' has an empty label");
}

// A name of exactly `length` characters made of 50-character labels.
std::string NameOfLength(size_t length) {
  std::string name;
  while (name.size() < length) {
    if (!name.empty()) name += '.';
    name += std::string(std::min<size_t>(50, length - name.size()), 'a');
  }
  return name;
}

TEST(NormalizeMxPatternTest, LengthLimits) {
  EXPECT_TRUE(NormalizeMxPattern(NameOfLength(253)).ok());
  EXPECT_TRUE(NormalizeMxPattern(NameOfLength(253) + ".").ok());
  EXPECT_THAT(NormalizeMxPattern(NameOfLength(254)).status().message(),
              HasSubstr("the limit is 253"));
  EXPECT_TRUE(NormalizeMxPattern(std::string(63, 'm') + ".example").ok());
  EXPECT_THAT(
      NormalizeMxPattern(std::string(64, 'm') + ".example").status().message(),
      HasSubstr("has a label of 64 characters; the limit is 63"));
  // The names "*.<d>" matches are at least two characters longer than <d>.
  EXPECT_TRUE(NormalizeMxPattern("*." + NameOfLength(251)).ok());
  EXPECT_THAT(NormalizeMxPattern("*." + NameOfLength(252)).status().message(),
              HasSubstr("matches only names over 253 characters long"));
}

TEST(NormalizeMxPatternTest, ANormalizedPatternIsItsOwnNormalForm) {
  for (const char* pattern : {"Mail.Example.COM.", "*.EXAMPLE.net"}) {
    std::string once = *NormalizeMxPattern(pattern);
    EXPECT_EQ(*NormalizeMxPattern(once), once);
  }
}

TEST(CheckMaxAgeTest, ZeroToAYear) {
  for (int64_t ok : {int64_t{0}, int64_t{1}, int64_t{86400}, int64_t{604800},
                     int64_t{kMaxMaxAge}}) {
    EXPECT_TRUE(CheckMaxAge(ok).ok()) << ok;
  }
  for (int64_t bad : {int64_t{-1}, int64_t{kMaxMaxAge} + 1,
                      int64_t{std::numeric_limits<uint32_t>::max()},
                      std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max()}) {
    EXPECT_FALSE(CheckMaxAge(bad).ok()) << bad;
  }
  EXPECT_EQ(kMaxMaxAge, 31557600u);
  EXPECT_EQ(CheckMaxAge(31557601).message(),
            "max_age 31557601 must be from 0 to 31557600 seconds (a year; "
            "RFC 8461 §3.2)");
  EXPECT_EQ(CheckMaxAge(-5).message(),
            "max_age -5 must be from 0 to 31557600 seconds (a year; RFC 8461 "
            "§3.2)");
}

TEST(CheckPolicyTest, AcceptsTheRfcExampleAndModeNoneWithoutMx) {
  EXPECT_TRUE(CheckPolicy(RfcExample()).ok());
  EXPECT_TRUE(
      CheckPolicy({.mode = Mode::kNone, .mx = {}, .max_age = 86400}).ok());
  EXPECT_TRUE(
      CheckPolicy(
          {.mode = Mode::kNone, .mx = {"mail.example.com"}, .max_age = 0})
          .ok());
  EXPECT_TRUE(CheckPolicy({.mode = Mode::kTesting,
                           .mx = {"mail.example.com"},
                           .max_age = kMaxMaxAge})
                  .ok());
}

TEST(CheckPolicyTest, EnforceAndTestingNeedAnMx) {
  EXPECT_EQ(CheckPolicy({.mode = Mode::kEnforce, .mx = {}, .max_age = 86400})
                .message(),
            "mode enforce needs at least one mx pattern; only mode none may "
            "have none (RFC 8461 §3.2)");
  EXPECT_THAT(CheckPolicy({.mode = Mode::kTesting, .mx = {}, .max_age = 86400})
                  .message(),
              HasSubstr("mode testing needs at least one mx pattern"));
}

TEST(CheckPolicyTest, PatternsMustBeNormalizedValidAndDistinct) {
  Policy policy = RfcExample();
  policy.mx.push_back("Mail.Example.com.");
  EXPECT_EQ(CheckPolicy(policy).message(),
            "mx pattern 'Mail.Example.com.' is not normalised; write "
            "'mail.example.com'");
  policy = RfcExample();
  policy.mx.push_back("mail.*.example.com");
  EXPECT_THAT(CheckPolicy(policy).message(),
              HasSubstr("may have a wildcard only"));
  policy = RfcExample();
  policy.mx.push_back("*.example.net");
  EXPECT_EQ(CheckPolicy(policy).message(),
            "mx pattern '*.example.net' is listed twice");
}

TEST(CheckPolicyTest, MaxAgeInRange) {
  Policy policy = RfcExample();
  policy.max_age = kMaxMaxAge + 1;
  EXPECT_THAT(CheckPolicy(policy).message(),
              HasSubstr("max_age 31557601 must be from 0 to 31557600"));
}

TEST(PolicyTextTest, TheRfcExampleLineForLine) {
  EXPECT_EQ(PolicyText(RfcExample()),
            "version: STSv1\r\n"
            "mode: enforce\r\n"
            "mx: mail.example.com\r\n"
            "mx: *.example.net\r\n"
            "mx: backupmx.example.com\r\n"
            "max_age: 604800\r\n");
}

TEST(PolicyTextTest, EveryModeAndNoMx) {
  EXPECT_EQ(PolicyText({.mode = Mode::kNone, .mx = {}, .max_age = 0}),
            "version: STSv1\r\nmode: none\r\nmax_age: 0\r\n");
  EXPECT_EQ(PolicyText({.mode = Mode::kTesting,
                        .mx = {"mx.example.com"},
                        .max_age = kMaxMaxAge}),
            "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\n"
            "max_age: 31557600\r\n");
}

TEST(PolicyTextTest, EveryLineEndsInCrlfAndNoLfStandsAlone) {
  std::string text = PolicyText(RfcExample());
  ASSERT_TRUE(text.ends_with("\r\n"));
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      EXPECT_TRUE(i > 0 && text[i - 1] == '\r') << i;
    }
    if (text[i] == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << i;
    }
  }
}

bool IsValidStsId(absl::string_view id) {
  // RFC 8461 §3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT).
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(PolicyIdTest, ThirtyTwoLowerCaseHexDigitsOfTheSha256OfTheText) {
  // printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n
  // mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n'
  //   | sha256sum | cut -c1-32
  EXPECT_EQ(PolicyId(RfcExample()), "b7c7f8ecaf8c62bfd6c88412f7c35d06");
  EXPECT_EQ(PolicyId({.mode = Mode::kNone, .mx = {}, .max_age = 86400}),
            "94815eb6141fb6e5526888bf66f98f76");
}

TEST(PolicyIdTest, IsAValidStsId) {
  std::string id = PolicyId(RfcExample());
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(IsValidStsId(id)) << id;
  for (char c : id)
    EXPECT_TRUE(absl::ascii_isxdigit(c) && !absl::ascii_isupper(c)) << id;
}

TEST(PolicyIdTest, SameForTheSamePolicy) {
  EXPECT_EQ(PolicyId(RfcExample()), PolicyId(RfcExample()));
}

TEST(PolicyIdTest, ChangesWithEveryField) {
  std::set<std::string> ids = {PolicyId(RfcExample())};
  Policy p = RfcExample();
  p.mode = Mode::kTesting;
  ids.insert(PolicyId(p));
  p = RfcExample();
  p.mode = Mode::kNone;
  ids.insert(PolicyId(p));
  p = RfcExample();
  p.max_age = 604801;
  ids.insert(PolicyId(p));
  p = RfcExample();
  p.mx.pop_back();
  ids.insert(PolicyId(p));
  p = RfcExample();
  p.mx.push_back("mx9.example.com");
  ids.insert(PolicyId(p));
  p = RfcExample();
  p.mx[0] = "mail2.example.com";
  ids.insert(PolicyId(p));
  // The file lists patterns in order, so another order is another file.
  p = RfcExample();
  std::swap(p.mx[0], p.mx[1]);
  ids.insert(PolicyId(p));
  EXPECT_EQ(ids.size(), 8u);
}

TEST(PolicyIdTest, FieldBoundariesCannotBeShifted) {
  // Two policies whose fields would run together without line ends.
  Policy a{
      .mode = Mode::kEnforce, .mx = {"a.example", "b.example"}, .max_age = 1};
  Policy b{.mode = Mode::kEnforce, .mx = {"a.exampleb.example"}, .max_age = 1};
  EXPECT_NE(PolicyId(a), PolicyId(b));
}

TEST(RenderStsRecordTest, VersionThenId) {
  EXPECT_EQ(RenderStsRecord("b7c7f8ecaf8c62bfd6c88412f7c35d06"),
            "v=STSv1; id=b7c7f8ecaf8c62bfd6c88412f7c35d06");
  // §3.1: records that do not begin with "v=STSv1;" are discarded.
  EXPECT_TRUE(RenderStsRecord(PolicyId(RfcExample())).starts_with("v=STSv1;"));
}

TEST(RenderStsRecordTest, ParsesAsATxtRecord) {
  std::string record = RenderStsRecord(PolicyId(RfcExample()));
  EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("_mta-sts.example.com.", record)), record);
  // One character-string: the record is far below 255 octets.
  EXPECT_LT(record.size(), 255u);
}

}  // namespace
}  // namespace dnsd::mta_sts
