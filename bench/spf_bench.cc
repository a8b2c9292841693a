// The SPF macro zone under load: the whole query path (parse → decide →
// render, dnsd::HandleQuery) per query on a snapshot with 100,000 customer
// domains, and its pieces on their own. See README.md for how to run it
// and what it measured.
//
// Heap allocations are counted by bench/alloc_counter.h; the query path must
// make none (the hot path is allocation-free), so every query
// benchmark reports allocs_per_query.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/alloc_counter.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "config/compile.h"
#include "config/loader.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/decide.h"
#include "policy/spf/query_name.h"

namespace dnsd::bench {
namespace {

constexpr int kDomains = 100000;
constexpr int kSendersPerDomain = 20;
constexpr size_t kQueries = 1 << 16;
constexpr char kZone[] = "_spf.provider.test";
// policy/spf/nspf.cc refuses a domain whose flattened _nspf record needs more
// than 7 parts of about 1,000 octets each (see README.md); the generator keeps
// each domain's netblocks and senders' ranges well below that.
constexpr size_t kFlattenBudget = 5200;

// What a query is meant to exercise; the verification pass checks that the
// answer rule matches.
enum class Kind : int {
  kNetblockV4,
  kNetblockV6,
  kSenderV4,
  kSenderV6,
  kSenderHelo,
  kMiss,
  kUnknownDomain,
  kMappedV4,
  kSubdomain,
  kTruncated,
  kCount,
};
const char* KindName(Kind k) {
  static const char* kNames[] = {"netblock_v4", "netblock_v6", "sender_v4", "sender_v6",
                                 "sender_helo", "miss",        "unknown",   "mapped_v4",
                                 "subdomain",   "truncated"};
  return kNames[static_cast<int>(k)];
}
// Per 100 queries of the mix.
constexpr std::array<int, static_cast<int>(Kind::kCount)> kMix = {22, 8, 20, 8, 10, 15, 5, 3, 5, 4};

// The ids of a plausible catalog, sorted later.
const char* kSenderIds[40] = {
    "office365",   "google",      "salesforce", "marketo",      "sendgrid",  "mailchimp",
    "amazonses",   "zendesk",     "hubspot",    "mailgun",      "postmark",  "sparkpost",
    "mandrill",    "constantcontact", "campaignmonitor", "klaviyo", "braze", "iterable",
    "brevo",       "freshdesk",   "helpscout",  "intercom",     "pardot",    "eloqua",
    "responsys",   "exacttarget", "acoustic",   "mailjet",      "elasticemail", "socketlabs",
    "smtp2go",     "zoho",        "fastmail",   "proton",       "yahoo",     "icloud",
    "atlassian",   "github",      "docusign",   "workday"};

struct Query {
  Kind kind;
  size_t offset, size;  // into Fixture::wire
  std::string name;     // presentation form, for the piece benchmarks
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  uint32_t U32() { return static_cast<uint32_t>(rng_()); }

  IpPrefix V4Prefix(uint32_t base, int length) {
    uint8_t b[4] = {static_cast<uint8_t>(base >> 24), static_cast<uint8_t>(base >> 16),
                    static_cast<uint8_t>(base >> 8), static_cast<uint8_t>(base)};
    IpPrefix p;
    p.address = IpAddress::FromV4(b);
    p.length = static_cast<uint8_t>(96 + length);
    return Mask(p);
  }
  IpPrefix V6Prefix(uint16_t first, int length) {
    IpPrefix p;
    p.address.bytes[0] = static_cast<uint8_t>(first >> 8);
    p.address.bytes[1] = static_cast<uint8_t>(first);
    for (int i = 2; i < 16; ++i) p.address.bytes[i] = static_cast<uint8_t>(U32());
    p.length = static_cast<uint8_t>(length);
    return Mask(p);
  }
  // A random address inside `p`.
  IpAddress Inside(const IpPrefix& p) {
    IpAddress a = p.address;
    for (int bit = p.length; bit < 128; ++bit) {
      if (U32() & 1) a.bytes[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
    return a;
  }

 private:
  static IpPrefix Mask(IpPrefix p) {
    for (int bit = p.length; bit < 128; ++bit) {
      p.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
    }
    return p;
  }
  std::mt19937 rng_;
};

std::string Nibbles(const IpAddress& ip) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : ip.bytes) {
    out += kHex[b >> 4];
    out += '.';
    out += kHex[b & 0xF];
    out += '.';
  }
  out.pop_back();
  return out;
}

std::string IpLabels(const IpAddress& ip, bool as_nibbles) {
  if (ip.is_v4() && !as_nibbles) return FormatIpAddress(ip);
  return Nibbles(ip);
}

size_t TermSize(const IpPrefix& p) { return FormatIpPrefix(p).size() + 5; }  // "ip4:" + space

struct Fixture {
  config::ConfigSet config;
  std::unique_ptr<config::Snapshot> snapshot;
  size_t compile_errors = 0;
  std::vector<uint8_t> wire;
  std::vector<Query> queries;
  std::vector<wire::Name> names;  // lower case, labels indexed
  std::vector<IpAddress> probe_ips;
  std::vector<std::string> probe_helos;  // wire labels, no root
  // For queries whose name reads whole with a configured domain: the IP,
  // the domain's policy and its wire name.
  struct DomainProbe {
    IpAddress ip;
    const spf::DomainPolicy* domain;
    std::string wire_domain;
  };
  std::vector<DomainProbe> domain_probes;

  Fixture() {
    Generator g(20261122);
    BuildCatalog(g);
    BuildDomains(g);
    auto compiled = config::CompileSnapshot(config, 1);
    if (!compiled.ok()) {
      std::fprintf(stderr, "compile failed: %s\n", std::string(compiled.status().message()).c_str());
      std::abort();
    }
    compile_errors = compiled->errors.size();
    for (size_t i = 0; i < std::min<size_t>(compile_errors, 3); ++i) {
      std::fprintf(stderr, "compile error: %s: %s\n", compiled->errors[i].pos.file.c_str(),
                   std::string(compiled->errors[i].message.str()).c_str());
    }
    snapshot = std::move(compiled->snapshot);
    BuildQueries(g);
    Verify();
  }

  void BuildCatalog(Generator& g) {
    std::vector<std::string> ids(std::begin(kSenderIds), std::end(kSenderIds));
    std::sort(ids.begin(), ids.end());
    for (size_t i = 0; i < ids.size(); ++i) {
      config::Sender s;
      s.id = ids[i];
      s.name = ids[i];
      s.include = absl::StrCat("_spf.", ids[i], ".example.net");
      s.answer = i % 3 == 0 ? config::SenderAnswer::kInclude : config::SenderAnswer::kIp;
      s.helo = {absl::StrCat("*.mta.", ids[i], ".net"), absl::StrCat("smtp.", ids[i], ".com")};
      if (ids[i] == "office365") s.helo.push_back("*.outbound.protection.outlook.com");
      // A few large senders with dozens of ranges, most with a handful.
      int count = i % 5 == 0 ? g.Uniform(24, 40) : g.Uniform(3, 9);
      for (int r = 0; r < count; ++r) {
        if (g.Uniform(0, 3) == 0) {
          s.ranges.prefixes.push_back(g.V6Prefix(static_cast<uint16_t>(0x2a00 + g.Uniform(0, 0xff)),
                                                 g.Uniform(32, 48)));
        } else {
          // Public-looking IPv4 space, clear of the domains' netblocks.
          uint32_t base = static_cast<uint32_t>(g.Uniform(11, 99)) << 24 | (g.U32() & 0xffffff);
          s.ranges.prefixes.push_back(g.V4Prefix(base, g.Uniform(16, 24)));
        }
      }
      config.catalog.senders.push_back(std::move(s));
    }
  }

  void BuildDomains(Generator& g) {
    config.server.udp_payload = 1232;
    config::ProviderSettings& p = config.server.provider;
    p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
    p.hostmaster = "hostmaster.provider.test";
    p.spf_zone = kZone;
    p.dmarc_zone = "_dmarc.provider.test";
    p.report_domain = "reports.provider.test";

    const auto& senders = config.catalog.senders;
    std::vector<size_t> sender_terms(senders.size());
    for (size_t i = 0; i < senders.size(); ++i) {
      for (const IpPrefix& r : senders[i].ranges.prefixes) sender_terms[i] += TermSize(r);
    }
    for (int i = 0; i < kDomains; ++i) {
      config::DomainConfig d;
      d.domain = absl::StrFormat("d%06d.example", i);
      d.file = absl::StrCat("domains/", d.domain, ".yaml");
      d.mode = i % 100 == 7 ? config::Mode::kBlocked : config::Mode::kEnforce;
      d.include_subdomains = i % 10 == 3;
      d.spf.all = i % 10 == 5 ? config::AllQualifier::kFail : config::AllQualifier::kSoftfail;
      d.dmarc.p = "none";
      size_t budget = 0;
      for (int n = g.Uniform(1, 3); n > 0; --n) {
        // 100.64.0.0/10 (shared address space) for the customers' own.
        uint32_t base = 0x64400000u | (g.U32() & 0x3fffff);
        d.spf.netblocks.push_back(g.V4Prefix(base, g.Uniform(24, 28)));
        budget += TermSize(d.spf.netblocks.back());
      }
      if (g.Uniform(0, 2) == 0) {
        IpPrefix v6 = g.V6Prefix(0x2001, 48);
        v6.address.bytes[2] = 0x0d;
        v6.address.bytes[3] = 0xb8;
        d.spf.netblocks.push_back(v6);
        budget += TermSize(v6);
      }
      // 20 distinct senders, swapping large ones out while over budget.
      std::vector<int> order(senders.size());
      for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
      std::shuffle(order.begin(), order.end(), std::mt19937(g.U32()));
      std::vector<int> chosen(order.begin(), order.begin() + kSendersPerDomain);
      std::vector<int> spare(order.begin() + kSendersPerDomain, order.end());
      auto total = [&] {
        size_t t = budget;
        for (int s : chosen) t += sender_terms[s];
        return t;
      };
      while (total() > kFlattenBudget) {
        auto big = std::max_element(chosen.begin(), chosen.end(),
                                    [&](int a, int b) { return sender_terms[a] < sender_terms[b]; });
        auto small = std::min_element(spare.begin(), spare.end(),
                                      [&](int a, int b) { return sender_terms[a] < sender_terms[b]; });
        if (sender_terms[*small] >= sender_terms[*big]) break;
        std::swap(*big, *small);
      }
      for (int s : chosen) d.spf.senders.push_back(senders[s].id);
      config.domains.push_back(std::move(d));
    }
  }

  // Appends one TXT query with EDNS(0) (as resolvers send them) to `wire`.
  void AddQuery(Kind kind, const std::string& name, uint16_t id) {
    Query q{kind, wire.size(), 0, name};
    auto u16 = [&](uint16_t v) {
      wire.push_back(static_cast<uint8_t>(v >> 8));
      wire.push_back(static_cast<uint8_t>(v));
    };
    u16(id);
    u16(0);  // QUERY, RD clear: a resolver asking an authoritative server
    u16(1);
    u16(0);
    u16(0);
    u16(1);
    auto wire_name = wire::NameFromText(name);
    if (!wire_name.ok()) {
      std::fprintf(stderr, "bad name %s\n", name.c_str());
      std::abort();
    }
    // Mixed case on the wire for a tenth of the queries (0x20 randomisation).
    std::string labels = *wire_name;
    if (id % 10 == 0) {
      for (size_t i = 0, next = 0; i < labels.size(); ++i) {
        if (i == next) {
          next += static_cast<uint8_t>(labels[i]) + 1;
          continue;
        }
        if (labels[i] >= 'a' && labels[i] <= 'z' && (i & 1)) labels[i] = static_cast<char>(labels[i] - 32);
      }
    }
    wire.insert(wire.end(), labels.begin(), labels.end());
    u16(wire::kTypeTxt);
    u16(wire::kClassIn);
    wire.push_back(0);  // OPT: root owner, type 41, 1232, no flags, no options
    u16(wire::kTypeOpt);
    u16(1232);
    u16(0);
    u16(0);
    u16(0);
    q.size = wire.size() - q.offset;
    queries.push_back(std::move(q));
    wire::Name n;
    std::copy(wire_name->begin(), wire_name->end(), n.data);
    n.size = static_cast<uint8_t>(wire_name->size());
    n.IndexLabels();
    names.push_back(n);
  }

  void BuildQueries(Generator& g) {
    std::vector<Kind> deck;
    for (int k = 0; k < static_cast<int>(Kind::kCount); ++k) {
      for (int n = 0; n < kMix[k]; ++n) deck.push_back(static_cast<Kind>(k));
    }
    auto sender_of = [&](const config::DomainConfig& d, bool v6) -> std::pair<const config::Sender*, const IpPrefix*> {
      for (int tries = 0; tries < 100; ++tries) {
        const config::Sender* s =
            config.catalog.Find(d.spf.senders[g.Uniform(0, static_cast<int>(d.spf.senders.size()) - 1)]);
        std::vector<const IpPrefix*> fit;
        for (const IpPrefix& p : s->ranges.prefixes) {
          if (p.is_v4() != v6) fit.push_back(&p);
        }
        if (!fit.empty()) return {s, fit[g.Uniform(0, static_cast<int>(fit.size()) - 1)]};
      }
      return {nullptr, nullptr};
    };
    for (size_t i = 0; i < kQueries; ++i) {
      Kind kind = deck[g.Uniform(0, static_cast<int>(deck.size()) - 1)];
      // A non-blocked domain, so the rule the kind aims at can apply.
      const config::DomainConfig* d;
      do {
        d = &config.domains[g.Uniform(0, kDomains - 1)];
      } while (d->mode == config::Mode::kBlocked && g.Uniform(0, 9) != 0);
      std::string domain = d->domain;
      IpAddress ip;
      bool nibbles = false;
      std::string helo = absl::StrCat("mail", g.Uniform(1, 99), ".customer", g.Uniform(1, 9999),
                                      ".test");
      const uint8_t miss[4] = {192, 0, 2, static_cast<uint8_t>(g.Uniform(1, 254))};
      ip = IpAddress::FromV4(miss);
      switch (kind) {
        case Kind::kNetblockV4:
        case Kind::kMappedV4:
          ip = g.Inside(d->spf.netblocks[0]);
          nibbles = kind == Kind::kMappedV4;
          break;
        case Kind::kNetblockV6: {
          const IpPrefix* v6 = nullptr;
          for (const IpPrefix& p : d->spf.netblocks) {
            if (!p.is_v4()) v6 = &p;
          }
          ip = v6 != nullptr ? g.Inside(*v6) : g.Inside(d->spf.netblocks[0]);
          break;
        }
        case Kind::kSenderV4:
        case Kind::kSenderV6: {
          auto [s, p] = sender_of(*d, kind == Kind::kSenderV6);
          if (p != nullptr) ip = g.Inside(*p);
          break;
        }
        case Kind::kSenderHelo: {
          const config::Sender* s = config.catalog.Find(d->spf.senders[g.Uniform(0, 19)]);
          helo = absl::StrCat("o", g.Uniform(1, 999), ".mta.", s->id, ".net");
          break;
        }
        case Kind::kMiss:
          break;
        case Kind::kUnknownDomain:
          domain = absl::StrFormat("u%06d.example", g.Uniform(0, kDomains - 1));
          break;
        case Kind::kSubdomain:
          while (!d->include_subdomains) d = &config.domains[g.Uniform(0, kDomains - 1)];
          domain = absl::StrCat("bounce.", d->domain);
          ip = g.Inside(d->spf.netblocks[0]);
          break;
        case Kind::kTruncated: {
          IpPrefix v6 = g.V6Prefix(0x2001, 64);
          ip = g.Inside(v6);
          helo = absl::StrCat(std::string(60, 'x'), ".", std::string(60, 'y'), ".",
                              std::string(40, 'z'), ".mx.customer.test");
          break;
        }
        case Kind::kCount:
          break;
      }
      std::string name = absl::StrCat(IpLabels(ip, nibbles), "._ip.", helo, "._ehlo.", domain, ".", kZone);
      // RFC 7208 §7.3: cut labels off the left until 253 octets remain.
      while (name.size() > 253) name.erase(0, name.find('.') + 1);
      AddQuery(kind, name, static_cast<uint16_t>(i));
      probe_ips.push_back(ip);
      auto h = wire::NameFromText(helo);
      probe_helos.push_back(h->substr(0, h->size() - 1));
    }
  }

  // Runs every query once: each is answered, and the rules it meets are
  // the ones it was built for.
  void Verify() {
    std::vector<uint8_t> response(65535);
    std::map<std::pair<int, int>, int> seen;  // (kind, rule) -> count
    for (const Query& q : queries) {
      Outcome o = HandleQuery(*snapshot, std::span<const uint8_t>(wire.data() + q.offset, q.size),
                              Transport::kUdp, response);
      if (o.size == 0 || o.rcode != 0 || o.truncated) {
        std::fprintf(stderr, "query %s: size %zu rcode %d tc %d\n", q.name.c_str(), o.size, o.rcode,
                     o.truncated);
        std::abort();
      }
      ++seen[{static_cast<int>(q.kind), o.spf_rule}];
    }
    for (size_t i = 0; i < queries.size(); ++i) {
      spf::Decision d = spf::Decide(snapshot->spf, names[i]);
      if (d.domain == nullptr || !d.name.ip_known) continue;
      domain_probes.push_back(
          {d.name.ip, d.domain, *wire::NameFromText(d.domain->name)});
    }
    std::fprintf(stderr, "query mix (kind: rule x count):\n");
    int last = -1;
    for (const auto& [key, count] : seen) {
      if (key.first != last) std::fprintf(stderr, "\n  %-12s", KindName(static_cast<Kind>(key.first)));
      last = key.first;
      std::fprintf(stderr, " %s x %d", spf::RuleName(static_cast<spf::Rule>(key.second)), count);
    }
    std::fprintf(stderr, "\n");
  }
};

const Fixture& F() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}


// The whole path per query: parse, decide, render. Arg: a Kind, or -1 for
// the mix.
void BM_Pipeline(benchmark::State& state) {
  const Fixture& f = F();
  std::vector<const Query*> picked;
  for (const Query& q : f.queries) {
    if (state.range(0) < 0 || static_cast<int>(q.kind) == state.range(0)) picked.push_back(&q);
  }
  std::vector<uint8_t> response(65535);
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const Query& q = *picked[i++ % picked.size()];
    Outcome o = HandleQuery(*f.snapshot, std::span<const uint8_t>(f.wire.data() + q.offset, q.size),
                            Transport::kUdp, response);
    benchmark::DoNotOptimize(o);
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) < 0 ? "mix" : KindName(static_cast<Kind>(state.range(0))));
  state.counters["compile_errors"] = static_cast<double>(f.compile_errors);
}
BENCHMARK(BM_Pipeline)->DenseRange(-1, static_cast<int>(Kind::kCount) - 1);

// The template match alone: every reading of each name.
void BM_TemplateMatch(benchmark::State& state) {
  const Fixture& f = F();
  const spf::MacroZone& p = f.snapshot->spf;
  size_t i = 0;
  int readings = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const wire::Name& name = f.names[i++ % f.names.size()];
    spf::NameLabels labels{&name, name.label_count - p.zone_labels};
    spf::MatchQueryName(p.tmpl, labels, [&](const spf::MacroName&) { ++readings; });
  }
  benchmark::DoNotOptimize(readings);
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TemplateMatch);

// Decide alone: match, pick a reading, apply the rules.
void BM_Decide(benchmark::State& state) {
  const Fixture& f = F();
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    spf::Decision d = spf::Decide(f.snapshot->spf, f.names[i++ % f.names.size()]);
    benchmark::DoNotOptimize(d);
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide);

// Every sender's ranges in one trie: which senders hold this address.
void BM_PrefixTrieLookup(benchmark::State& state) {
  const Fixture& f = F();
  const spf::PrefixTrie& trie = f.snapshot->spf.sender_ranges;
  size_t i = 0;
  uint64_t hits = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    trie.Lookup(f.probe_ips[i++ % f.probe_ips.size()], [&](absl::Span<const uint32_t> ids) {
      hits += ids.size();
      return false;
    });
  }
  benchmark::DoNotOptimize(hits);
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.counters["trie_nodes"] = static_cast<double>(trie.node_count());
}
BENCHMARK(BM_PrefixTrieLookup);

void BM_HeloIndexLookup(benchmark::State& state) {
  const Fixture& f = F();
  const spf::HeloIndex& index = f.snapshot->spf.helo;
  size_t i = 0;
  uint64_t hits = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    index.Lookup(f.probe_helos[i++ % f.probe_helos.size()], [&](uint32_t) {
      ++hits;
      return false;
    });
  }
  benchmark::DoNotOptimize(hits);
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HeloIndexLookup);

// Rule 3's check alone: is the IP in this domain's netblocks, which the
// domain's policy holds (a few prefixes, checked in turn).
void BM_NetblockContains(benchmark::State& state) {
  const Fixture& f = F();
  size_t i = 0;
  uint64_t hits = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const Fixture::DomainProbe& p = f.domain_probes[i++ % f.domain_probes.size()];
    for (const IpPrefix& prefix : p.domain->netblocks) {
      if (prefix.Contains(p.ip)) {
        ++hits;
        break;
      }
    }
  }
  benchmark::DoNotOptimize(hits);
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.counters["hit_rate"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_NetblockContains);

// The domain's policy by wire name (rule 1 and the include_subdomains walk).
void BM_FindDomain(benchmark::State& state) {
  const Fixture& f = F();
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const Fixture::DomainProbe& p = f.domain_probes[i++ % f.domain_probes.size()];
    benchmark::DoNotOptimize(spf::FindDomain(f.snapshot->spf, p.wire_domain));
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindDomain);

// Compiling the 100,000-domain configuration into a snapshot (a reload).
void BM_Compile100k(benchmark::State& state) {
  const Fixture& f = F();
  for (auto _ : state) {
    auto compiled = config::CompileSnapshot(f.config, 2);
    benchmark::DoNotOptimize(compiled);
    state.PauseTiming();
    compiled = absl::InternalError("freed outside the timing");
    state.ResumeTiming();
  }
  state.counters["domains"] = kDomains;
}
BENCHMARK(BM_Compile100k)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace dnsd::bench

BENCHMARK_MAIN();
