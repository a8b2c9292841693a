#include "policy/bimi/bimi_record.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
// ldns last: its macros break standard headers.
#include "dnsd/testing/ldns_referee.h"

namespace dnsd::bimi {
namespace {

using ::dnsd::testing::TxtOfZoneLineWithLdns;
using ::dnsd::testing::TxtZoneLine;

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kLogo[] = "https://brand.example.com/bimi/logo.svg";
constexpr char kVmc[] = "https://brand.example.com/bimi/vmc.pem";

TEST(CheckLogoUrlTest, EmptyDeclinesToPublish) {
  EXPECT_TRUE(CheckLogoUrl("").ok());
}

TEST(CheckLogoUrlTest, AcceptsHttpsUrlsOfSvgFiles) {
  for (const char* url : {
           kLogo,
           "https://x.example/logo.svg",
           "https://x.example/LOGO.SVG",
           "https://x.example/logo.svgz",
           "https://X.Example.COM/logo.svg",
           "https://x.example:8443/logo.svg",
           "https://x.example:1/logo.svg",
           "https://x.example:65535/logo.svg",
           "https://x.example/logo.svg?v=2&size=large",
           "https://x.example/logo.svg#mark",
           "https://x.example/brand%20logo.svg",
           "https://x.example/a/b/c/logo.svg",
           "https://xn--bcher-kva.example/logo.svg",
           "https://a-b.c-d.example/logo.svg",
           "https://x.example/logo.svg?from=a/b.png",
       }) {
    EXPECT_TRUE(CheckLogoUrl(url).ok()) << url << ": " << CheckLogoUrl(url);
  }
}

struct BadUrl {
  const char* url;
  const char* why;
};

// What l= and a= share: the scheme, the characters, the host, the port.
constexpr BadUrl kBadForBoth[] = {
    {"http://x.example/logo.svg", "must use https://, not http://"},
    {"HTTP://x.example/logo.svg", "must use https://, not http://"},
    {"HTTPS://x.example/logo.svg", "in lower case"},
    {"Https://x.example/logo.svg", "in lower case"},
    {"ftp://x.example/logo.svg", "must start with https://"},
    {"x.example/logo.svg", "must start with https://"},
    {"//x.example/logo.svg", "must start with https://"},
    {"https:/x.example/logo.svg", "must start with https://"},
    {"https://x.example/a,b.svg",
     "contains ',', which would split the BIMI "
     "record; percent-encode it as %2C"},
    {"https://x.example/a;b.svg", "percent-encode it as %3B"},
    {"https://x.example/logo.svg,https://y.example/logo.svg", "%2C"},
    {"https://x.example/a b.svg",
     "contains whitespace (' '); "
     "percent-encode it as %20"},
    {"https://x.example/a\tb.svg", "percent-encode it as %09"},
    {"https://x.example/logo.svg\n", "percent-encode it as %0A"},
    {" https://x.example/logo.svg", "whitespace"},
    {"https://x.example/a\x01.svg", "control character '\\x01'"},
    {"https://x.example/a\x7f.svg", "control character"},
    {"https://x.example/caf\xc3\xa9.svg", "non-ASCII byte"},
    {"https://b\xc3\xbc"
     "cher.example/logo.svg",
     "xn-- A-label"},
    {"https://x.example/a\"b.svg", "percent-encode it as %22"},
    {"https://x.example/a<b>.svg", "percent-encode it as %3C"},
    {"https://x.example/a\\b.svg", "percent-encode it as %5C"},
    {"https://x.example/a|b.svg", "percent-encode it as %7C"},
    {"https://x.example/a{b}.svg", "percent-encode it as %7B"},
    {"https://x.example/100%.svg", "'%' that does not start a %XX escape"},
    {"https://x.example/a%zz.svg", "'%' that does not start"},
    {"https://x.example/logo.svg%2", "'%' that does not start"},
    {"https://", "has no host name"},
    {"https:///logo.svg", "has no host name"},
    {"https://:443/logo.svg", "has no host name"},
    {"https://user@x.example/logo.svg", "must not carry credentials"},
    {"https://user:pw@x.example/logo.svg", "must not carry credentials"},
    {"https://[2001:db8::1]/logo.svg", "IP address"},
    {"https://192.0.2.1/logo.svg", "IP address"},
    {"https://192.0.2.1:443/logo.svg", "IP address"},
    {"https://localhost/logo.svg",
     "'localhost', which is not fully "
     "qualified"},
    {"https://x.example./logo.svg", "ending in '.'; leave the dot out"},
    {"https://x..example/logo.svg", "empty label"},
    {"https://.x.example/logo.svg", "empty label"},
    {"https://x_y.example/logo.svg", "contains '_'"},
    {"https://*.example/logo.svg", "contains '*'"},
    {"https://x!.example/logo.svg", "contains '!'"},
    {"https://-x.example/logo.svg", "starts or ends with '-'"},
    {"https://x-.example/logo.svg", "starts or ends with '-'"},
    {"https://x.example:/logo.svg", "bad port ''"},
    {"https://x.example:0/logo.svg", "bad port '0'"},
    {"https://x.example:65536/logo.svg", "bad port '65536'"},
    {"https://x.example:+443/logo.svg", "bad port '+443'"},
    {"https://x.example:443443/logo.svg", "bad port"},
    {"https://x.example:https/logo.svg", "bad port"},
    {"https://x.example:443:443/logo.svg", "bad port"},
};

TEST(CheckLogoUrlTest, RejectsWhatIsNotAnHttpsUrlOrWouldBreakTheRecord) {
  for (const BadUrl& c : kBadForBoth) {
    EXPECT_THAT(CheckLogoUrl(c.url).message(), HasSubstr(c.why)) << c.url;
  }
}

TEST(CheckLogoUrlTest, RejectsHostLabelsAndNamesOverTheLimits) {
  std::string label63(63, 'a');
  EXPECT_TRUE(
      CheckLogoUrl(absl::StrCat("https://", label63, ".example/l.svg")).ok());
  EXPECT_THAT(CheckLogoUrl(absl::StrCat("https://", label63, "a.example/l.svg"))
                  .message(),
              HasSubstr("has a label of 64 characters; the limit is 63"));
  std::string long_name = absl::StrCat(label63, ".", label63, ".", label63, ".",
                                       std::string(62, 'b'));
  ASSERT_EQ(long_name.size(), 254u);
  EXPECT_THAT(
      CheckLogoUrl(absl::StrCat("https://", long_name, "/l.svg")).message(),
      HasSubstr("the limit is 253"));
}

TEST(CheckLogoUrlTest, ThePathMustNameAnSvgFile) {
  for (const char* url : {
           "https://x.example",
           "https://x.example/",
           "https://x.example?logo.svg",
           "https://x.example#logo.svg",
           "https://x.example/logo.png",
           "https://x.example/logo.svg.png",
           "https://x.example/logo.svg/",
           "https://x.example/logo.svg/download",
           "https://x.example/.svg",
           "https://x.example/logosvg",
           "https://x.example/logo.php?file=logo.svg",
           "https://x.example/logo.php#logo.svg",
           "https://x.example/logo%2Esvg",
       }) {
    EXPECT_THAT(CheckLogoUrl(url).message(), HasSubstr("must name an SVG file"))
        << url;
  }
}

TEST(CheckLogoUrlTest, MessagesNameTheTagAndTheUrl) {
  EXPECT_EQ(CheckLogoUrl("http://x.example/logo.svg").message(),
            "logo URL (l=) 'http://x.example/logo.svg' must use https://, "
            "not http://; BIMI allows no other scheme");
  EXPECT_EQ(CheckLogoUrl("https://x.example/logo.png").message(),
            "logo URL (l=) 'https://x.example/logo.png' must name an SVG "
            "file: end its path in .svg (or .svgz), before any '?' or '#'; "
            "BIMI allows no other format");
  EXPECT_EQ(CheckLogoUrl("https://x.example/a,b.svg").message(),
            "logo URL (l=) 'https://x.example/a,b.svg' contains ',', which "
            "would split the BIMI record; percent-encode it as %2C");
}

TEST(CheckEvidenceUrlTest, EmptyMeansNoEvidence) {
  EXPECT_TRUE(CheckEvidenceUrl("").ok());
}

TEST(CheckEvidenceUrlTest, AcceptsAnyHttpsUrlAtAHostName) {
  for (const char* url : {
           kVmc,
           "https://x.example",
           "https://x.example/",
           "https://vmc.ca.example/certs/brand.pem",
           "https://vmc.ca.example/get?id=123&format=pem",
           "https://x.example:8443/vmc.pem",
           "https://x.example/logo.svg",
       }) {
    EXPECT_TRUE(CheckEvidenceUrl(url).ok())
        << url << ": " << CheckEvidenceUrl(url);
  }
}

TEST(CheckEvidenceUrlTest, SameSchemeCharacterAndHostRulesAsTheLogo) {
  for (const BadUrl& c : kBadForBoth) {
    EXPECT_THAT(CheckEvidenceUrl(c.url).message(), HasSubstr(c.why)) << c.url;
    EXPECT_THAT(std::string(CheckEvidenceUrl(c.url).message()),
                StartsWith("evidence URL (a=) '"))
        << c.url;
  }
  EXPECT_EQ(CheckEvidenceUrl("https://localhost/vmc.pem").message(),
            "evidence URL (a=) 'https://localhost/vmc.pem' has the host name "
            "'localhost', which is not fully qualified; write the whole name, "
            "such as localhost.example.com");
}

TEST(CheckAssertionTest, LogoAloneBothOrNeither) {
  EXPECT_TRUE(CheckAssertion(kLogo, kVmc).ok());
  EXPECT_TRUE(CheckAssertion(kLogo, "").ok());
  EXPECT_TRUE(CheckAssertion("", "").ok());
}

TEST(CheckAssertionTest, EvidenceWithoutALogoIsRefused) {
  EXPECT_EQ(CheckAssertion("", kVmc).message(),
            "evidence URL (a=) 'https://brand.example.com/bimi/vmc.pem' needs "
            "a logo URL (l=) too, since receivers stop at a record without "
            "one; give the logo's URL, or leave both empty to decline BIMI");
}

TEST(CheckAssertionTest, ReportsEachUrlsOwnError) {
  EXPECT_THAT(
      std::string(CheckAssertion("https://x.example/logo.png", kVmc).message()),
      StartsWith("logo URL (l=)"));
  EXPECT_THAT(
      std::string(CheckAssertion(kLogo, "http://x.example/vmc.pem").message()),
      StartsWith("evidence URL (a=)"));
  EXPECT_THAT(
      std::string(CheckAssertion("", "http://x.example/vmc.pem").message()),
      StartsWith("evidence URL (a=)"));
}

TEST(RenderBimiRecordTest, VersionFirstThenLogoThenEvidence) {
  EXPECT_EQ(RenderBimiRecord(kLogo, kVmc),
            "v=BIMI1; l=https://brand.example.com/bimi/logo.svg; "
            "a=https://brand.example.com/bimi/vmc.pem");
}

TEST(RenderBimiRecordTest, NoEvidenceLeavesATagOut) {
  EXPECT_EQ(RenderBimiRecord(kLogo, ""),
            "v=BIMI1; l=https://brand.example.com/bimi/logo.svg");
}

TEST(RenderBimiRecordTest, DeclinationIsWrittenAsTheDraftShowsIt) {
  // draft-brand-indicators-for-message-identification-10 §4.3.1, verbatim.
  EXPECT_EQ(RenderBimiRecord("", ""), "v=BIMI1; l=; a=;");
}

TEST(RenderBimiRecordTest, EmptyLogoIsStillWrittenBecauseLIsRequired) {
  EXPECT_EQ(RenderBimiRecord("", kVmc),
            "v=BIMI1; l=; a=https://brand.example.com/bimi/vmc.pem");
}

TEST(RenderBimiRecordTest, EveryFormParsesAsATxtRecord) {
  for (const auto& [l, a] : {std::pair<const char*, const char*>{kLogo, kVmc},
                             {kLogo, ""},
                             {"", ""},
                             {"", kVmc}}) {
    std::string record = RenderBimiRecord(l, a);
    EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("default._bimi.example.com.", record)),
              record);
  }
}

TEST(RenderBimiRecordTest, LongUrlsSpanSeveralCharacterStrings) {
  std::string logo =
      absl::StrCat("https://x.example/", std::string(300, 'l'), ".svg");
  std::string vmc =
      absl::StrCat("https://x.example/", std::string(200, 'v'), ".pem");
  ASSERT_TRUE(CheckAssertion(logo, vmc).ok());
  std::string record = RenderBimiRecord(logo, vmc);
  EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("default._bimi.example.com.", record)),
            record);
}

}  // namespace
}  // namespace dnsd::bimi
