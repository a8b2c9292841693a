// Refreshed sender ranges as an input to compiling: they replace the seed
// ranges, in the macro answers and in <domain>._nspf, but only for the
// include they were resolved from.
#include "config/refreshed_ranges.h"

#include <string>

#include "config/compile.h"
#include "policy/spf/nspf.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;

IpPrefix P(const char* text) { return *ParseIpPrefix(text); }
IpAddress Ip(const char* text) { return *ParseIpAddress(text); }

ConfigSet Config() {
  ConfigSet c;
  ProviderSettings& p = c.server.provider;
  p.nameservers = {"ns1.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = "_spf.provider.test";
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  Sender s;
  s.id = "vendor";
  s.name = "Vendor";
  s.include = "spf.vendor.test";
  s.ranges.prefixes = {P("192.0.2.0/24")};
  c.catalog.senders = {s};
  DomainConfig d;
  d.domain = "example.com";
  d.file = "domains/example.com.yaml";
  d.mode = Mode::kEnforce;
  d.dmarc.p = "none";
  d.spf.senders = {"vendor"};
  c.domains = {d};
  return c;
}

RefreshedRanges Refreshed(const char* include) {
  RefreshedRanges r;
  r.senders["vendor"] = {include, {P("203.0.113.0/24"), P("2001:db8::/32")}};
  return r;
}

TEST(RefreshedRanges, ReplaceTheSeedOnlyForTheSameInclude) {
  ConfigSet c = Config();
  const Sender& s = c.catalog.senders[0];
  EXPECT_THAT(RangesInUse(s, nullptr), ElementsAre(P("192.0.2.0/24")));
  RefreshedRanges same = Refreshed("spf.vendor.test");
  EXPECT_THAT(RangesInUse(s, &same), ElementsAre(P("203.0.113.0/24"), P("2001:db8::/32")));
  RefreshedRanges old = Refreshed("old.vendor.test");
  EXPECT_THAT(RangesInUse(s, &old), ElementsAre(P("192.0.2.0/24")));
  RefreshedRanges other;
  other.senders["someone-else"] = {"spf.vendor.test", {P("198.51.100.0/24")}};
  EXPECT_THAT(RangesInUse(s, &other), ElementsAre(P("192.0.2.0/24")));
}

TEST(RefreshedRanges, ReachTheNspfRecord) {
  ConfigSet c = Config();
  RefreshedRanges same = Refreshed("spf.vendor.test");
  auto seed = FlattenedSpf(c.domains[0], c.catalog, "_spf.provider.test");
  ASSERT_TRUE(seed.ok());
  EXPECT_THAT(*seed, ElementsAre("v=spf1 ip4:192.0.2.0/24 ~all"));
  auto refreshed = FlattenedSpf(c.domains[0], c.catalog, "_spf.provider.test", &same);
  ASSERT_TRUE(refreshed.ok());
  EXPECT_THAT(*refreshed, ElementsAre("v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 ~all"));
}

TEST(RefreshedRanges, ReachTheCompiledSenderRanges) {
  ConfigSet c = Config();
  auto seed = CompileSnapshot(c, 1);
  ASSERT_TRUE(seed.ok()) << seed.status();
  EXPECT_TRUE(seed->snapshot->spf.sender_ranges.Contains(Ip("192.0.2.9"), 0));
  EXPECT_FALSE(seed->snapshot->spf.sender_ranges.Contains(Ip("203.0.113.9"), 0));

  RefreshedRanges same = Refreshed("spf.vendor.test");
  auto refreshed = CompileSnapshot(c, 2, &same);
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->snapshot->spf.sender_ranges.Contains(Ip("192.0.2.9"), 0));
  EXPECT_TRUE(refreshed->snapshot->spf.sender_ranges.Contains(Ip("203.0.113.9"), 0));
  EXPECT_TRUE(refreshed->snapshot->spf.sender_ranges.Contains(Ip("2001:db8::1"), 0));
  // New ranges are new content: the SPF zone's serial moves.
  EXPECT_NE(seed->snapshot->spf_zone->serial, refreshed->snapshot->spf_zone->serial);
}

}  // namespace
}  // namespace dnsd::config
