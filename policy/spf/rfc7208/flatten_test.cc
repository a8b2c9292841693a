#include "policy/spf/rfc7208/flatten.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/spf/rfc7208/check_host.h"
#include "policy/spf/rfc7208/testing/fake_dns.h"

namespace dnsd::spf {
namespace {

// Vendor zones in memory, with TTLs. Unlisted names are NXDOMAIN, listed
// names without the type asked are NODATA (with `negative_ttl`), names in
// `down` time out.
class ZoneDns : public Dns {
 public:
  void Txt(const std::string& name, const std::string& text, uint32_t ttl = 300) {
    Add(name, "TXT", ttl).txt.push_back(text);
  }
  void Ip(const std::string& name, const std::string& ip, uint32_t ttl = 300) {
    auto a = ParseIpAddress(ip);
    ASSERT_TRUE(a.ok()) << ip;
    Add(name, a->is_v4() ? "A" : "AAAA", ttl).addresses.push_back(*a);
  }
  void Mx(const std::string& name, uint16_t pref, const std::string& exchange) {
    Add(name, "MX", 300).mx.push_back({pref, exchange});
  }
  void Down(const std::string& name) { down_.insert(name); }

  DnsAnswer Txt(absl::string_view n) override { return Get(n, "TXT"); }
  DnsAnswer A(absl::string_view n) override { return Get(n, "A"); }
  DnsAnswer Aaaa(absl::string_view n) override { return Get(n, "AAAA"); }
  DnsAnswer Mx(absl::string_view n) override { return Get(n, "MX"); }
  DnsAnswer Ptr(absl::string_view n) override { return Get(n, "PTR"); }

  std::vector<std::string> queries;
  uint32_t negative_ttl = 60;

 private:
  DnsAnswer& Add(const std::string& name, const std::string& type, uint32_t ttl) {
    DnsAnswer& a = zone_[{name, type}];
    a.outcome = DnsOutcome::kOk;
    a.ttl = a.txt.empty() && a.addresses.empty() && a.mx.empty() ? ttl : std::min(a.ttl, ttl);
    names_.insert(name);
    return a;
  }
  DnsAnswer Get(absl::string_view n, const std::string& type) {
    std::string name = absl::AsciiStrToLower(n);
    queries.push_back(absl::StrCat(type, " ", name));
    if (down_.count(name)) return DnsAnswer{};
    auto it = zone_.find({name, type});
    if (it != zone_.end()) return it->second;
    DnsAnswer a;
    a.outcome = names_.count(name) ? DnsOutcome::kNoData : DnsOutcome::kNxDomain;
    a.ttl = negative_ttl;
    return a;
  }
  std::map<std::pair<std::string, std::string>, DnsAnswer> zone_;
  std::set<std::string> names_;
  std::set<std::string> down_;
};

std::vector<std::string> Texts(const FlattenResult& r) {
  std::vector<std::string> out;
  for (const IpPrefix& p : r.prefixes) out.push_back(FormatIpPrefix(p));
  return out;
}

using Strings = std::vector<std::string>;

TEST(Flatten, Ip4AndIp6AsWrittenHostBitsCleared) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 ip4:192.0.2.77/24 ip6:2001:db8::/32 ip4:198.51.100.1 -all",
          600);
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), (Strings{"192.0.2.0/24", "198.51.100.1/32", "2001:db8::/32"}));
  EXPECT_EQ(r.min_ttl, 600u);
  EXPECT_EQ(r.lookups, 1);
}

TEST(Flatten, FollowsIncludesAndRedirectWithTheSmallestTtl) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 include:_a.vendor.test include:_b.vendor.test ~all", 3600);
  dns.Txt("_a.vendor.test", "v=spf1 ip4:192.0.2.0/25 -all", 900);
  dns.Txt("_b.vendor.test", "v=spf1 ip6:2001:db8:b::/48 redirect=_c.vendor.test", 1800);
  dns.Txt("_c.vendor.test", "v=spf1 ip4:203.0.113.0/24 -all", 120);
  FlattenResult r = Flatten(dns, "SPF.Vendor.Test.");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), (Strings{"192.0.2.0/25", "203.0.113.0/24", "2001:db8:b::/48"}));
  EXPECT_EQ(r.min_ttl, 120u);
  EXPECT_EQ(r.lookups, 4);  // the include naming the vendor, 2 includes, 1 redirect
}

TEST(Flatten, AAndMxWithDualCidrLengths) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 a:out.vendor.test/28//64 mx/24 -all");
  dns.Ip("out.vendor.test", "192.0.2.77", 200);
  dns.Ip("out.vendor.test", "2001:db8:1:2:3::1");
  dns.Mx("spf.vendor.test", 10, "mx1.vendor.test");
  dns.Mx("spf.vendor.test", 20, "mx2.vendor.test");
  dns.Ip("mx1.vendor.test", "198.51.100.9");
  dns.Ip("mx1.vendor.test", "2001:db8:9::9");
  dns.Ip("mx2.vendor.test", "203.0.113.200");
  dns.Ip("mx2.vendor.test", "2001:db8:a::a");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), (Strings{"192.0.2.64/28", "198.51.100.0/24", "203.0.113.0/24",
                               "2001:db8:1:2::/64", "2001:db8:9::9/128", "2001:db8:a::a/128"}));
  EXPECT_EQ(r.min_ttl, 200u);
  EXPECT_EQ(r.lookups, 3);
}

TEST(Flatten, FirstMatchWinsAcrossQualifiersAndIncludes) {
  ZoneDns dns;
  // -include: the inner pass set fails the client here, so a later ip4
  // cannot pass it.
  dns.Txt("spf.vendor.test", "v=spf1 -include:_deny.vendor.test ?ip4:10.2.0.0/16 ip4:10.0.0.0/14");
  dns.Txt("_deny.vendor.test", "v=spf1 ip4:10.1.0.0/16 -all");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), (Strings{"10.0.0.0/16", "10.3.0.0/16"}));
}

TEST(Flatten, NothingAfterAllAndNoRedirectWithAll) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test",
          "v=spf1 ip4:192.0.2.1 ~all ip4:198.51.100.0/24 exists:%{i}.x.test "
          "redirect=gone.vendor.test");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), Strings{"192.0.2.1/32"});
  EXPECT_EQ(dns.queries, Strings{"TXT spf.vendor.test"});
}

TEST(Flatten, RedirectOnlyWhereNothingMatched) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 -ip4:192.0.2.0/25 redirect=_r.vendor.test");
  dns.Txt("_r.vendor.test", "v=spf1 ip4:192.0.2.0/24 -all");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), Strings{"192.0.2.128/25"});
}

TEST(Flatten, DomainMacroIsExpandedOthersAreNotFlattenable) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 include:_net.%{d} -all");
  dns.Txt("_net.spf.vendor.test", "v=spf1 ip4:192.0.2.0/24 -all");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(Texts(r), Strings{"192.0.2.0/24"});

  ZoneDns per_ip;
  per_ip.Txt("spf.vendor.test", "v=spf1 ip4:192.0.2.0/24 include:%{ir}.%{v}._spf.vendor.test");
  r = Flatten(per_ip, "spf.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kUnimplemented) << r.status;
  EXPECT_NE(r.status.message().find("%{ir}"), std::string::npos) << r.status;
  EXPECT_TRUE(r.prefixes.empty());
}

TEST(Flatten, ExistsPtrAndPlusAllAreNotFlattenable) {
  for (const char* record : {"v=spf1 exists:%{i}._spf.vendor.test -all",
                             "v=spf1 exists:always.vendor.test -all", "v=spf1 ptr -all",
                             "v=spf1 ip4:192.0.2.0/24 +all", "v=spf1 all"}) {
    ZoneDns dns;
    dns.Txt("spf.vendor.test", record);
    FlattenResult r = Flatten(dns, "spf.vendor.test");
    EXPECT_EQ(r.status.code(), absl::StatusCode::kUnimplemented) << record << ": " << r.status;
  }
}

TEST(Flatten, IncludeLoopIsReported) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 include:_a.vendor.test -all");
  dns.Txt("_a.vendor.test", "v=spf1 ip4:192.0.2.0/24 include:spf.vendor.test -all");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kFailedPrecondition) << r.status;
  EXPECT_NE(r.status.message().find("spf.vendor.test -> _a.vendor.test -> spf.vendor.test"),
            std::string::npos)
      << r.status;

  ZoneDns self;
  self.Txt("spf.vendor.test", "v=spf1 redirect=spf.vendor.test");
  EXPECT_EQ(Flatten(self, "spf.vendor.test").status.code(),
            absl::StatusCode::kFailedPrecondition);
}

// A chain of includes: the vendor's name plus `n` more names.
ZoneDns Chain(int n) {
  ZoneDns dns;
  for (int i = 0; i < n; ++i) {
    dns.Txt(absl::StrCat("l", i, ".vendor.test"),
            absl::StrCat("v=spf1 ip4:10.0.", i, ".0/24 include:l", i + 1, ".vendor.test -all"));
  }
  dns.Txt(absl::StrCat("l", n, ".vendor.test"), "v=spf1 ip4:192.0.2.0/24 -all");
  return dns;
}

TEST(Flatten, TenDnsQueryingTermsIncludingTheIncludeItself) {
  ZoneDns nine = Chain(9);  // the include + 9 = 10 terms: what a receiver allows
  FlattenResult r = Flatten(nine, "l0.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.lookups, 10);
  EXPECT_EQ(Texts(r), (Strings{"10.0.0.0/21", "10.0.8.0/24", "192.0.2.0/24"}));

  ZoneDns ten = Chain(10);
  r = Flatten(ten, "l0.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted) << r.status;
  EXPECT_NE(r.status.message().find("more than 10 DNS-querying terms"), std::string::npos);
  EXPECT_TRUE(r.prefixes.empty());
}

TEST(Flatten, VoidLookupsPerFamily) {
  ZoneDns two;
  two.Txt("spf.vendor.test", "v=spf1 a:gone1.vendor.test a:gone2.vendor.test ip4:192.0.2.1");
  FlattenResult r = Flatten(two, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_EQ(r.void_lookups, 2);
  EXPECT_EQ(r.min_ttl, 60u);  // the negative answers' TTL

  ZoneDns three;
  three.Txt("spf.vendor.test",
            "v=spf1 a:gone1.vendor.test a:gone2.vendor.test mx:gone3.vendor.test -all");
  r = Flatten(three, "spf.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted) << r.status;

  // IPv4 only hosts: an IPv6 client's receiver sees three void AAAA look-ups.
  ZoneDns v4only;
  v4only.Txt("spf.vendor.test", "v=spf1 a:h1.vendor.test a:h2.vendor.test a:h3.vendor.test -all");
  for (const char* h : {"h1.vendor.test", "h2.vendor.test", "h3.vendor.test"}) {
    v4only.Ip(h, "192.0.2.1");
  }
  r = Flatten(v4only, "spf.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted) << r.status;
  EXPECT_NE(r.status.message().find("IPv6"), std::string::npos) << r.status;
}

TEST(Flatten, MoreThanTenMxRecords) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 mx -all");
  for (int i = 0; i < 11; ++i) {
    std::string host = absl::StrCat("mx", i, ".vendor.test");
    dns.Mx("spf.vendor.test", 10, host);
    dns.Ip(host, absl::StrCat("192.0.2.", i));
  }
  EXPECT_EQ(Flatten(dns, "spf.vendor.test").status.code(), absl::StatusCode::kResourceExhausted);
}

TEST(Flatten, LookUpFailuresAreTemporary) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 include:_a.vendor.test a:h.vendor.test -all", 300);
  dns.Down("_a.vendor.test");
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  EXPECT_EQ(r.status.code(), absl::StatusCode::kUnavailable) << r.status;
  EXPECT_EQ(r.min_ttl, 300u);

  ZoneDns a;
  a.Txt("spf.vendor.test", "v=spf1 a:h.vendor.test -all");
  a.Down("h.vendor.test");
  EXPECT_EQ(Flatten(a, "spf.vendor.test").status.code(), absl::StatusCode::kUnavailable);

  ZoneDns top;
  top.Down("spf.vendor.test");
  EXPECT_EQ(Flatten(top, "spf.vendor.test").status.code(), absl::StatusCode::kUnavailable);
}

TEST(Flatten, PermanentErrors) {
  struct Case {
    const char* why;
    std::vector<std::string> records;
  };
  for (const Case& c : std::vector<Case>{
           {"no SPF record", {"some other text"}},
           {"two SPF records", {"v=spf1 ip4:192.0.2.1 -all", "v=spf1 -all"}},
           {"syntax error", {"v=spf1 ip4:192.0.2.300 -all"}},
           {"unknown mechanism", {"v=spf1 ip5:1 -all"}},
           {"include without a record", {"v=spf1 include:nothing.vendor.test -all"}},
       }) {
    ZoneDns dns;
    for (const std::string& text : c.records) dns.Txt("spf.vendor.test", text);
    FlattenResult r = Flatten(dns, "spf.vendor.test");
    EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << c.why << ": " << r.status;
  }
  ZoneDns nx;
  EXPECT_EQ(Flatten(nx, "spf.vendor.test").status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(Flatten, NothingPassesIsNotFound) {
  for (const char* record : {"v=spf1 -all", "v=spf1 ?ip4:192.0.2.0/24 ~all",
                             "v=spf1 ip6:::ffff:192.0.2.0/120 -all"}) {
    ZoneDns dns;
    dns.Txt("spf.vendor.test", record);
    EXPECT_EQ(Flatten(dns, "spf.vendor.test").status.code(), absl::StatusCode::kNotFound)
        << record;
  }
}

TEST(Flatten, TooManyPrefixes) {
  ZoneDns dns;
  dns.Txt("spf.vendor.test", "v=spf1 ip4:192.0.2.1 ip4:192.0.2.3 ip4:192.0.2.5 -all");
  FlattenLimits limits;
  limits.max_prefixes = 2;
  EXPECT_EQ(Flatten(dns, "spf.vendor.test", limits).status.code(),
            absl::StatusCode::kResourceExhausted);
}

// ---- the flattened set against dnsd's own check_host() --------------------

IpAddress Step(IpAddress a, int delta) {
  for (int i = 15; i >= 0; --i) {
    int v = a.bytes[i] + delta;
    a.bytes[i] = static_cast<uint8_t>(v & 0xFF);
    if (v >= 0 && v <= 0xFF) break;
    delta = v < 0 ? -1 : 1;
  }
  return a;
}

IpAddress Last(const IpPrefix& p) {
  IpAddress a = p.address;
  for (int bit = p.length; bit < 128; ++bit) a.bytes[bit / 8] |= 0x80 >> (bit % 8);
  return a;
}

// A vendor record that uses every flattenable feature: qualifiers that hide
// later ranges, an include whose pass is neutral outside, a and mx with
// both CIDR lengths, ip6 around a hole, and a redirect for the rest.
FakeDns VendorZone() {
  FakeDns dns;
  dns.AddTxt("spf.vendor.test",
             "v=spf1 -ip4:192.0.2.64/26 include:_a.vendor.test ?include:_n.vendor.test "
             "a:h.vendor.test/30//120 mx:m.vendor.test/29 ip6:2001:db8::/33 "
             "-ip6:2001:db8:8000::/40 ip6:2001:db8:8000::/36 redirect=_r.vendor.test");
  dns.AddTxt("_a.vendor.test",
             "v=spf1 ip4:192.0.2.0/24 ~ip4:198.51.100.0/25 ip4:198.51.100.0/24 -all");
  dns.AddTxt("_n.vendor.test", "v=spf1 ip4:203.0.113.0/24 -all");
  dns.AddAddress("h.vendor.test", "203.0.113.77");
  dns.AddAddress("h.vendor.test", "198.18.7.9");
  dns.AddAddress("h.vendor.test", "2001:db8:ffff::1");
  dns.AddMx("m.vendor.test", 10, "mx1.vendor.test");
  dns.AddAddress("mx1.vendor.test", "10.9.8.7");
  dns.AddAddress("mx1.vendor.test", "2001:db9:aaaa::5");
  dns.AddTxt("_r.vendor.test", "v=spf1 ip4:10.0.0.0/8 ip6:2001:db8::/32 -all");
  return dns;
}

TEST(Flatten, PassesExactlyWhereCheckHostPasses) {
  FakeDns dns = VendorZone();
  FlattenResult r = Flatten(dns, "spf.vendor.test");
  ASSERT_TRUE(r.status.ok()) << r.status;
  // Probe every prefix's edges and the addresses just outside them, the
  // edges of every range the record names, and random addresses nearby.
  std::vector<IpAddress> probes;
  auto edges = [&](const IpPrefix& p) {
    for (IpAddress a : {p.address, Last(p)}) {
      for (int d : {-1, 0, 1}) probes.push_back(Step(a, d));
    }
  };
  for (const IpPrefix& p : r.prefixes) edges(p);
  for (const char* text : {"192.0.2.0/24", "192.0.2.64/26", "198.51.100.0/24",
                           "198.51.100.0/25", "203.0.113.0/24", "203.0.113.76/30",
                           "198.18.7.8/30", "10.9.8.0/29", "10.0.0.0/8", "2001:db8::/32",
                           "2001:db8::/33", "2001:db8:8000::/40", "2001:db8:8000::/36",
                           "2001:db8:ff00::/120", "2001:db9:aaaa::5/128"}) {
    edges(*ParseIpPrefix(text));
  }
  std::mt19937 random(7);
  for (const char* base : {"192.0.2.0", "10.9.8.0", "2001:db8:8000::", "2001:db8:ffff::"}) {
    for (int i = 0; i < 200; ++i) probes.push_back(Step(*ParseIpAddress(base), random() % 512));
  }
  CheckOptions options;
  options.explain = false;
  options.trace = false;
  int passing = 0;
  for (const IpAddress& ip : probes) {
    MacroContext context = MakeMacroContext(ip, "someone@spf.vendor.test", "mail.vendor.test");
    context.domain = "spf.vendor.test";
    Result result = CheckHost(dns, context, options).result;
    bool flattened = false;
    for (const IpPrefix& p : r.prefixes) flattened |= p.Contains(ip);
    EXPECT_EQ(result == Result::kPass, flattened)
        << FormatIpAddress(ip) << ": check_host says " << ResultName(result);
    passing += flattened;
  }
  EXPECT_GT(passing, 100);
  EXPECT_LT(passing, static_cast<int>(probes.size()) - 100);
}

}  // namespace
}  // namespace dnsd::spf
