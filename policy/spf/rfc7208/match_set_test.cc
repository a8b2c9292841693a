#include "policy/spf/rfc7208/match_set.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dnsd::spf {
namespace {

IpPrefix P(const std::string& text) {
  auto p = ParseIpPrefix(text);
  EXPECT_TRUE(p.ok()) << text;
  return *p;
}

std::vector<std::string> Texts(const FirstMatchSet& set) {
  std::vector<std::string> out;
  for (const IpPrefix& p : set.PassPrefixes()) out.push_back(FormatIpPrefix(p));
  return out;
}

TEST(MaskedPrefix, ClearsHostBits) {
  auto ip = ParseIpAddress("192.0.2.77");
  ASSERT_TRUE(ip.ok());
  EXPECT_EQ(FormatIpPrefix(MaskedPrefix(*ip, 96 + 24)), "192.0.2.0/24");
  EXPECT_EQ(FormatIpPrefix(MaskedPrefix(*ip, 96 + 32)), "192.0.2.77/32");
  auto v6 = ParseIpAddress("2001:db8:ffff::1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(FormatIpPrefix(MaskedPrefix(*v6, 33)), "2001:db8:8000::/33");
  EXPECT_EQ(FormatIpPrefix(MaskedPrefix(*v6, 0)), "::/0");
}

TEST(FirstMatchSet, EmptyPassesNothing) {
  FirstMatchSet set;
  EXPECT_TRUE(set.PassPrefixes().empty());
}

TEST(FirstMatchSet, DisjointPassesAreKeptSorted) {
  FirstMatchSet set;
  set.Add(P("198.51.100.0/24"), true);
  set.Add(P("192.0.2.0/24"), true);
  set.Add(P("2001:db8::/32"), true);
  EXPECT_EQ(Texts(set),
            (std::vector<std::string>{"192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32"}));
}

TEST(FirstMatchSet, EarlierNonPassHidesPartOfALaterPass) {
  FirstMatchSet set;
  set.Add(P("192.0.2.1"), false);  // -ip4:192.0.2.1
  set.Add(P("192.0.2.0/24"), true);
  EXPECT_EQ(Texts(set), (std::vector<std::string>{
                            "192.0.2.0/32", "192.0.2.2/31", "192.0.2.4/30", "192.0.2.8/29",
                            "192.0.2.16/28", "192.0.2.32/27", "192.0.2.64/26",
                            "192.0.2.128/25"}));
}

TEST(FirstMatchSet, LaterPrefixesInsideAnEarlierOneChangeNothing) {
  FirstMatchSet set;
  set.Add(P("192.0.2.0/24"), true);
  set.Add(P("192.0.2.128/25"), false);  // unreachable: the /24 matched first
  set.Add(P("10.0.0.0/8"), false);
  set.Add(P("10.1.0.0/16"), true);      // unreachable too
  EXPECT_EQ(Texts(set), std::vector<std::string>{"192.0.2.0/24"});
}

TEST(FirstMatchSet, HalvesMergeIntoTheirPrefix) {
  FirstMatchSet set;
  set.Add(P("192.0.2.0/25"), true);
  set.Add(P("192.0.2.0/24"), true);
  EXPECT_EQ(Texts(set), std::vector<std::string>{"192.0.2.0/24"});
  FirstMatchSet two;
  two.Add(P("192.0.2.0/25"), true);
  two.Add(P("192.0.2.128/25"), true);
  EXPECT_EQ(Texts(two), std::vector<std::string>{"192.0.2.0/24"});
}

TEST(FirstMatchSet, WholeSpace) {
  FirstMatchSet set;
  set.Add(P("::/0"), true);
  EXPECT_EQ(Texts(set), std::vector<std::string>{"::/0"});
  FirstMatchSet hole;
  hole.Add(P("8000::/1"), false);
  hole.Add(P("::/0"), true);
  EXPECT_EQ(Texts(hole), std::vector<std::string>{"::/1"});
}

}  // namespace
}  // namespace dnsd::spf
