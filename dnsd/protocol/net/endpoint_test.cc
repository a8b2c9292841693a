#include "dnsd/protocol/net/endpoint.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

using ::testing::HasSubstr;

Endpoint Parse(absl::string_view text) {
  auto ep = ParseEndpoint(text);
  EXPECT_TRUE(ep.ok()) << text << ": " << ep.status();
  return ep.value_or(Endpoint{});
}

TEST(EndpointTest, Ipv4) {
  Endpoint ep = Parse("127.0.0.1:5300");
  EXPECT_FALSE(ep.v6);
  EXPECT_EQ(ep.port, 5300);
  EXPECT_EQ(FormatIpAddress(ep.address), "127.0.0.1");
  EXPECT_EQ(FormatEndpoint(ep), "127.0.0.1:5300");
}

TEST(EndpointTest, Ipv6InBrackets) {
  Endpoint ep = Parse("[::1]:5300");
  EXPECT_TRUE(ep.v6);
  EXPECT_EQ(ep.port, 5300);
  EXPECT_EQ(FormatEndpoint(ep), "[::1]:5300");
}

TEST(EndpointTest, Wildcards) {
  Endpoint any4 = Parse("0.0.0.0:53");
  EXPECT_FALSE(any4.v6);
  EXPECT_EQ(any4.port, 53);
  EXPECT_EQ(FormatEndpoint(any4), "0.0.0.0:53");
  Endpoint any6 = Parse("[::]:53");
  EXPECT_TRUE(any6.v6);
  EXPECT_EQ(FormatEndpoint(any6), "[::]:53");
}

TEST(EndpointTest, MappedAddressInBracketsStaysIpv6) {
  // Written in brackets, it binds an IPv6 socket and prints as written.
  Endpoint ep = Parse("[::ffff:192.0.2.1]:53");
  EXPECT_TRUE(ep.v6);
  EXPECT_EQ(FormatEndpoint(ep), "[::ffff:192.0.2.1]:53");
}

TEST(EndpointTest, PortRange) {
  EXPECT_EQ(Parse("127.0.0.1:0").port, 0);
  EXPECT_EQ(Parse("127.0.0.1:65535").port, 65535);
  EXPECT_FALSE(ParseEndpoint("127.0.0.1:65536").ok());
  EXPECT_FALSE(ParseEndpoint("127.0.0.1:99999999999").ok());
}

TEST(EndpointTest, Rejects) {
  for (absl::string_view bad :
       {"", ":53", "127.0.0.1", "127.0.0.1:", "127.0.0.1:-1", "127.0.0.1:+53", "127.0.0.1: 53",
        "127.0.0.1:53x", "::1:53", "[::1]", "[::1:53", "::1]:53", "[::1]53", "[]:53",
        "[127.0.0.1]:53", "localhost:53", "1.2.3:53"}) {
    auto ep = ParseEndpoint(bad);
    EXPECT_FALSE(ep.ok()) << "'" << bad << "' parsed";
    if (!ep.ok()) {
      EXPECT_THAT(ep.status().message(), HasSubstr("ADDRESS:PORT"));
    }
  }
}

}  // namespace
}  // namespace dnsd
