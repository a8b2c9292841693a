#include "policy/tls_rpt/tls_rpt_record.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
// ldns last: its macros break standard headers.
#include "dnsd/testing/ldns_referee.h"

namespace dnsd::tls_rpt {
namespace {

using ::dnsd::testing::TxtOfZoneLineWithLdns;
using ::dnsd::testing::TxtZoneLine;

using ::testing::HasSubstr;

TEST(CheckReportUriTest, AcceptsMailtoAddresses) {
  for (const char* uri : {
           "mailto:tlsrpt@example.com",
           "mailto:tls-reports+example.com@reports.provider.test",
           "MAILTO:tlsrpt@example.com",
           "Mailto:a.b.c@Example.COM",
           "mailto:o'neil%20x@example.com",
           "mailto:_tls@example.com",
           "mailto:a@xn--bcher-kva.example",
       }) {
    EXPECT_TRUE(CheckReportUri(uri).ok()) << uri << ": " << CheckReportUri(uri);
  }
}

TEST(CheckReportUriTest, AcceptsHttpsUrls) {
  for (const char* uri : {
           "https://reporting.example.com/v1/tlsrpt",
           "https://reporting.example.com",
           "https://reporting.example.com/",
           "HTTPS://reporting.example.com/tlsrpt",
           "https://reporting.example.com:8443/tlsrpt",
           "https://reporting.example.com/tlsrpt?customer=42&kind=tls",
           "https://reporting.example.com/a%2Cb",
           "https://xn--bcher-kva.example/r",
       }) {
    EXPECT_TRUE(CheckReportUri(uri).ok()) << uri << ": " << CheckReportUri(uri);
  }
}

TEST(CheckReportUriTest, RejectsWhatWouldBreakTheRecord) {
  struct Case {
    const char* uri;
    const char* why;
  } cases[] = {
      {"mailto:a@x.example,mailto:b@y.example",
       "contains ',', which would split the TLS-RPT record; percent-encode "
       "it as %2C"},
      {"mailto:a@x.example;", "percent-encode it as %3B"},
      {"https://r.example/a;b", "percent-encode it as %3B"},
      {"mailto:a@x.example!10m",
       "RFC 8460 §3 requires percent-encoded; "
       "write %21"},
      {"https://r.example/report!", "write %21"},
      {"mailto:a b@x.example",
       "contains whitespace (' '); percent-encode it "
       "as %20"},
      {" mailto:a@x.example", "whitespace"},
      {"mailto:a@x.example\n", "percent-encode it as %0A"},
      {"https://r.example/\tr", "percent-encode it as %09"},
      {"mailto:a\x01@x.example", "control character '\\x01'"},
      {"https://r.example/\x7f", "control character"},
      {"mailto:caf\xc3\xa9@x.example", "non-ASCII byte"},
      {"https://r.example/\xe2\x82\xac", "(this byte is %E2)"},
      {"https://r.example/a\"b", "percent-encode it as %22"},
      {"https://r.example/a<b>", "percent-encode it as %3C"},
      {"https://r.example/a\\b", "percent-encode it as %5C"},
      {"mailto:a|b@x.example", "percent-encode it as %7C"},
      {"https://r.example/100%", "'%' that does not start a %XX escape"},
      {"https://r.example/%g0", "'%' that does not start"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckReportUri(c.uri).message(), HasSubstr(c.why)) << c.uri;
  }
}

TEST(CheckReportUriTest, RejectsOtherSchemes) {
  struct Case {
    const char* uri;
    const char* why;
  } cases[] = {
      {"", "is empty"},
      {"tlsrpt@example.com", "must start with mailto: or https:"},
      {"ftp://r.example/", "must start with mailto: or https:"},
      {"mail:tlsrpt@example.com", "must start with mailto: or https:"},
      {"mailto", "must start with mailto: or https:"},
      {"http://r.example/tlsrpt", "must use https:, not http:"},
      {"HTTP://r.example/tlsrpt", "must use https:, not http:"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckReportUri(c.uri).message(), HasSubstr(c.why)) << c.uri;
  }
}

TEST(CheckReportUriTest, RejectsImplausibleAddresses) {
  struct Case {
    const char* uri;
    const char* why;
  } cases[] = {
      {"mailto:", "has no '@'"},
      {"mailto:tlsrpt.example.com", "has no '@'"},
      {"mailto:@example.com", "bad mailbox name"},
      {"mailto:.a@example.com", "bad mailbox name"},
      {"mailto:a.@example.com", "bad mailbox name"},
      {"mailto:a..b@example.com", "bad mailbox name"},
      {"mailto:a@b@example.com", "has '@' in its mailbox name"},
      {"mailto:(a)@example.com", "has '(' in its mailbox name"},
      {"mailto:a?subject=tls@example.com", "leave header fields out"},
      {"mailto:a@example.com?subject=tls", "leave header fields out"},
      {"mailto:a@", "domain name is empty"},
      {"mailto:a@example..com", "empty label"},
      {"mailto:a@.example.com", "empty label"},
      {"mailto:a@example.com.", "ending in '.'; leave the dot out"},
      {"mailto:a@exa*mple.com", "contains '*'"},
      {"mailto:a@[192.0.2.1]", "contains '['"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckReportUri(c.uri).message(), HasSubstr(c.why)) << c.uri;
  }
}

TEST(CheckReportUriTest, MailboxNamesUpTo64Characters) {
  std::string local64(64, 'a');
  EXPECT_TRUE(
      CheckReportUri(absl::StrCat("mailto:", local64, "@x.example")).ok());
  EXPECT_THAT(
      CheckReportUri(absl::StrCat("mailto:", local64, "a@x.example")).message(),
      HasSubstr("has a mailbox name of 65 characters; the limit is 64"));
}

TEST(CheckReportUriTest, HttpsNeedsAFullyQualifiedHostName) {
  struct Case {
    const char* uri;
    const char* why;
  } cases[] = {
      {"https:", "must be https:// followed by a host name"},
      {"https:r.example/tlsrpt", "must be https:// followed by a host name"},
      {"https:/r.example/tlsrpt", "must be https:// followed by a host name"},
      {"https://", "has no host name"},
      {"https:///tlsrpt", "has no host name"},
      {"https://?x=1", "has no host name"},
      {"https://user@r.example/", "must not carry credentials"},
      {"https://[2001:db8::1]/tlsrpt", "IP address"},
      {"https://192.0.2.1/tlsrpt", "IP address"},
      {"https://localhost/tlsrpt",
       "'localhost', which is not fully "
       "qualified"},
      {"https://r.example./tlsrpt", "ending in '.'; leave the dot out"},
      {"https://r..example/tlsrpt", "empty label"},
      {"https://r_x.example/tlsrpt", "contains '_'"},
      {"https://*.example/tlsrpt", "contains '*'"},
      {"https://-r.example/tlsrpt", "starts or ends with '-'"},
      {"https://r-.example/tlsrpt", "starts or ends with '-'"},
      {"https://r.example:/tlsrpt", "bad port ''"},
      {"https://r.example:0/tlsrpt", "bad port '0'"},
      {"https://r.example:65536/tlsrpt", "bad port '65536'"},
      {"https://r.example:+443/tlsrpt", "bad port '+443'"},
      {"https://r.example:x/tlsrpt", "bad port 'x'"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CheckReportUri(c.uri).message(), HasSubstr(c.why)) << c.uri;
  }
  std::string label64(64, 'h');
  EXPECT_THAT(
      CheckReportUri(absl::StrCat("https://", label64, ".example/")).message(),
      HasSubstr("the limit is 63"));
}

TEST(CheckReportUriTest, MessagesNameTheUriAndTheFix) {
  EXPECT_EQ(CheckReportUri("mailto:a@x.example,mailto:b@x.example").message(),
            "TLS report URI 'mailto:a@x.example,mailto:b@x.example' contains "
            "',', which would split the TLS-RPT record; percent-encode it as "
            "%2C");
  EXPECT_EQ(CheckReportUri("mailto:tlsrpt").message(),
            "TLS report URI 'mailto:tlsrpt' has no '@'; write "
            "mailto:name@example.com");
  EXPECT_EQ(CheckReportUri("http://r.example/").message(),
            "TLS report URI 'http://r.example/' must use https:, not http:");
}

TEST(CheckRuaTest, AtLeastOneValidUriNoneTwice) {
  EXPECT_TRUE(CheckRua(std::vector<std::string>{"mailto:a@x.example"}).ok());
  EXPECT_TRUE(CheckRua(std::vector<std::string>{"mailto:a@x.example",
                                                "https://r.example/tlsrpt"})
                  .ok());
  EXPECT_EQ(CheckRua({}).message(),
            "a TLS-RPT record needs at least one report URI (rua)");
  EXPECT_EQ(CheckRua(std::vector<std::string>{"mailto:a@x.example",
                                              "https://r.example/",
                                              "mailto:a@x.example"})
                .message(),
            "TLS report URI 'mailto:a@x.example' is listed twice");
  EXPECT_THAT(CheckRua(std::vector<std::string>{"mailto:a@x.example",
                                                "http://r.example/"})
                  .message(),
              HasSubstr("must use https:"));
}

TEST(RenderTlsRptRecordTest, OneUri) {
  std::vector<std::string> rua = {"mailto:tlsrpt@example.com"};
  EXPECT_EQ(RenderTlsRptRecord(rua),
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
}

TEST(RenderTlsRptRecordTest, SeveralUrisCommaSeparatedInOrder) {
  std::vector<std::string> rua = {"mailto:tlsrpt@example.com",
                                  "https://reporting.example.com/v1/tlsrpt",
                                  "mailto:backup@provider.test"};
  EXPECT_EQ(RenderTlsRptRecord(rua),
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,"
            "https://reporting.example.com/v1/tlsrpt,"
            "mailto:backup@provider.test");
}

TEST(RenderTlsRptRecordTest, BeginsAsRfc8460Section3Requires) {
  // Records that do not begin with "v=TLSRPTv1;" are discarded (§3).
  std::vector<std::string> rua = {"https://r.example/"};
  EXPECT_TRUE(RenderTlsRptRecord(rua).starts_with("v=TLSRPTv1;"));
}

TEST(RenderTlsRptRecordTest, ParsesAsATxtRecord) {
  std::vector<std::string> rua = {"mailto:tlsrpt@example.com",
                                  "https://reporting.example.com/v1/tlsrpt"};
  ASSERT_TRUE(CheckRua(rua).ok());
  std::string record = RenderTlsRptRecord(rua);
  EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("_smtp._tls.example.com.", record)), record);
}

TEST(RenderTlsRptRecordTest, LongListsSpanSeveralCharacterStrings) {
  std::vector<std::string> rua;
  for (int i = 0; i < 12; ++i) {
    rua.push_back(absl::StrCat("mailto:tls-reports-", i,
                               "@reports.provider.example.com"));
  }
  ASSERT_TRUE(CheckRua(rua).ok());
  std::string record = RenderTlsRptRecord(rua);
  ASSERT_GT(record.size(), 255u);
  EXPECT_EQ(TxtOfZoneLineWithLdns(TxtZoneLine("_smtp._tls.example.com.", record)), record);
}

}  // namespace
}  // namespace dnsd::tls_rpt
