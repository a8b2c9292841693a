#include "dnsd/protocol/net/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(absl::string_view text) {
  auto ip = ParseIpAddress(text);
  EXPECT_TRUE(ip.ok()) << text << ": " << ip.status();
  return ip.value_or(IpAddress{});
}

IpPrefix Prefix(absl::string_view text) {
  auto prefix = ParseIpPrefix(text);
  EXPECT_TRUE(prefix.ok()) << text << ": " << prefix.status();
  return prefix.value_or(IpPrefix{});
}

TEST(IpAddressTest, Ipv4IsStoredMapped) {
  IpAddress ip = Ip("192.0.2.1");
  EXPECT_TRUE(ip.is_v4());
  const std::array<uint8_t, 16> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(ip.bytes, mapped);
  EXPECT_EQ(ip.v4()[0], 192);
  EXPECT_EQ(ip.v4()[3], 1);
  EXPECT_EQ(FormatIpAddress(ip), "192.0.2.1");
  EXPECT_EQ(FormatIpAddress(ip, /*mapped_as_v6=*/true), "::ffff:192.0.2.1");
}

// The dotted quads are written by hand: they must be inet_ntop's, octet for
// octet, for every width of every octet.
TEST(IpAddressTest, Ipv4TextIsInetNtops) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    uint8_t v4[4];
    for (uint8_t& b : v4) {
      // Each octet one, two or three digits wide, edges included.
      switch (rng() % 4) {
        case 0: b = uint8_t(rng() % 10); break;
        case 1: b = uint8_t(10 + rng() % 90); break;
        case 2: b = uint8_t(100 + rng() % 156); break;
        default: b = (rng() % 2) ? 255 : 0;
      }
    }
    char expected[INET_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET, v4, expected, sizeof(expected)), nullptr);
    IpAddress ip = IpAddress::FromV4(v4);
    ASSERT_EQ(FormatIpAddress(ip), expected);
    IpPrefix host{ip, 128};
    std::string appended = "ip4:";
    AppendIpPrefix(host, appended);
    ASSERT_EQ(appended, absl::StrCat("ip4:", expected, "/32"));
  }
}

// IPv6 is written by hand too (WriteIpAddress, for answers written per
// query): inet_ntop's text, zero runs, embedded IPv4 and all.
TEST(IpAddressTest, Ipv6TextIsInetNtops) {
  std::mt19937 rng(20261205);
  const uint16_t kWords[] = {0, 0, 0, 0xffff, 1, 0x10, 0xabc, 0x100};
  for (int i = 0; i < 100000; ++i) {
    IpAddress ip;
    for (int w = 0; w < 8; ++w) {
      // Mostly zeros and edge words, so that every run layout occurs.
      uint16_t v = rng() % 3 == 0 ? static_cast<uint16_t>(rng()) : kWords[rng() % 8];
      ip.bytes[2 * w] = static_cast<uint8_t>(v >> 8);
      ip.bytes[2 * w + 1] = static_cast<uint8_t>(v);
    }
    if (i % 4 == 0) {  // an IPv4-mapped address
      std::fill(ip.bytes.begin(), ip.bytes.begin() + 10, 0);
      ip.bytes[10] = ip.bytes[11] = 0xff;
    }
    char expected[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, ip.bytes.data(), expected, sizeof(expected)), nullptr);
    ASSERT_EQ(FormatIpAddress(ip, /*mapped_as_v6=*/true), expected);
    if (ip.is_v4()) continue;  // a mapped prefix is written as IPv4 (above)
    char written[kMaxIpPrefixText];
    IpPrefix host{ip, 128};
    ASSERT_EQ(std::string(written, WriteIpPrefix(host, written)), absl::StrCat(expected, "/128"));
  }
}

TEST(IpPrefixTest, EveryLengthIsWritten) {
  for (int len = 0; len <= 32; ++len) {
    IpPrefix p = Prefix(absl::StrCat("0.0.0.0/", len));
    ASSERT_EQ(FormatIpPrefix(p), absl::StrCat("0.0.0.0/", len));
  }
  for (int len = 0; len <= 128; ++len) {
    IpPrefix p = Prefix(absl::StrCat("::/", len));
    ASSERT_EQ(FormatIpPrefix(p), absl::StrCat("::/", len));
  }
}

TEST(IpAddressTest, FromV4MatchesParse) {
  const uint8_t v4[4] = {203, 0, 113, 7};
  EXPECT_EQ(IpAddress::FromV4(v4), Ip("203.0.113.7"));
}

TEST(IpAddressTest, MappedIpv6TextIsTheSameAddressAsIpv4) {
  EXPECT_EQ(Ip("::ffff:192.0.2.1"), Ip("192.0.2.1"));
  EXPECT_TRUE(Ip("::ffff:192.0.2.1").is_v4());
}

TEST(IpAddressTest, Ipv6FormatsPerRfc5952) {
  IpAddress ip = Ip("2001:0DB8:0000:0000:0000:0000:0000:0001");
  EXPECT_FALSE(ip.is_v4());
  EXPECT_EQ(ip.bytes[0], 0x20);
  EXPECT_EQ(ip.bytes[1], 0x01);
  EXPECT_EQ(ip.bytes[15], 0x01);
  EXPECT_EQ(FormatIpAddress(ip), "2001:db8::1");
  EXPECT_EQ(FormatIpAddress(Ip("::")), "::");
  EXPECT_EQ(FormatIpAddress(Ip("::1")), "::1");
  EXPECT_FALSE(Ip("::1").is_v4());
  // The IPv4-compatible (not mapped) form is IPv6.
  EXPECT_FALSE(Ip("::192.0.2.1").is_v4());
}

TEST(IpAddressTest, RejectsNonAddresses) {
  for (absl::string_view bad :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "abc", "1.2.3.4/24",
        "2001:db8::1::2", "2001:db8:::1", "12345::", "[::1]", "0x7f.0.0.1"}) {
    auto ip = ParseIpAddress(bad);
    EXPECT_FALSE(ip.ok()) << "'" << bad << "' parsed";
    if (!ip.ok()) {
      EXPECT_THAT(ip.status().message(), HasSubstr("not an IP address"));
    }
  }
}

TEST(IpAddressTest, LongInputIsRejectedNotOverflowed) {
  // Longer than INET6_ADDRSTRLEN: must not be copied into a fixed buffer.
  std::string long_text(200, '1');
  EXPECT_FALSE(ParseIpAddress(long_text).ok());
  EXPECT_FALSE(ParseIpAddress("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa").ok());
  // Exactly 46 characters (INET6_ADDRSTRLEN): still no room for the NUL.
  EXPECT_FALSE(ParseIpAddress(std::string(46, ':')).ok());
}

TEST(IpAddressTest, EmbeddedNulAndEmptyViewAreRejected) {
  // inet_pton would stop at the NUL and accept the part before it.
  EXPECT_FALSE(ParseIpAddress(std::string("192.0.2.1\0junk", 14)).ok());
  EXPECT_FALSE(ParseIpAddress(std::string("2001:db8::1\0", 12)).ok());
  EXPECT_FALSE(ParseIpAddress(absl::string_view()).ok());
}

TEST(IpPrefixTest, Ipv4PrefixLivesInThe128BitSpace) {
  IpPrefix p = Prefix("203.0.113.0/24");
  EXPECT_TRUE(p.is_v4());
  EXPECT_EQ(p.length, 96 + 24);
  EXPECT_EQ(p.family_length(), 24);
  EXPECT_EQ(p.address, Ip("203.0.113.0"));
  EXPECT_EQ(FormatIpPrefix(p), "203.0.113.0/24");
}

TEST(IpPrefixTest, Ipv6Prefix) {
  IpPrefix p = Prefix("2001:DB8::/32");
  EXPECT_FALSE(p.is_v4());
  EXPECT_EQ(p.length, 32);
  EXPECT_EQ(p.family_length(), 32);
  EXPECT_EQ(FormatIpPrefix(p), "2001:db8::/32");
}

TEST(IpPrefixTest, BareAddressIsAHostPrefix) {
  EXPECT_EQ(Prefix("192.0.2.9").length, 128);
  EXPECT_EQ(FormatIpPrefix(Prefix("192.0.2.9")), "192.0.2.9/32");
  EXPECT_EQ(Prefix("2001:db8::9").length, 128);
  EXPECT_EQ(FormatIpPrefix(Prefix("2001:db8::9")), "2001:db8::9/128");
}

TEST(IpPrefixTest, ZeroLengthPrefixes) {
  IpPrefix v4_all = Prefix("0.0.0.0/0");
  EXPECT_EQ(v4_all.length, 96);
  EXPECT_TRUE(v4_all.is_v4());
  EXPECT_EQ(FormatIpPrefix(v4_all), "0.0.0.0/0");
  EXPECT_TRUE(v4_all.Contains(Ip("198.51.100.1")));
  EXPECT_FALSE(v4_all.Contains(Ip("2001:db8::1")));  // all of IPv4 is not all of IPv6

  IpPrefix v6_all = Prefix("::/0");
  EXPECT_EQ(v6_all.length, 0);
  EXPECT_FALSE(v6_all.is_v4());
  EXPECT_EQ(FormatIpPrefix(v6_all), "::/0");
  EXPECT_TRUE(v6_all.Contains(Ip("2001:db8::1")));
  EXPECT_TRUE(v6_all.Contains(Ip("198.51.100.1")));
}

TEST(IpPrefixTest, HostBitsSetIsAnErrorNamingTheNetwork) {
  auto p = ParseIpPrefix("203.0.113.7/24");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("host bits"));
  EXPECT_THAT(p.status().message(), HasSubstr("'203.0.113.0/24'"));

  auto v6 = ParseIpPrefix("2001:db8::1/32");
  ASSERT_FALSE(v6.ok());
  EXPECT_THAT(v6.status().message(), HasSubstr("'2001:db8::/32'"));

  // A bit inside the last, partial octet.
  auto partial = ParseIpPrefix("10.0.12.0/21");
  ASSERT_FALSE(partial.ok());
  EXPECT_THAT(partial.status().message(), HasSubstr("'10.0.8.0/21'"));
}

TEST(IpPrefixTest, HostBitsZeroIsWhatParsingMakes) {
  for (absl::string_view text : {"203.0.113.0/24", "10.0.8.0/21", "2001:db8::/32", "0.0.0.0/0",
                                 "192.0.2.1", "::/0", "2001:db8::1"}) {
    absl::StatusOr<IpPrefix> p = ParseIpPrefix(text);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_TRUE(p->HostBitsZero()) << text;
    // One bit past the length set, where there is one.
    if (p->length == 128) continue;
    IpPrefix set = *p;
    set.address.bytes[p->length / 8] |= uint8_t(0x80 >> (p->length % 8));
    EXPECT_FALSE(set.HostBitsZero()) << text;
  }
}

TEST(IpPrefixTest, BadLengths) {
  for (absl::string_view bad : {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/24x",
                                "10.0.0.0/+8", "10.0.0.0/ 8", "2001:db8::/129", "10.0.0.0/8/8",
                                "/8", "not-an-ip/8"}) {
    EXPECT_FALSE(ParseIpPrefix(bad).ok()) << "'" << bad << "' parsed";
  }
  EXPECT_THAT(ParseIpPrefix("10.0.0.0/33").status().message(), HasSubstr("0 to 32"));
  EXPECT_THAT(ParseIpPrefix("::/129").status().message(), HasSubstr("0 to 128"));
}

TEST(IpPrefixTest, ContainsAtOctetAndBitBoundaries) {
  IpPrefix p24 = Prefix("198.51.100.0/24");
  EXPECT_TRUE(p24.Contains(Ip("198.51.100.0")));
  EXPECT_TRUE(p24.Contains(Ip("198.51.100.255")));
  EXPECT_FALSE(p24.Contains(Ip("198.51.101.0")));
  EXPECT_FALSE(p24.Contains(Ip("198.51.99.255")));
  // An IPv4-mapped client matches IPv4 netblocks (policy/spf/README.md).
  EXPECT_TRUE(p24.Contains(Ip("::ffff:198.51.100.17")));
  EXPECT_FALSE(p24.Contains(Ip("2001:db8::1")));

  IpPrefix p21 = Prefix("10.0.8.0/21");
  EXPECT_TRUE(p21.Contains(Ip("10.0.8.0")));
  EXPECT_TRUE(p21.Contains(Ip("10.0.15.255")));
  EXPECT_FALSE(p21.Contains(Ip("10.0.16.0")));
  EXPECT_FALSE(p21.Contains(Ip("10.0.7.255")));

  IpPrefix p31 = Prefix("192.0.2.4/31");
  EXPECT_TRUE(p31.Contains(Ip("192.0.2.5")));
  EXPECT_FALSE(p31.Contains(Ip("192.0.2.6")));

  IpPrefix host = Prefix("192.0.2.4");
  EXPECT_TRUE(host.Contains(Ip("192.0.2.4")));
  EXPECT_FALSE(host.Contains(Ip("192.0.2.5")));

  IpPrefix v6 = Prefix("2001:db8:abc0::/44");
  EXPECT_TRUE(v6.Contains(Ip("2001:db8:abcf:ffff::1")));
  EXPECT_FALSE(v6.Contains(Ip("2001:db8:abd0::")));
}

TEST(IpPrefixTest, MappedTextPrefixIsInTheSameSpace) {
  // Written as IPv6, the length counts all 128 bits: /120 is IPv4's /24.
  IpPrefix p = Prefix("::ffff:192.0.2.0/120");
  EXPECT_EQ(p, Prefix("192.0.2.0/24"));
  EXPECT_TRUE(p.Contains(Ip("192.0.2.200")));
}

TEST(IpPrefixTest, FormatParseRoundTrip) {
  for (absl::string_view text : {"0.0.0.0/0", "10.0.0.0/8", "192.0.2.128/25", "192.0.2.1/32",
                                 "::/0", "2001:db8::/32", "fe80::/10", "2001:db8::1/128"}) {
    EXPECT_EQ(FormatIpPrefix(Prefix(text)), text);
  }
}

}  // namespace
}  // namespace dnsd
