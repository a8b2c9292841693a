#include "config/uri.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;

std::string Why(const absl::Status& status) { return std::string(status.message()); }

TEST(UriCharactersTest, RecordSeparatorsAreNamedWithTheRecordAndTheEscape) {
  EXPECT_EQ(Why(CheckUriCharacters("https://a.example/x;y", "BIMI")),
            "contains ';', which would split the BIMI record; percent-encode it as %3B");
  EXPECT_EQ(Why(CheckUriCharacters("mailto:a,b@example.com", "TLS-RPT")),
            "contains ',', which would split the TLS-RPT record; percent-encode it as %2C");
}

TEST(UriCharactersTest, ACharacterTheRecordsRfcReservesIsRefusedOnlyThere) {
  EXPECT_TRUE(CheckUriCharacters("mailto:a!b@example.com", "BIMI").ok());
  EXPECT_EQ(Why(CheckUriCharacters("mailto:a!b@example.com", "TLS-RPT", "!", "RFC 8460 §3")),
            "contains '!', which RFC 8460 §3 requires percent-encoded; write %21");
}

TEST(UriCharactersTest, EscapesWhitespaceControlAndNonAscii) {
  EXPECT_TRUE(CheckUriCharacters("https://a.example/%2Cx", "BIMI").ok());
  EXPECT_THAT(Why(CheckUriCharacters("https://a.example/%2", "BIMI")),
              HasSubstr("does not start a %XX escape"));
  EXPECT_THAT(Why(CheckUriCharacters("https://a.example/a b", "BIMI")), HasSubstr("%20"));
  EXPECT_THAT(Why(CheckUriCharacters("https://a.example/\x01", "BIMI")),
              HasSubstr("control character"));
  EXPECT_THAT(Why(CheckUriCharacters("https://ex\xc3\xa4mple.com/", "BIMI")),
              HasSubstr("xn--"));
  EXPECT_THAT(Why(CheckUriCharacters("https://a.example/<x>", "BIMI")),
              HasSubstr("cannot carry unescaped"));
}

TEST(HttpsAuthorityTest, AcceptsAHostNameWithOrWithoutAPort) {
  EXPECT_TRUE(CheckHttpsAuthority("logo.example.com").ok());
  EXPECT_TRUE(CheckHttpsAuthority("logo.example.com:8443").ok());
}

TEST(HttpsAuthorityTest, RefusesCredentialsAddressesAndBadPorts) {
  EXPECT_THAT(Why(CheckHttpsAuthority("user@logo.example.com")), HasSubstr("credentials"));
  EXPECT_THAT(Why(CheckHttpsAuthority("[2001:db8::1]")), HasSubstr("IP address"));
  EXPECT_THAT(Why(CheckHttpsAuthority("192.0.2.1")), HasSubstr("IP address"));
  EXPECT_THAT(Why(CheckHttpsAuthority("logo.example.com:0")), HasSubstr("bad port"));
  EXPECT_THAT(Why(CheckHttpsAuthority("logo.example.com:65536")), HasSubstr("bad port"));
  EXPECT_THAT(Why(CheckHttpsAuthority("logo.example.com:")), HasSubstr("bad port"));
}

TEST(HostNameTest, FollowsRfc1123AndMustBeFullyQualified) {
  EXPECT_THAT(Why(CheckHostName("")), HasSubstr("no host name"));
  EXPECT_THAT(Why(CheckHostName("example.com.")), HasSubstr("ending in '.'"));
  EXPECT_THAT(Why(CheckHostName("ex_ample.com")), HasSubstr("contains '_'"));
  EXPECT_THAT(Why(CheckHostName("-a.example.com")), HasSubstr("starts or ends with '-'"));
  EXPECT_THAT(Why(CheckHostName("localhost")), HasSubstr("not fully qualified"));
  EXPECT_TRUE(CheckHostName("xn--exmple-cua.com").ok());
}

}  // namespace
}  // namespace dnsd::config
