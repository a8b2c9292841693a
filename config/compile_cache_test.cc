// Incremental compiling: what a reload reuses, what it compiles again, and
// that a snapshot assembled from reused domains is exactly the snapshot a
// compile from scratch gives.
#include "config/compile_cache.h"
#include "config/domain_changes.h"

#include <sched.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "config/compile.h"
#include "config/family.h"
#include "config/load_and_compile.h"
#include "config/snapshot_dump.h"
#include "config/test_util.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/test_keys.h"
#include "policy/spf/decide.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using testing::Dump;

IpPrefix P(const char* text) { return *ParseIpPrefix(text); }

Sender MakeSender(const char* id, const char* include, const char* range) {
  Sender s;
  s.id = id;
  s.name = id;
  s.include = include;
  s.ranges.prefixes = {P(range)};
  return s;
}

// `c` with its domains replaced by `domains` (a DomainList holds them const).
void SetDomains(ConfigSet& c, const std::vector<DomainConfig>& domains) { c.domains = domains; }

std::vector<DomainConfig> Copy(const DomainList& list) { return {list.begin(), list.end()}; }

DomainConfig Domain(const char* name, uint64_t version) {
  DomainConfig d;
  d.domain = name;
  d.file = absl::StrCat("domains/", name, ".yaml");
  d.version = version;
  d.dmarc.p = "none";
  return d;
}

ConfigSet Config() {
  ConfigSet c;
  ProviderSettings& p = c.server.provider;
  p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = "_spf.provider.test";
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  c.catalog.senders = {MakeSender("mailer", "spf.mailer.test", "198.51.100.0/24"),
                       MakeSender("vendor", "spf.vendor.test", "192.0.2.0/24")};

  DomainConfig a = Domain("a.example", 11);
  a.spf.senders = {"vendor"};
  a.dmarc.rua = {"mailto:dmarc@reports.provider.test"};
  DkimSelector s1;
  s1.selector = "s1";
  s1.key = CnameKey("s1.dkim.vendor.test");
  a.dkim.selectors = {s1};

  DomainConfig b = Domain("b.example", 12);
  b.spf.senders = {"mailer", "vendor"};
  b.spf.netblocks = {P("203.0.113.0/28")};
  b.include_subdomains = true;

  DomainConfig c_ = Domain("c.example", 13);
  c_.mode = Mode::kBlocked;
  c_.dmarc.p = "reject";

  DomainConfig d = Domain("d.example", 14);
  d.spf.netblocks = {P("2001:db8::/48")};
  d.spf.terms = {"a:_relays.%{d}"};
  DkimSelector revoked;
  revoked.selector = "old.s";
  revoked.key.kind = DkimKey::Kind::kRevoked;
  d.dkim.selectors = {revoked};
  c.domains = {a, b, c_, d};
  return c;
}

// The delta a reload of named files would hand the compile.
DomainDelta DeltaOf(const DomainChanges& changes) {
  DomainDelta delta;
  for (absl::string_view name : changes.added) delta.added.emplace_back(name);
  for (absl::string_view name : changes.removed) delta.removed.emplace_back(name);
  for (absl::string_view name : changes.changed) delta.changed.emplace_back(name);
  return delta;
}

std::vector<std::string> Names(const CompiledDomainList& domains) {
  std::vector<std::string> out;
  for (const auto& d : domains) out.emplace_back(d->domain());
  return out;
}

std::vector<std::string> Messages(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(FormatDiagnostic(d));
  return out;
}

std::string Fresh(const ConfigSet& c, const RefreshedRanges* refreshed = nullptr) {
  auto compiled = CompileSnapshot(c, 1, refreshed);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? Dump(*compiled->snapshot) : "";
}

class CompileCacheTest : public ::testing::Test {
 protected:
  Compiled Compile(const ConfigSet& c, const RefreshedRanges* refreshed = nullptr) {
    auto compiled = CompileSnapshot(c, 1, refreshed, &cache_);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return *std::move(compiled);
  }

  CompileCache cache_;
};

TEST_F(CompileCacheTest, UnchangedDomainsAreReusedAndShared) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  EXPECT_EQ(first.stats.compiled, 4u);
  EXPECT_EQ(first.stats.reused, 0u);
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 0u);
  EXPECT_EQ(second.stats.reused, 4u);
  for (size_t i = 0; i < c.domains.size(); ++i) {
    EXPECT_EQ(first.snapshot->domains[i], second.snapshot->domains[i]) << i;
  }
  EXPECT_EQ(first.snapshot->provider, second.snapshot->provider);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
}

TEST_F(CompileCacheTest, ANewVersionIsCompiledAndTheRestReused) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  std::vector<DomainConfig> domains = Copy(c.domains);
  domains[1].version = 99;
  domains[1].spf.senders = {"mailer"};
  domains[1].dmarc.p = "quarantine";
  SetDomains(c, domains);
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 1u);
  EXPECT_EQ(second.stats.reused, 3u);
  EXPECT_NE(first.snapshot->domains[1], second.snapshot->domains[1]);
  EXPECT_EQ(first.snapshot->domains[0], second.snapshot->domains[0]);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
  EXPECT_NE(Dump(*first.snapshot), Dump(*second.snapshot));
}

// Every file read again with nothing served changed (a comment added, a
// generator's time stamp): each is compiled, comes out the same, and the
// compile the cache had is kept, stamped with the new read, so the next
// compile takes it as it is and the tables have nothing to edit.
TEST_F(CompileCacheTest, ANewReadWithTheSameRecordsKeepsTheCompileItHad) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  std::vector<DomainConfig> domains = Copy(c.domains);
  for (DomainConfig& d : domains) d.version += 1000;
  // Monitor mode publishes p=none whatever p says (EffectiveDmarcPolicy).
  domains[0].dmarc.p = "reject";
  SetDomains(c, domains);
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 4u);
  EXPECT_EQ(second.stats.unchanged, 4u);
  for (size_t i = 0; i < domains.size(); ++i) {
    EXPECT_EQ(first.snapshot->domains[i], second.snapshot->domains[i]) << i;
    EXPECT_EQ(second.snapshot->domains[i]->version, domains[i].version) << i;
  }
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
  EXPECT_EQ(second.snapshot->digest, first.snapshot->digest);

  Compiled third = Compile(c);
  EXPECT_EQ(third.stats.compiled, 0u);
  EXPECT_EQ(third.stats.reused, 4u);

  // Given as a delta, the same: nothing to edit in the tables.
  CompileCache by_delta;
  ConfigSet before = Config();
  ASSERT_TRUE(CompileSnapshot(before, 1, nullptr, &by_delta).ok());
  const CompiledDomainList kept = by_delta.domains();
  DomainDelta delta = DeltaOf(Diff(before.domains, c.domains));
  ASSERT_EQ(delta.changed.size(), 4u);
  auto from_delta = CompileSnapshot(c, 2, nullptr, &by_delta, std::nullopt, nullptr, &delta);
  ASSERT_TRUE(from_delta.ok()) << from_delta.status();
  EXPECT_EQ(from_delta->stats.unchanged, 4u);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(from_delta->snapshot->domains[i], kept[i]) << i;
  }
  EXPECT_EQ(Dump(*from_delta->snapshot), Fresh(c));
}

// The SPF policy names its domain by a view of the compiled domain's own
// name: it stays valid once the model it was compiled from is gone, also
// for a compile kept because a later read compiled to the same (under
// ASan, a view of the model's name would be a use after free here).
TEST_F(CompileCacheTest, APolicyNamesItsDomainOnceTheModelIsGone) {
  std::optional<Compiled> kept;
  {
    ConfigSet c = Config();
    Compile(c);
    std::vector<DomainConfig> domains = Copy(c.domains);
    for (DomainConfig& d : domains) d.version += 1000;
    SetDomains(c, domains);
    kept = Compile(c);
    ASSERT_EQ(kept->stats.unchanged, 4u);
  }
  const spf::DomainPolicy* policy =
      spf::FindDomain(kept->snapshot->spf, std::string("\x01" "b\x07" "example\x00", 11));
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(std::string(policy->name), "b.example");
}

// Whatever a domain serves differs, it is compiled anew: a change that
// shows only in a family's own data (the SPF policy the macro answers
// read, an MTA-STS policy file) as much as one in a record.
TEST_F(CompileCacheTest, EveryChangeOfWhatIsServedIsCompiledAnew) {
  std::vector<std::pair<std::string, std::function<void(DomainConfig&)>>> changes = {
      {"spf sender", [](DomainConfig& d) { d.spf.senders = {"mailer"}; }},
      {"spf netblock", [](DomainConfig& d) { d.spf.netblocks = {P("192.0.2.128/25")}; }},
      {"spf all", [](DomainConfig& d) { d.spf.all = AllQualifier::kFail; }},
      {"spf terms", [](DomainConfig& d) { d.spf.terms = {"a:_out.%{d}"}; }},
      {"include_subdomains", [](DomainConfig& d) { d.include_subdomains = true; }},
      {"blocked", [](DomainConfig& d) { d.mode = Mode::kBlocked; }},
      {"dmarc rua", [](DomainConfig& d) { d.dmarc.rua = {"mailto:x@reports.provider.test"}; }},
      {"dkim target",
       [](DomainConfig& d) { d.dkim.selectors[0].key = CnameKey("s1.dkim.mailer.test"); }},
      {"dkim key",
       [](DomainConfig& d) {
         DkimKeyTags tags;
         tags.public_key = std::string(400, 'B');
         d.dkim.selectors[0].key = KeyOf(tags, 2048);
       }},
      {"mta-sts mx",
       [](DomainConfig& d) {
         d.mta_sts.configured = true;
         d.mta_sts.policy.mode = mta_sts::Mode::kTesting;
         d.mta_sts.policy.mx = {"mx2.a.example"};
         d.mta_sts.policy.max_age = 86400;
       }},
  };
  ConfigSet c = Config();
  std::vector<DomainConfig> base = Copy(c.domains);
  base[0].mta_sts.configured = true;
  base[0].mta_sts.policy.mode = mta_sts::Mode::kTesting;
  base[0].mta_sts.policy.mx = {"mx1.a.example"};
  base[0].mta_sts.policy.max_age = 86400;
  uint64_t version = 1000;
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    std::vector<DomainConfig> domains = base;
    domains[0].version = ++version;
    SetDomains(c, domains);
    Compiled before = Compile(c);
    domains[0].version = ++version;
    change(domains[0]);
    SetDomains(c, domains);
    Compiled after = Compile(c);
    EXPECT_EQ(after.stats.compiled, 1u);
    EXPECT_EQ(after.stats.unchanged, 0u);
    EXPECT_NE(after.snapshot->domains[0], before.snapshot->domains[0]);
    EXPECT_EQ(Dump(*after.snapshot), Fresh(c));
  }
}

// A link into empty tables large enough to matter compacts them a
// sixteenth at a time and lets go after each (CompileSnapshot's let_go,
// where `dnsd serve` gives the freed heap back); the snapshot is the one a
// compile without it makes.
TEST_F(CompileCacheTest, ALargeLinkLetsGoAsItCompactsTheTables) {
  ConfigSet c = Config();
  std::vector<DomainConfig> domains;
  // Two nodes each (_dmarc.<d> and <d>._dmarc.<provider>): 72,000, in
  // sixteenths of 4,500, more than PersistentMap::kLetGoEntries.
  for (int i = 0; i < 36000; ++i) {
    domains.push_back(Domain(absl::StrFormat("n%05d.example", i).c_str(), 100 + i));
  }
  SetDomains(c, domains);
  int calls = 0;
  auto compiled = CompileSnapshot(c, 1, nullptr, nullptr, std::nullopt, nullptr, nullptr,
                                  [&] { ++calls; });
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_GE(calls, 16);
  EXPECT_EQ(Dump(*compiled->snapshot), Fresh(c));
}

TEST_F(CompileCacheTest, AddedAndRemovedDomains) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  std::vector<DomainConfig> domains = Copy(c.domains);
  domains.erase(domains.begin());           // a.example goes
  domains.push_back(Domain("e.example", 15));  // e.example comes
  SetDomains(c, domains);
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 1u);
  EXPECT_EQ(second.stats.reused, 3u);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
  // The old snapshot still serves what it served: it holds its domains.
  const CompiledDomain& gone = *first.snapshot->domains[0];
  absl::string_view apex = gone.ZonesOf(gone.parts()[1])[0].zone.apex();
  EXPECT_NE(first.snapshot->zones.FindZoneByApex(apex), nullptr);
  EXPECT_EQ(second.snapshot->zones.FindZoneByApex(apex), nullptr);
}

TEST_F(CompileCacheTest, PassingAScheduledInstantCompilesOnlyThatDomain) {
  ConfigSet c = Config();
  std::vector<DomainConfig> domains = Copy(c.domains);
  DkimSelector next;
  next.selector = "s2";
  next.key = CnameKey("s2.dkim.vendor.test");
  next.schedule.from = 1000;
  domains[0].dkim.selectors.push_back(next);
  SetDomains(c, domains);
  auto compile_at = [&](UtcSeconds now) {
    auto compiled = CompileSnapshot(c, 1, nullptr, &cache_, now);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return *std::move(compiled);
  };
  auto fresh_at = [&](UtcSeconds now) {
    auto compiled = CompileSnapshot(c, 1, nullptr, nullptr, now);
    return compiled.ok() ? Dump(*compiled->snapshot) : "";
  };
  Compiled before = compile_at(999);
  EXPECT_EQ(before.snapshot->next_change, 1000);
  Compiled still = compile_at(999);
  EXPECT_EQ(still.stats.compiled, 0u);
  Compiled at = compile_at(1000);
  EXPECT_EQ(at.stats.compiled, 1u);
  EXPECT_EQ(at.stats.reused, 3u);
  EXPECT_EQ(before.snapshot->domains[1], at.snapshot->domains[1]);
  EXPECT_FALSE(at.snapshot->next_change.has_value());
  // Assembled incrementally or from scratch, the same snapshot at each instant.
  EXPECT_EQ(Dump(*before.snapshot), fresh_at(999));
  EXPECT_EQ(Dump(*at.snapshot), fresh_at(1000));
  EXPECT_NE(fresh_at(999), fresh_at(1000));
}

TEST_F(CompileCacheTest, VersionZeroIsNeverReused) {
  ConfigSet c = Config();
  std::vector<DomainConfig> domains = Copy(c.domains);
  for (DomainConfig& d : domains) d.version = 0;
  SetDomains(c, domains);
  Compile(c);
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 4u);
  EXPECT_EQ(second.stats.reused, 0u);
}

TEST_F(CompileCacheTest, ChangedProviderSettingsCompileEverything) {
  ConfigSet c = Config();
  Compile(c);
  c.server.provider.spf_template = "%{i}._ip.%{d}";
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 4u);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
  // Settings that only the server uses do not touch the domains.
  c.server.udp_payload = 1400;
  Compiled third = Compile(c);
  EXPECT_EQ(third.stats.compiled, 0u);
  EXPECT_EQ(third.snapshot->provider, second.snapshot->provider);
}

// The SOA, NS and TTL every zone serves are the snapshot's (ZoneCommon):
// a change of any of them compiles no domain, and what is served is what
// a compile from scratch serves.
TEST_F(CompileCacheTest, ChangedZoneTtlSoaOrNsCompileNothing) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  std::string before = Dump(*first.snapshot);
  std::vector<std::function<void(ProviderSettings&)>> edits = {
      [](ProviderSettings& p) { p.ttl = 600; },
      [](ProviderSettings& p) { p.negative_ttl = 30; },
      [](ProviderSettings& p) { p.soa_refresh = 7200; },
      [](ProviderSettings& p) { p.hostmaster = "dnsadmin.provider.test"; },
      [](ProviderSettings& p) { p.nameservers.push_back("ns3.provider.test"); },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    SCOPED_TRACE(i);
    edits[i](c.server.provider);
    Compiled next = Compile(c);
    EXPECT_EQ(next.stats.compiled, 0u);
    EXPECT_EQ(next.snapshot->provider, first.snapshot->provider);
    std::string served = Dump(*next.snapshot);
    EXPECT_EQ(served, Fresh(c));
    EXPECT_NE(served, before);
    EXPECT_NE(next.snapshot->digest, first.snapshot->digest);
    before = served;
  }
  EXPECT_EQ(first.snapshot->common.ttl, 300u);
}

TEST_F(CompileCacheTest, ChangedRangesCompileOnlyTheDomainsThatNameTheSender) {
  ConfigSet c = Config();
  Compile(c);
  RefreshedRanges refreshed;
  refreshed.senders["mailer"] = {"spf.mailer.test", {P("100.64.0.0/24")}};
  Compiled second = Compile(c, &refreshed);
  EXPECT_EQ(second.stats.compiled, 1u);  // b.example alone names mailer
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c, &refreshed));
  EXPECT_NE(Dump(*second.snapshot), Fresh(c));
}

TEST_F(CompileCacheTest, ANewSenderMovesTheIndicesButCompilesNoDomain) {
  ConfigSet c = Config();
  Compile(c);
  // The catalog is sorted by id: every sender's index moves up by one.
  c.catalog.senders.insert(c.catalog.senders.begin(),
                           MakeSender("early", "spf.early.test", "100.64.1.0/24"));
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 0u);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
}

TEST_F(CompileCacheTest, ASenderDroppedFromTheCatalogRecompilesItsDomainsWithAWarning) {
  ConfigSet c = Config();
  Compile(c);
  c.catalog.senders.erase(c.catalog.senders.begin());  // mailer
  Compiled second = Compile(c);
  EXPECT_EQ(second.stats.compiled, 1u);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
  ASSERT_EQ(second.errors.size(), 1u);
  EXPECT_NE(second.errors[0].message.str().find("'mailer' is no longer in the catalog"),
            std::string::npos);
  // A reused domain reports its warnings again on every compile.
  Compiled third = Compile(c);
  EXPECT_EQ(third.stats.compiled, 0u);
  EXPECT_EQ(third.errors.size(), 1u);
}

// The persistent tables against a compile from scratch, on random edit
// sequences: domains added, removed and changed (senders, netblocks, DKIM
// selectors, DMARC, MTA-STS, names with shared parents such as .co.uk),
// senders added and dropped, and now and then a domain that claims the
// provider's own names (a part left out, so the next link is a full one).
// After every step the incrementally linked snapshot must equal the fresh
// one in everything it answers from.
// A domain of many shapes, named for `id` (999 is the provider's own
// domain, whose names its zones already serve), at a new version.
DomainConfig RandomDomain(std::mt19937& rng, size_t id, uint64_t& version) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  static const std::vector<std::string> tlds = {"example", "co.uk", "com.au", "test.example"};
  DomainConfig d = Domain("x", ++version);
  d.domain = id == 999 ? "provider.test" : absl::StrCat("d", id, ".", tlds[id % tlds.size()]);
  d.file = absl::StrCat("domains/", d.domain, ".yaml");
  d.dmarc.p = std::vector<std::string>{"none", "quarantine", "reject"}[pick(3)];
  if (pick(4) == 0) d.mode = Mode::kBlocked, d.dmarc.p = "reject";
  d.include_subdomains = pick(5) == 0;
  if (pick(2) == 0) d.spf.senders.push_back("vendor");
  if (pick(3) == 0) d.spf.senders.push_back("mailer");
  std::sort(d.spf.senders.begin(), d.spf.senders.end());
  if (pick(2) == 0) {
    d.spf.netblocks.push_back(P(absl::StrCat("10.", id % 250, ".", pick(250), ".0/24").c_str()));
  }
  for (size_t s = pick(3); s > 0; --s) {
    DkimSelector sel;
    sel.selector = absl::StrCat("s", s, pick(2) == 0 ? "" : ".b");
    if (pick(2) == 0) {
      sel.key = CnameKey(absl::StrCat(sel.selector, ".dkim.vendor.test"));
    } else {
      // A key's record is served from the model's own copy (RRset::rdata):
      // longer than one character-string, and different per domain.
      DkimKeyTags tags;
      tags.public_key = absl::StrCat(std::string(300 + pick(200), 'A'), id, "x", s);
      sel.key = KeyOf(tags, 2048);
    }
    d.dkim.selectors.push_back(sel);
  }
  if (pick(4) == 0) {
    d.mta_sts.configured = true;
    d.mta_sts.policy.mode = mta_sts::Mode::kTesting;
    d.mta_sts.policy.mx = {absl::StrCat("mx", pick(9), ".", d.domain)};
    d.mta_sts.policy.max_age = 86400;
  }
  return d;
}

std::vector<DomainConfig> SortedByName(std::vector<DomainConfig> domains) {
  std::sort(domains.begin(), domains.end(),
            [](const DomainConfig& a, const DomainConfig& b) { return a.domain < b.domain; });
  return domains;
}

TEST_F(CompileCacheTest, RandomEditSequencesMatchACompileFromScratch) {
  std::mt19937 rng(20261202);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  uint64_t version = 100;
  auto make = [&](size_t id) { return RandomDomain(rng, id, version); };
  std::map<size_t, DomainConfig> live;
  for (size_t id = 0; id < 120; ++id) live.emplace(id, make(id));
  ConfigSet c = Config();
  auto publish = [&] {
    std::vector<DomainConfig> domains;
    for (const auto& [id, d] : live) domains.push_back(d);
    SetDomains(c, SortedByName(std::move(domains)));
  };
  // A second cache is given each step's delta (what a reload of named files
  // knows, config/config_state.h) and looks at nothing else.
  CompileCache by_delta;
  std::optional<DomainList> served;
  for (int step = 0; step < 60; ++step) {
    SCOPED_TRACE(step);
    for (int edit = 1 + static_cast<int>(pick(4)); edit > 0; --edit) {
      size_t id = pick(140);
      switch (pick(10)) {
        case 0: live.erase(id); break;
        case 1:  // the catalog gains or loses a sender now and then
          if (c.catalog.senders.size() > 2) {
            c.catalog.senders.pop_back();
          } else {
            c.catalog.senders.push_back(MakeSender("zzlate", "spf.late.test", "100.64.9.0/24"));
          }
          break;
        case 2:
          if (step % 20 == 7) live.insert_or_assign(999, make(999));
          else live.erase(999);
          break;
        case 3:  // read again, with nothing served changed
          if (auto it = live.find(id); it != live.end()) it->second.version = ++version;
          break;
        default: live.insert_or_assign(id, make(id)); break;
      }
    }
    // Now and then every file is rewritten (a full reload): the tables
    // are then linked afresh rather than edited.
    if (step % 15 == 14) {
      for (auto& [id, d] : live) d = make(id);
    }
    // And now and then every file is read again with nothing changed: the
    // compiles come out the same and the tables are kept.
    if (step % 15 == 9) {
      for (auto& [id, d] : live) d.version = ++version;
    }
    publish();
    Compiled compiled = Compile(c);
    std::string fresh = Fresh(c);
    ASSERT_EQ(Dump(*compiled.snapshot), fresh);

    std::optional<DomainDelta> delta;
    if (served) delta = DeltaOf(Diff(*served, c.domains));
    auto from_delta = CompileSnapshot(c, 1, nullptr, &by_delta, std::nullopt, nullptr,
                                      delta ? &*delta : nullptr);
    ASSERT_TRUE(from_delta.ok()) << from_delta.status();
    ASSERT_EQ(Dump(*from_delta->snapshot), fresh);
    EXPECT_EQ(Names(from_delta->snapshot->domains), Names(compiled.snapshot->domains));
    EXPECT_EQ(Messages(from_delta->errors), Messages(compiled.errors));
    served = c.domains;
  }
}

// A compile that can fork no tables (the start, say) links each domain
// while later ones still compile, when it has more than one CPU: the
// tables, the errors and their order must be those of a link after the
// compile, which is what it does on one CPU. The provider's own domain,
// configured as a customer's, has parts left out.
TEST_F(CompileCacheTest, LinkingWhileCompilingIsLinkingAfterCompiling) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
  if (CPU_COUNT(&all) < 2) GTEST_SKIP() << "links while compiling only with two CPUs or more";
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &all)) {
      CPU_SET(cpu, &one);
      break;
    }
  }
  std::mt19937 rng(20261203);
  uint64_t version = 100;
  std::vector<DomainConfig> domains;
  for (size_t id = 0; id < 700; ++id) domains.push_back(RandomDomain(rng, id, version));
  domains.push_back(RandomDomain(rng, 999, version));
  ConfigSet c = Config();
  SetDomains(c, SortedByName(std::move(domains)));

  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  auto after = CompileSnapshot(c, 1);
  ASSERT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
  ASSERT_TRUE(after.ok()) << after.status();
  for (int round = 0; round < 5; ++round) {
    auto during = CompileSnapshot(c, 1);
    ASSERT_TRUE(during.ok()) << during.status();
    ASSERT_EQ(Dump(*during->snapshot), Dump(*after->snapshot));
    EXPECT_EQ(Names(during->snapshot->domains), Names(after->snapshot->domains));
    ASSERT_EQ(Messages(during->errors), Messages(after->errors));
  }
  EXPECT_GT(after->snapshot->link.part_errors, 0u);
}

// A full reload replaces every compiled domain: once the snapshot that
// served the old ones is gone, none of them is kept by the cache or the
// new snapshot, and the new one is what a compile from scratch makes.
TEST_F(CompileCacheTest, ReplacingEveryDomainKeepsNoneOfTheOldOnes) {
  ConfigSet c = Config();
  std::vector<std::weak_ptr<const CompiledDomain>> old;
  {
    Compiled first = Compile(c);
    for (const CompiledDomainList::Ptr& d : first.snapshot->domains) old.push_back(d);
    std::vector<DomainConfig> domains = Copy(c.domains);
    for (DomainConfig& d : domains) {
      d.version += 1000;
      d.dmarc.rua = {"mailto:full@reports.provider.test"};
    }
    SetDomains(c, domains);
    Compiled second = Compile(c);
    EXPECT_EQ(second.stats.compiled, domains.size());
    EXPECT_EQ(second.stats.unchanged, 0u);
    EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
    // The old snapshot still serves what it served until it goes.
    for (const auto& d : old) EXPECT_FALSE(d.expired());
  }
  for (const auto& d : old) EXPECT_TRUE(d.expired());
  ASSERT_NE(cache_.tables(), nullptr);
  // And a one-domain change after it edits those tables as before.
  std::vector<DomainConfig> domains = Copy(c.domains);
  domains[0].version += 1000;
  domains[0].dmarc.rua = {"mailto:one@reports.provider.test"};
  SetDomains(c, domains);
  Compiled third = Compile(c);
  EXPECT_EQ(third.stats.compiled, 1u);
  EXPECT_EQ(third.stats.unchanged, 0u);
  EXPECT_EQ(Dump(*third.snapshot), Fresh(c));
}

// A compile that replaces most domains links them into tables of their
// own, so a domain among them that came out the same is compiled once
// more rather than kept: its served compile would keep its block's slab
// after the swap. With half or fewer replaced, the tables are edited and
// it keeps the compile it had, as ever.
TEST_F(CompileCacheTest, AReloadThatReplacesMostDomainsKeepsNoneOfTheOldOnes) {
  for (size_t replaced : {3u, 2u}) {
    SCOPED_TRACE(replaced);
    cache_ = CompileCache();
    ConfigSet c = Config();
    std::vector<std::weak_ptr<const CompiledDomain>> old;
    std::vector<DomainConfig> domains = Copy(c.domains);
    {
      Compiled first = Compile(c);
      for (const CompiledDomainList::Ptr& d : first.snapshot->domains) old.push_back(d);
      for (DomainConfig& d : domains) d.version += 1000;
      // Monitor mode publishes p=none whatever p says: the same records.
      domains[0].dmarc.p = "reject";
      for (size_t i = 1; i <= replaced; ++i) {
        domains[i].dmarc.rua = {"mailto:full@reports.provider.test"};
      }
      SetDomains(c, domains);
      Compiled second = Compile(c);
      EXPECT_EQ(second.stats.compiled, domains.size());
      EXPECT_EQ(second.stats.unchanged, domains.size() - replaced);
      for (size_t i = 0; i < domains.size(); ++i) {
        EXPECT_EQ(second.snapshot->domains[i]->version, domains[i].version) << i;
      }
      EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
    }
    const bool most = replaced * 2 > domains.size();
    EXPECT_EQ(old[0].expired(), most);
    for (size_t i = replaced + 1; i < domains.size(); ++i) EXPECT_FALSE(old[i].expired()) << i;

    // The same by a delta, as the file watcher gives it.
    CompileCache by_delta;
    ConfigSet before = Config();
    ASSERT_TRUE(CompileSnapshot(before, 1, nullptr, &by_delta).ok());
    std::vector<std::weak_ptr<const CompiledDomain>> kept;
    for (const CompiledDomainList::Ptr& d : by_delta.domains()) kept.push_back(d);
    DomainDelta delta = DeltaOf(Diff(before.domains, c.domains));
    {
      auto from_delta = CompileSnapshot(c, 2, nullptr, &by_delta, std::nullopt, nullptr, &delta);
      ASSERT_TRUE(from_delta.ok()) << from_delta.status();
      EXPECT_EQ(from_delta->stats.unchanged, domains.size() - replaced);
      EXPECT_EQ(Dump(*from_delta->snapshot), Fresh(c));
    }
    before = ConfigSet();
    EXPECT_EQ(kept[0].expired(), most);
  }
}

// A domain compiled once more this way reads its released model once
// more: if its file changed in between (the watcher has not said so yet),
// it keeps the served compile, which the first read compiled the same.
TEST_F(CompileCacheTest, ADomainWhoseFileChangedBeforeItsSecondCompileKeepsItsCompile) {
  ConfigSet c = Config();
  Compiled first = Compile(c);
  std::vector<DomainConfig> domains = Copy(c.domains);
  for (DomainConfig& d : domains) {
    d.version += 1000;
    d.dmarc.rua = {"mailto:full@reports.provider.test"};
  }
  domains[0].dmarc.rua = c.domains.heads().front().model()->dmarc.rua;
  domains[0].dmarc.p = "reject";  // monitor mode: the same records
  ConfigSet released = c;
  released.domains = DomainList();
  std::map<std::string, int, std::less<>> reads;
  for (const DomainConfig& d : domains) {
    released.domains.push_back(DomainHead::Released(d, InputsOf(d)));
  }
  released.reread = [&](const DomainHead& head) -> std::shared_ptr<const DomainConfig> {
    int n = ++reads[head.domain];
    if (head.domain == "a.example" && n > 1) return nullptr;  // changed since
    for (const DomainConfig& d : domains) {
      if (d.domain == head.domain) return std::make_shared<const DomainConfig>(d);
    }
    return nullptr;
  };
  Compiled second = Compile(released);
  EXPECT_EQ(reads["a.example"], 2);
  EXPECT_EQ(second.stats.unchanged, 1u);
  EXPECT_EQ(second.stats.unread, 0u);
  EXPECT_EQ(second.snapshot->domains[0], first.snapshot->domains[0]);
  EXPECT_EQ(second.snapshot->domains[0]->version, domains[0].version);
  SetDomains(c, domains);
  EXPECT_EQ(Dump(*second.snapshot), Fresh(c));
}

// The tables key a domain's names by views of its compiled domain's own
// bytes. A domain and a subdomain of it nest in the provider's zones
// (mail.parent.example._dmarc.provider.test is below
// parent.example._dmarc.provider.test). The parent is served first, so its
// names are keyed by its bytes; the subdomain comes; the parent goes: its
// names stay as empty non-terminals above the subdomain's, and must no
// longer view the parent's bytes once its compile is freed. (Under ASan a
// view left behind is a use after free in Dump; in release, a wrong dump
// if the bytes were reused.)
TEST_F(CompileCacheTest, NamesKeptForASubdomainOutliveTheDomainThatWent) {
  ConfigSet c = Config();
  std::vector<DomainConfig> domains = Copy(c.domains);
  DomainConfig parent = Domain("parent.example", 21);
  parent.spf.senders = {"vendor"};
  DomainConfig child = Domain("mail.parent.example", 22);
  child.spf.senders = {"mailer"};
  std::weak_ptr<const CompiledDomain> gone;
  Compiled third;
  {
    std::vector<DomainConfig> with_parent = domains;
    with_parent.push_back(parent);
    SetDomains(c, SortedByName(with_parent));
    Compiled first = Compile(c);
    gone = *first.snapshot->domains.Find("parent.example");
    with_parent.push_back(child);
    SetDomains(c, SortedByName(with_parent));
    Compiled second = Compile(c);
    EXPECT_EQ(second.stats.compiled, 1u);  // the child, into the first's tables
    domains.push_back(child);
    SetDomains(c, SortedByName(domains));
    third = Compile(c);
    EXPECT_EQ(third.stats.compiled, 0u);  // the parent out of the second's
  }
  // A later compile shares the tables too.
  Compiled fourth = Compile(c);
  ASSERT_TRUE(gone.expired());
  for (const Snapshot* s : {third.snapshot.get(), fourth.snapshot.get()}) {
    const char* name = "parent.example._dmarc.provider.test";
    const std::string wire_name = wire::NameFromText(name).value();
    const Node* node = s->zones.FindNode(wire_name);
    ASSERT_NE(node, nullptr) << name;
    EXPECT_TRUE(node->rrsets.empty()) << name;
    EXPECT_EQ(s->zones.Below(wire_name), 1u) << name;
    EXPECT_EQ(Dump(*s), Fresh(c));
  }
}

TEST_F(CompileCacheTest, AnEmptyDeltaStillCompilesWhatComesDue) {
  ConfigSet c = Config();
  std::vector<DomainConfig> domains = Copy(c.domains);
  DkimSelector next;
  next.selector = "s2";
  next.key = CnameKey("s2.dkim.vendor.test");
  next.schedule.from = 1000;
  domains[1].dkim.selectors.push_back(next);
  SetDomains(c, domains);
  const DomainDelta nothing;
  auto compile_at = [&](UtcSeconds now, const DomainDelta* delta) {
    auto compiled = CompileSnapshot(c, 1, nullptr, &cache_, now, nullptr, delta);
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return *std::move(compiled);
  };
  Compiled before = compile_at(999, nullptr);
  Compiled still = compile_at(999, &nothing);
  EXPECT_EQ(still.stats.compiled, 0u);
  EXPECT_EQ(still.snapshot->next_change, 1000);
  Compiled at = compile_at(1000, &nothing);
  EXPECT_EQ(at.stats.compiled, 1u);
  EXPECT_FALSE(at.snapshot->next_change.has_value());
  auto fresh = CompileSnapshot(c, 1, nullptr, nullptr, 1000);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(Dump(*at.snapshot), Dump(*fresh->snapshot));
}


// A serving dnsd keeps only the head of a domain once its model compiled
// (ConfigState::set_release), and reads the file again when a change needs
// the model: the catalog, the provider settings, a sender's refreshed
// ranges. Every reload still serves what a start from the same files
// would, and a domain on a schedule keeps its model.
class ReleasedModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir_.path(), 60, 11,
                                        {testing::kRsa2048}));
    cfg_ = dir_.path() / "cfg";
    server_ = (cfg_ / "dnsd.yaml").string();
    state_.emplace(server_);
    // Its selector comes in at a time still to come: a timeline.
    Write("scheduled.example.yaml",
          absl::StrCat("domain: scheduled.example\ndkim:\n  s1: {p: \"",
                       testing::kRsa2048, "\", from: 2030-01-01T00:00:00Z}\n"));
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(cfg_ / "domains" / name, std::ios::binary | std::ios::trunc) << text;
  }
  std::string Read(const std::string& name) {
    return testing::ReadFile(cfg_ / "domains" / name);
  }
  // The first domain file (by name) whose text has `what`.
  std::string FileWith(const std::string& what) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(cfg_ / "domains")) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (Read(name).find(what) != std::string::npos) return name;
    }
    return "";
  }
  // What a start from the files as they are now serves.
  std::string Fresh(const RefreshedRanges* refreshed = nullptr) {
    LoadState fresh(server_);
    LoadedConfig loaded = LoadAndCompile(fresh, 1, false, nullptr, refreshed);
    EXPECT_FALSE(loaded.fatal);
    return loaded.snapshot != nullptr ? Dump(*loaded.snapshot) : "";
  }
  // The first load of a serving dnsd, which releases the models.
  LoadedConfig Start() {
    state_->files.set_release(true);
    return LoadAndCompile(*state_, 1);
  }
  // Replaces `from` with `to` in `file`; false if `from` is not there.
  static bool Edit(const std::filesystem::path& file, const std::string& from,
                   const std::string& to) {
    std::string text = testing::ReadFile(file);
    size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    std::ofstream(file, std::ios::trunc) << text;
    return true;
  }
  static size_t Released(const LoadedConfig& loaded) {
    size_t n = 0;
    for (const DomainHead& d : loaded.set().domains.heads()) n += d.model() == nullptr;
    return n;
  }

  testing::TempDir dir_;
  std::filesystem::path cfg_;
  std::string server_;
  std::optional<LoadState> state_;  // of server_, once SetUp wrote it
};

// The start: every model released once compiled, but the scheduled one's.
TEST_F(ReleasedModelsTest, AStartKeepsOnlyTheScheduledModel) {
  LoadedConfig first = Start();
  ASSERT_FALSE(first.fatal);
  ASSERT_EQ(first.set().domains.size(), 61u);
  EXPECT_EQ(Released(first), 60u);
  EXPECT_NE(first.set().domains.FindModel("scheduled.example"), nullptr);
  EXPECT_EQ(Dump(*first.snapshot), Fresh());
}

// The catalog: a sender's ranges change. Every file is read again to be
// checked, and the domains that name it compile again.
TEST_F(ReleasedModelsTest, ACatalogChangeReadsTheFilesAgain) {
  ASSERT_FALSE(Start().fatal);
  ASSERT_TRUE(Edit(cfg_ / "senders.yaml", "40.92.0.0/15", "40.90.0.0/15"));
  LoadedConfig changed = LoadAndCompile(*state_, 2);
  ASSERT_FALSE(changed.fatal);
  EXPECT_GT(changed.compile_stats.compiled, 0u);
  EXPECT_EQ(changed.compile_stats.unread, 0u);
  EXPECT_EQ(Released(changed), 60u);
  EXPECT_EQ(Dump(*changed.snapshot), Fresh());
}

// The provider settings a compile reads: every domain compiles again, from
// its file.
TEST_F(ReleasedModelsTest, AProviderChangeCompilesEveryDomainFromItsFile) {
  ASSERT_FALSE(Start().fatal);
  ASSERT_TRUE(Edit(server_, "spf_template: \"%{i}._ip.%{h}._ehlo.%{d}\"",
                   "spf_template: \"%{i}._ip.%{d}\""));
  LoadedConfig changed = LoadAndCompile(*state_, 2);
  ASSERT_FALSE(changed.fatal);
  EXPECT_EQ(changed.compile_stats.compiled, 61u);
  EXPECT_EQ(Released(changed), 60u);
  EXPECT_EQ(Dump(*changed.snapshot), Fresh());
}

// The SOA, NS and TTL every zone serves: no file is read and no domain
// compiles.
TEST_F(ReleasedModelsTest, AHostmasterOrTtlChangeReadsNoFile) {
  ASSERT_FALSE(Start().fatal);
  ASSERT_TRUE(Edit(server_, "hostmaster.", "dnsadmin."));
  ASSERT_TRUE(Edit(server_, "ttl: 300", "ttl: 299"));
  LoadedConfig changed = LoadAndCompile(*state_, 2);
  ASSERT_FALSE(changed.fatal);
  EXPECT_EQ(changed.report.files_read, 0u);
  EXPECT_EQ(changed.report.files_rechecked, 0u);
  EXPECT_EQ(changed.compile_stats.compiled, 0u);
  EXPECT_EQ(Released(changed), 60u);
  EXPECT_EQ(Dump(*changed.snapshot), Fresh());
}

// A file edited elsewhere than its DKIM keys, its model released: the new
// compile serves the very key objects the served one did, not a second
// copy of each (RecordFamily::ShareServed).
TEST_F(ReleasedModelsTest, AnEditedFileKeepsTheKeysItServes) {
  LoadedConfig first = Start();
  ASSERT_FALSE(first.fatal);
  auto keys_of = [](const Snapshot& s, absl::string_view name) {
    std::vector<const ApartRdata*> keys;
    if (const CompiledDomainList::Ptr* d = s.domains.Find(name)) {
      for (const KeptRRset& kept : (*d)->rrsets()) {
        if (kept.rrset.rdata != nullptr) keys.push_back(kept.rrset.rdata);
      }
    }
    return keys;
  };
  std::string name, file;
  for (const DomainHead& head : first.set().domains.heads()) {
    if (keys_of(*first.snapshot, head.domain).size() >= 1) {
      name = head.domain;
      file = std::string(head.file.str());
      break;
    }
  }
  ASSERT_FALSE(name.empty());
  std::vector<const ApartRdata*> before = keys_of(*first.snapshot, name);
  ASSERT_TRUE(Edit(file, "dmarc:\n", "dmarc:\n  aspf: s\n"));
  LoadedConfig changed = LoadAndCompile(*state_, 2);
  ASSERT_FALSE(changed.fatal);
  EXPECT_EQ(changed.compile_stats.compiled, 1u);
  EXPECT_NE(changed.snapshot->domains.Find(name)->get(), first.snapshot->domains.Find(name)->get());
  // Each key one the served compile holds (keys of the same bytes, in two
  // selectors, may now be one).
  std::vector<const ApartRdata*> after = keys_of(*changed.snapshot, name);
  EXPECT_EQ(after.size(), before.size());
  for (const ApartRdata* key : after) {
    EXPECT_NE(std::find(before.begin(), before.end(), key), before.end());
  }
  EXPECT_EQ(Released(changed), 60u);
  EXPECT_EQ(Dump(*changed.snapshot), Fresh());
}

// Every file rewritten (a comment added), as a deploy does: each model is
// released as soon as it checked out, before the compile, which reads the
// files again; only the scheduled domain's stays.
TEST_F(ReleasedModelsTest, EveryFileRewrittenIsReleasedBeforeTheCompile) {
  ASSERT_FALSE(Start().fatal);
  std::vector<size_t> held;
  state_->release_freed = [&] {
    size_t n = 0;
    for (const DomainHead& d : state_->files.domains().heads()) n += d.model() != nullptr;
    held.push_back(n);
  };
  for (const auto& e : std::filesystem::directory_iterator(cfg_ / "domains")) {
    std::string file = e.path().filename().string();
    Write(file, "# rewritten\n" + Read(file));
  }
  LoadedConfig rewritten = LoadAndCompile(*state_, 2);
  state_->release_freed = nullptr;
  ASSERT_FALSE(rewritten.fatal);
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(held.front(), 1u);  // once the files are read
  EXPECT_EQ(rewritten.compile_stats.compiled, 61u);
  EXPECT_EQ(rewritten.compile_stats.unchanged, 61u);
  EXPECT_EQ(rewritten.compile_stats.unread, 0u);
  EXPECT_EQ(Dump(*rewritten.snapshot), Fresh());
}

// One file, named as a watcher names it, breaks: its last good version
// (released) serves on. Fixed, its new read compiles and is released in
// turn.
TEST_F(ReleasedModelsTest, AFileThatBreaksServesItsLastGoodVersionUntilFixed) {
  LoadedConfig first = Start();
  ASSERT_FALSE(first.fatal);
  std::string name = FileWith("google");
  ASSERT_FALSE(name.empty());
  Write(name, Read(name) + "spf_comment_free_line: 1\n");  // an unknown key: now it fails
  std::vector<std::string> named = {(cfg_ / "domains" / name).string()};
  LoadedConfig broken = LoadAndCompile(*state_, 2, false, nullptr, nullptr, std::nullopt, &named);
  ASSERT_FALSE(broken.fatal);
  EXPECT_EQ(Dump(*broken.snapshot), Dump(*first.snapshot));
  Write(name, "# edited\n" + Read(name).substr(0, Read(name).find("spf_comment_free_line")));
  LoadedConfig fixed = LoadAndCompile(*state_, 3, false, nullptr, nullptr, std::nullopt, &named);
  ASSERT_FALSE(fixed.fatal);
  EXPECT_EQ(Released(fixed), 60u);
  EXPECT_EQ(Dump(*fixed.snapshot), Fresh());
}

// A sender's refreshed ranges, with a file changed that no watcher named
// yet: that domain's model cannot be read again as it was read, and it
// keeps its compile until its file is read.
TEST_F(ReleasedModelsTest, ADomainChangedBehindTheWatchersBackKeepsItsCompile) {
  ASSERT_FALSE(Start().fatal);
  std::string name = FileWith("google");
  ASSERT_FALSE(name.empty());
  RefreshedRanges refreshed;
  refreshed.senders["google"] = {"_spf.google.com", {P("100.64.7.0/24")}};
  Write(name, "# edited\n" + Read(name));
  std::vector<std::string> none;
  LoadedConfig ranges = LoadAndCompile(*state_, 2, false, nullptr, &refreshed, std::nullopt, &none);
  ASSERT_FALSE(ranges.fatal);
  EXPECT_GT(ranges.compile_stats.compiled, 1u);
  EXPECT_EQ(ranges.compile_stats.unread, 1u);
  std::vector<std::string> named = {(cfg_ / "domains" / name).string()};
  LoadedConfig read = LoadAndCompile(*state_, 3, false, nullptr, &refreshed, std::nullopt, &named);
  ASSERT_FALSE(read.fatal);
  EXPECT_EQ(read.compile_stats.unread, 0u);
  EXPECT_EQ(Dump(*read.snapshot), Fresh(&refreshed));
}

}  // namespace
}  // namespace dnsd::config
