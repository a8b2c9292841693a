// Fuzz target for the SPF query-name parser: the matcher that splits a name
// under the SPF zone back into the macros a receiver expanded
// (spf::MatchQueryName), the answer rules on top of it (spf::Decide),
// and the whole query path for that name (dnsd::HandleQuery).
//
// Input (see make_query_name_corpus.py, which writes the seeds):
//
//   byte 0   bits 0-1  template: 0 "%{i}._ip.%{h}._ehlo.%{d}", 1 "%{ir}.%{d}",
//                      2 "%{ir}.%{v}.%{d}", 3 "%{i}._i.%{d}._d"
//            bits 2-3  QTYPE: 0 and 1 TXT, 2 ANY, 3 A
//            bit 4     ask with upper-case letters (the gate must fold them)
//            bit 5     EDNS(0) on the UDP query (payload 1232)
//   then     labels, each a length octet (low 6 bits; 0 reads as 1) and
//            that many octets (fewer if the input ends). Letters are folded
//            to lower case; labels stop where the name, with the zone
//            "_spf.provider.test" appended, would pass 255 octets (the last
//            one is shortened to fit).
//
// Checks, beyond "never crash" (ASan and UBSan):
//   - every reading the matcher reports: label ranges within the labels and
//     in template order, a known IP written out in the labels where the
//     template puts it, a known HELO or domain a whole part, a complete
//     reading consuming every label and segment, a truncated one only for a
//     name long enough to have been cut, and the part at the cut consistent
//     with what was cut (IP labels that are valid octets or nibbles, a HELO
//     or domain reaching the left edge); a complete reading of plain labels
//     expands (spf::ExpandQueryName) back to the very name;
//   - Decide: picks one of those readings, one with the best score (whole,
//     then configured domain, then known IP), its domain the one FindDomain
//     gives, and the rule and answer a reference written from the
//     configuration (not from the compiled policy) expects; for the terms rule
//     (example.com's terms) the reference expands each term with the RFC
//     7208 engine's macro code and judges it with the engine's parser;
//   - HandleQuery over UDP and TCP: a response ldns parses, NOERROR with AA
//     (every name under the SPF zone exists: never NXDOMAIN), the question
//     echoed, the same rule as Decide, and for TXT and ANY exactly the TXT
//     record the rule says ("v=spf1 ..."), owned by the query name; for A,
//     NODATA with the zone's SOA.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus through the same function.
#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "config/compile.h"
#include "config/model.h"
#include "config/zone_kinds.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/pipeline.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "dnsd/protocol/zone/rrset.h"
#include "dnsd/protocol/zone/zone.h"
#include "policy/spf/decide.h"
#include "policy/spf/expand.h"
#include "policy/spf/nspf.h"
#include "policy/spf/query_name.h"
#include "policy/spf/rfc7208/macro.h"
#include "policy/spf/rfc7208/record.h"
#include "policy/spf/spf_answer.h"
#include "policy/spf/template.h"
#include "policy/spf/terms_answer.h"

namespace {

using dnsd::IpAddress;
using dnsd::Transport;
using dnsd::spf::Decision;
using dnsd::spf::LabelRange;
using dnsd::spf::MacroName;
using dnsd::spf::NameLabels;
using dnsd::spf::Rule;
using dnsd::spf::SegmentKind;

constexpr const char* kTemplates[] = {"%{i}._ip.%{h}._ehlo.%{d}", "%{ir}.%{d}",
                                      "%{ir}.%{v}.%{d}", "%{i}._i.%{d}._d"};
constexpr int kTemplateCount = 4;
constexpr const char* kZone = "_spf.provider.test";
constexpr int kZoneLabels = 3;
constexpr size_t kZoneWireSize = 20;  // \4_spf\10provider\4test\0
// More readings than this for one name would mean the matcher has lost
// its bounds (the worst honest case is a few thousand).
constexpr size_t kMaxReadings = 20000;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "query_name_fuzzer: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// ---- The configuration -----------------------------------------------------

dnsd::IpPrefix Prefix(const char* text) {
  auto p = dnsd::ParseIpPrefix(text);
  if (!p.ok()) Fail("bad prefix", text);
  return *p;
}

dnsd::config::Sender MakeSender(const char* id, const char* include, bool by_include,
                                std::vector<const char*> ranges, std::vector<std::string> helo) {
  dnsd::config::Sender s;
  s.id = id;
  s.name = id;
  s.include = include;
  s.answer = by_include ? dnsd::config::SenderAnswer::kInclude : dnsd::config::SenderAnswer::kIp;
  s.helo = std::move(helo);
  s.ranges.as_of = "2026-01-01";
  s.ranges.from = include;
  for (const char* r : ranges) s.ranges.prefixes.push_back(Prefix(r));
  return s;
}

dnsd::config::DomainConfig MakeDomain(const char* name, dnsd::config::Mode mode,
                                      std::vector<std::string> senders,
                                      std::vector<const char*> netblocks) {
  dnsd::config::DomainConfig d;
  d.domain = name;
  d.file = absl::StrCat("domains/", name, ".yaml");
  d.mode = mode;
  d.dmarc.p = mode == dnsd::config::Mode::kMonitor ? "none" : "reject";
  d.spf.senders = std::move(senders);
  for (const char* n : netblocks) d.spf.netblocks.push_back(Prefix(n));
  return d;
}

// The configuration the seed corpus asks about (make_query_name_corpus.py).
// Sender ranges do not overlap each other, nor HELO patterns, so the
// reference below never has to break a tie.
const dnsd::config::ConfigSet& TheConfig() {
  static const dnsd::config::ConfigSet* config = [] {
    using dnsd::config::Mode;
    auto* set = new dnsd::config::ConfigSet;
    set->server.udp_payload = 1232;
    auto& p = set->server.provider;
    p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
    p.hostmaster = "hostmaster.provider.test";
    p.spf_zone = kZone;
    p.dmarc_zone = "_dmarc.provider.test";
    p.report_domain = "reports.provider.test";

    // Sorted by id (Catalog::Find searches).
    set->catalog.senders = {
        MakeSender("bulk", "spf.bulk.test", /*by_include=*/true,
                   {"203.0.113.0/25", "2001:db8:b00::/40"}, {"mta.bulk.test", "*.out.bulk.test"}),
        MakeSender("mailco", "_spf.mailco.test", /*by_include=*/false,
                   {"198.51.100.0/24", "2001:db8:100::/48"}, {"*.mailco.test"}),
        MakeSender("tiny", "spf.tiny.test", /*by_include=*/false,
                   {"203.0.113.128/26", "100.64.0.0/10"}, {"smtp.tiny.test"}),
    };

    // Sorted by domain, as the loader leaves them.
    std::vector<dnsd::config::DomainConfig> d;
    d.push_back(MakeDomain("blocked.example", Mode::kBlocked, {"mailco"}, {"192.0.2.0/28"}));
    // Netblocks enough for an _nspf chain of three parts.
    d.push_back(MakeDomain("chain.example", Mode::kEnforce, {"tiny"}, {}));
    for (int i = 0; i < 150; ++i) {
      d.back().spf.netblocks.push_back(Prefix(absl::StrCat("172.16.", i, ".0/24").c_str()));
    }
    d.push_back(MakeDomain("deep.example.com", Mode::kMonitor, {}, {}));
    d.push_back(MakeDomain("example.com", Mode::kEnforce, {"bulk", "mailco"},
                           {"192.0.2.0/24", "2001:db8:1::/48"}));
    d.back().include_subdomains = true;
    // The terms rule, with every macro dnsd writes in, one it leaves (%{l}), final
    // macros whose expansion may or may not end in a valid label, and one
    // term long enough for a long name to overflow the answer's budget.
    d.back().spf.terms = {"exists:%{i}._x.%{d}.test", "a", "include:%{l}.%{ir}.%{v}._y.%{d2}.test",
                          "mx:%{h}", "-exists:%{i2r-}.%{h1}", "ip4:198.18.0.0/15",
                          "exists:%{d}.%{D}.%{dr}.%{d4}.%{h}.%{H}.%{h3r}.z.test"};
    d.push_back(MakeDomain("example.net", Mode::kMonitor, {"tiny"}, {"10.0.0.0/8"}));
    d.back().spf.all = dnsd::config::AllQualifier::kFail;
    d.push_back(MakeDomain("sub.example.org", Mode::kEnforce, {"bulk", "tiny"},
                           {"2001:db8:5::/64"}));
    set->domains = d;
    return set;
  }();
  return *config;
}

struct Target {
  const dnsd::config::Snapshot* snapshot;
  dnsd::spf::Template tmpl;  // parsed here too: the harness's own copy
};

// One snapshot per template, compiled once.
const Target& TheTarget(int t) {
  static const std::vector<Target>* targets = [] {
    auto* out = new std::vector<Target>;
    for (int i = 0; i < kTemplateCount; ++i) {
      dnsd::config::ConfigSet set = TheConfig();
      set.server.provider.spf_template = kTemplates[i];
      auto compiled = dnsd::config::CompileSnapshot(set, /*generation=*/1);
      if (!compiled.ok()) Fail("CompileSnapshot failed:", std::string(compiled.status().message()));
      if (!compiled->errors.empty()) Fail("left out:", std::string(compiled->errors[0].message.str()));
      auto tmpl = dnsd::spf::ParseTemplate(kTemplates[i]);
      if (!tmpl.ok()) Fail("ParseTemplate failed:", kTemplates[i]);
      Check(compiled->snapshot->spf.tmpl.text == kTemplates[i], "snapshot has another template");
      out->push_back({compiled->snapshot.release(), *std::move(tmpl)});
    }
    return out;
  }();
  return (*targets)[t];
}

// ---- Names -----------------------------------------------------------------

std::string WireOfText(absl::string_view text) {
  auto w = dnsd::wire::NameFromText(text);
  if (!w.ok()) Fail("bad name", std::string(text));
  return *w;
}

// Printable form of labels for failure messages.
std::string Printable(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c > 0x20 && c < 0x7f && c != '\\') out.push_back(static_cast<char>(c));
    else absl::StrAppend(&out, "\\", c / 100, (c / 10) % 10, c % 10);
  }
  return out;
}

std::string Describe(const NameLabels& l, const MacroName& m) {
  auto part = [&](LabelRange r) {
    std::vector<std::string> parts;
    for (int i = r.begin; i < r.end && i < l.count; ++i) parts.push_back(Printable(l.label(i)));
    return absl::StrCat("[", r.begin, ",", r.end, ") ", absl::StrJoin(parts, "."));
  };
  return absl::StrCat(m.complete ? "whole" : "cut", " ip=",
                      m.ip_known ? dnsd::FormatIpAddress(m.ip, m.ip_as_nibbles) : "?",
                      m.ip_as_nibbles ? "/nibbles" : "", " helo=", m.helo_known ? "" : "?",
                      part(m.helo), " domain=", m.domain_known ? "" : "?", part(m.domain));
}

std::string NameText(const NameLabels& l) {
  std::vector<std::string> parts;
  for (int i = 0; i < l.count; ++i) parts.push_back(Printable(l.label(i)));
  return absl::StrJoin(parts, ".");
}

// The labels %{i} writes for `ip`: 4 decimal octets, or 32 nibbles.
std::vector<std::string> IpLabels(const IpAddress& ip, bool nibbles) {
  std::vector<std::string> out;
  if (!nibbles) {
    for (int i = 0; i < 4; ++i) out.push_back(std::to_string(ip.bytes[12 + i]));
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint8_t b : ip.bytes) {
      out.emplace_back(1, kHex[b >> 4]);
      out.emplace_back(1, kHex[b & 0xF]);
    }
  }
  return out;
}

bool IsOctetText(absl::string_view s) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v <= 255;
}

bool IsNibbleText(absl::string_view s) {
  return s.size() == 1 && ((s[0] >= '0' && s[0] <= '9') || (s[0] >= 'a' && s[0] <= 'f'));
}

// Wire form (with the root) of labels [r.begin, r.end), built label by
// label, not from the name's offsets.
std::string RangeWire(const NameLabels& l, LabelRange r) {
  std::string out;
  for (int i = r.begin; i < r.end; ++i) {
    absl::string_view label = l.label(i);
    out.push_back(static_cast<char>(label.size()));
    out.append(label.data(), label.size());
  }
  out.push_back('\0');
  return out;
}

// ---- Readings ----------------------------------------------------------------

// What CheckReading learnt about a reading, for the checks that follow.
struct ReadingFacts {
  bool plain = true;       // every label is free of '.', so text joins faithfully
  bool version_ok = true;  // a %{v} label says what ExpandQueryName would write
};

// Walks the template right to left over the labels as `m` says they fit,
// and checks that they do.
ReadingFacts CheckReading(const dnsd::spf::Template& tmpl, const dnsd::wire::Name& name,
                          const NameLabels& l, const MacroName& m) {
  const std::string what = Describe(l, m) + " of " + NameText(l);
  ReadingFacts facts;
  for (int i = 0; i < l.count; ++i) {
    if (absl::StrContains(l.label(i), '.')) facts.plain = false;
  }
  Check(m.helo.begin <= m.helo.end && m.helo.end <= l.count, "HELO range out of bounds:", what);
  Check(m.domain.begin <= m.domain.end && m.domain.end <= l.count,
        "domain range out of bounds:", what);
  Check(!m.helo_known || !m.helo.empty(), "known HELO without labels:", what);
  Check(!m.domain_known || !m.domain.empty(), "known domain without labels:", what);
  Check(tmpl.has_helo || (m.helo.empty() && !m.helo_known), "HELO in a template without one:",
        what);
  Check(tmpl.has_ip || !m.ip_known, "IP in a template without one:", what);
  if (!m.helo.empty() && !m.domain.empty()) {
    Check(m.helo.end <= m.domain.begin, "HELO and domain out of order:", what);
  }
  if (m.ip_known && !m.ip_as_nibbles) Check(m.ip.is_v4(), "dotted IP that is not IPv4:", what);
  Check(m.complete || dnsd::spf::MayBeTruncated(name),
        "truncated reading of a name too short to have been cut:", what);

  int end = l.count;
  bool cut = false;
  for (int seg = static_cast<int>(tmpl.segments.size()) - 1; seg >= 0; --seg) {
    const dnsd::spf::Segment& s = tmpl.segments[seg];
    if (end == 0) {
      // Left of the cut: nothing of this part can be known.
      cut = true;
      switch (s.kind) {
        case SegmentKind::kIp:
        case SegmentKind::kIpReversed:
          Check(!m.ip_known, "IP known though cut away:", what);
          break;
        case SegmentKind::kHelo:
          Check(!m.helo_known && m.helo.empty(), "HELO known though cut away:", what);
          break;
        case SegmentKind::kDomain:
          Check(!m.domain_known && m.domain.empty(), "domain known though cut away:", what);
          break;
        default:
          break;
      }
      continue;
    }
    switch (s.kind) {
      case SegmentKind::kLiteral:
        Check(l.label(end - 1) == s.literal, "literal label not where the template puts it:",
              what);
        --end;
        break;
      case SegmentKind::kVersion: {
        absl::string_view v = l.label(end - 1);
        Check(v == "in-addr" || v == "ip6", "%{v} label is neither in-addr nor ip6:", what);
        if (m.ip_known) facts.version_ok = v == (!m.ip_as_nibbles ? "in-addr" : "ip6");
        --end;
        break;
      }
      case SegmentKind::kIp:
      case SegmentKind::kIpReversed:
        if (m.ip_known) {
          std::vector<std::string> want = IpLabels(m.ip, m.ip_as_nibbles);
          if (s.kind == SegmentKind::kIpReversed) std::reverse(want.begin(), want.end());
          int n = static_cast<int>(want.size());
          Check(end >= n, "known IP with too few labels:", what);
          for (int i = 0; i < n; ++i) {
            Check(l.label(end - n + i) == want[i], "known IP not in its labels:", what);
          }
          end -= n;
        } else {
          // The cut went through the IP: what is left are valid octets or
          // nibbles, fewer than a whole address.
          Check(!m.complete, "complete reading without the IP:", what);
          bool octets = end < 4, nibbles = end < 32;
          for (int i = 0; i < end; ++i) {
            octets = octets && IsOctetText(l.label(i));
            nibbles = nibbles && IsNibbleText(l.label(i));
          }
          Check(octets || nibbles, "labels left of the IP's cut are not part of an IP:", what);
          end = 0;
          cut = true;
        }
        break;
      case SegmentKind::kHelo:
      case SegmentKind::kDomain: {
        bool helo = s.kind == SegmentKind::kHelo;
        bool known = helo ? m.helo_known : m.domain_known;
        LabelRange r = helo ? m.helo : m.domain;
        Check(!r.empty() && r.end == end, helo ? "HELO range not where the template puts it:"
                                               : "domain range not where the template puts it:",
              what);
        if (known) {
          // Known whole: it cannot run into the cut with parts still left.
          Check(r.begin > 0 || seg == 0, "part known whole though it reaches the cut:", what);
          end = r.begin;
        } else {
          Check(r.begin == 0 && seg > 0 && !m.complete,
                "part not known whole though nothing was cut from it:", what);
          end = 0;
          cut = true;
        }
        break;
      }
    }
  }
  Check(end == 0, "reading leaves labels unmatched:", what);
  Check(m.complete == !cut, cut ? "reading with a cut called complete:"
                                : "reading without a cut called truncated:",
        what);
  return facts;
}

// A complete reading of plain labels is exactly what a receiver with those
// macro values would have asked.
void CheckRoundTrip(const dnsd::spf::Template& tmpl, const NameLabels& l, const MacroName& m,
                    const ReadingFacts& facts) {
  if (!m.complete || !facts.plain || !facts.version_ok) return;
  if (tmpl.has_ip && !m.ip_known) return;
  auto text = [&](LabelRange r) {
    std::vector<absl::string_view> parts;
    for (int i = r.begin; i < r.end; ++i) parts.push_back(l.label(i));
    return absl::StrJoin(parts, ".");
  };
  std::string expanded = dnsd::spf::ExpandQueryName(tmpl, m.ip, m.ip_as_nibbles,
                                                       text(m.helo), text(m.domain), kZone);
  std::string asked = absl::StrCat(text({0, static_cast<uint8_t>(l.count)}), ".", kZone);
  Check(expanded == asked, "reading does not expand back to the name:",
        Describe(l, m) + ": " + Printable(expanded) + " vs " + Printable(asked));
}

bool SameReading(const MacroName& a, const MacroName& b) {
  return a.complete == b.complete && a.ip_known == b.ip_known &&
         (!a.ip_known || (a.ip == b.ip && a.ip_as_nibbles == b.ip_as_nibbles)) &&
         a.helo_known == b.helo_known && a.helo.begin == b.helo.begin &&
         a.helo.end == b.helo.end && a.domain_known == b.domain_known &&
         a.domain.begin == b.domain.begin && a.domain.end == b.domain.end;
}

// ---- The reference answer rules ----------------------------------------------

const dnsd::config::DomainConfig* ConfigOf(absl::string_view wire) {
  for (const auto& d : TheConfig().domains) {
    if (WireOfText(d.domain) == wire) return &d;
  }
  return nullptr;
}

// The configured domain that governs `wire`: itself, or its closest
// configured ancestor if that has include_subdomains.
const dnsd::config::DomainConfig* GoverningDomain(absl::string_view wire) {
  if (const auto* d = ConfigOf(wire)) return d;
  while (wire.size() > 1) {
    wire.remove_prefix(static_cast<uint8_t>(wire[0]) + 1);
    if (const auto* d = ConfigOf(wire)) return d->include_subdomains ? d : nullptr;
  }
  return nullptr;
}

const dnsd::config::Sender* SenderOf(absl::string_view id) {
  for (const auto& s : TheConfig().catalog.senders) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

// HELO labels (wire, no root) against a pattern: itself, or "*." = strictly
// below.
bool HeloMatches(absl::string_view helo_wire, const std::string& pattern) {
  bool wildcard = absl::StartsWith(pattern, "*.");
  std::string p = WireOfText(wildcard ? pattern.substr(2) : pattern);
  p.pop_back();
  if (!wildcard) return helo_wire == p;
  for (size_t at = 0; at < helo_wire.size(); at += static_cast<uint8_t>(helo_wire[at]) + 1) {
    if (at > 0 && helo_wire.substr(at) == p) return true;
  }
  return false;
}

std::string IpText(const IpAddress& ip, bool v4) {
  char text[INET6_ADDRSTRLEN];
  if (v4) inet_ntop(AF_INET, ip.bytes.data() + 12, text, sizeof(text));
  else inet_ntop(AF_INET6, ip.bytes.data(), text, sizeof(text));
  return text;
}

struct Expected {
  Rule rule;
  std::string text;  // the TXT answer
  const dnsd::config::DomainConfig* domain = nullptr;
  // Decide's rule, where the query path then falls back (the terms rule to 7).
  Rule decided = rule;
};

std::string Nibbles(const IpAddress& ip) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<std::string> parts;
  for (uint8_t b : ip.bytes) {
    parts.emplace_back(1, kHex[b >> 4]);
    parts.emplace_back(1, kHex[b & 15]);
  }
  return absl::StrJoin(parts, ".");
}

// Labels as dotted text, if a term can carry every octet as itself.
std::optional<std::string> CarriableText(const NameLabels& l, LabelRange r) {
  std::string out;
  for (int i = r.begin; i < r.end; ++i) {
    if (i != r.begin) out.push_back('.');
    for (char c : l.label(i)) {
      if (c < 0x21 || c > 0x7e || c == '%' || c == '.') return std::nullopt;
      out.push_back(c);
    }
  }
  return out;
}

// The terms rule from the configuration: each term's %{i}, %{v}, %{h}, %{d}
// expanded by the engine's macro code (as a %{h} whose value is ours), a
// value that needs escaping or a final macro that leaves no valid term
// kept as written (for %{d}: no answer), judged by the engine's parser:
// the term must parse to the same mechanism, target and CIDR lengths
// ("mx:%{h}" with HELO "mx.a/24" must not become MX of "mx.a", /24).
std::optional<std::string> ReferenceTerms(const NameLabels& l, const MacroName& m,
                                          const dnsd::config::DomainConfig& d) {
  using dnsd::spf::MacroToken;
  bool dotted = m.ip.is_v4() && !m.ip_as_nibbles;
  std::string ip = dotted ? IpText(m.ip, true) : Nibbles(m.ip);
  std::string version = dotted ? "in-addr" : "ip6";
  std::optional<std::string> helo = m.helo_known ? CarriableText(l, m.helo) : std::nullopt;
  std::optional<std::string> domain = CarriableText(l, m.domain);
  std::string out = "v=spf1";
  for (const std::string& text : d.spf.terms) {
    auto term = dnsd::spf::ParseTerm(text);
    Check(term.ok(), "configured term does not parse:", text);
    std::string head, spec_text, tail;
    if (term->kind == dnsd::spf::TermKind::kIp4 || term->kind == dnsd::spf::TermKind::kIp6) {
      absl::StrAppend(&out, " ", text);
      continue;
    }
    if (!term->domain_spec.empty()) {
      size_t colon = text.find(':');
      head = text.substr(0, colon + 1);
      spec_text = term->domain_spec;
      tail = text.substr(colon + 1 + spec_text.size());
    } else {
      size_t end = std::min(text.find('/'), text.size());
      head = text.substr(0, end) + ":";
      spec_text = "%{d}";
      tail = text.substr(end);
    }
    auto tokens = dnsd::spf::ParseMacroString(spec_text, dnsd::spf::MacroUse::kDomainSpec);
    Check(tokens.ok(), "configured spec does not parse:", spec_text);
    std::string spec;
    size_t last_at = 0;
    bool last_expanded = false;
    for (const MacroToken& token : *tokens) {
      last_expanded = false;
      std::optional<std::string> value;
      if (token.kind == MacroToken::Kind::kMacro) {
        if (token.letter == 'i') value = ip;
        if (token.letter == 'v') value = version;
        if (token.letter == 'h') value = helo;
        if (token.letter == 'd') value = domain;
      }
      if (value) {
        MacroToken as_h = token;
        as_h.letter = 'h';
        as_h.url_escape = false;
        dnsd::spf::MacroContext context;
        context.helo = *value;
        dnsd::spf::ExpandOptions options;
        options.use = dnsd::spf::MacroUse::kExplanation;  // no dot removal, no cut
        auto expanded = dnsd::spf::ExpandTokens({as_h}, context, options);
        Check(expanded.ok(), "engine cannot expand:", token.text);
        bool escapes = token.url_escape &&
                       !std::all_of(expanded->begin(), expanded->end(), [](char c) {
                         return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                c == '.' || c == '_' || c == '~';
                       });
        if (!escapes) {
          last_at = spec.size();
          spec += *expanded;
          last_expanded = true;
          continue;
        }
      }
      if (token.kind == MacroToken::Kind::kMacro && token.letter == 'd') return std::nullopt;
      spec += token.text;
    }
    auto same_term = [&](const std::string& piece, absl::string_view target) {
      auto parsed = dnsd::spf::ParseTerm(piece);
      return parsed.ok() && parsed->kind == term->kind && parsed->domain_spec == target &&
             parsed->cidr4 == term->cidr4 && parsed->cidr6 == term->cidr6 &&
             parsed->qualifier == term->qualifier;
    };
    std::string piece = head + spec + tail;
    if (last_expanded && !same_term(piece, spec)) {
      if (tokens->back().letter == 'd') return std::nullopt;
      spec = spec.substr(0, last_at) + tokens->back().text;
      piece = head + spec + tail;
    }
    Check(same_term(piece, spec), "reference term does not parse as configured:", piece);
    absl::StrAppend(&out, " ", piece);
  }
  absl::StrAppend(&out, d.spf.all == dnsd::config::AllQualifier::kFail ? " -all" : " ~all");
  if (out.size() > dnsd::spf::kMaxTermsText) return std::nullopt;
  return out;
}

// The rule and answer for reading `m`, from the configuration alone.
Expected Reference(const NameLabels& l, const MacroName& m) {
  const dnsd::config::DomainConfig* d =
      m.domain_known ? GoverningDomain(RangeWire(l, m.domain)) : nullptr;
  if (d == nullptr) return {Rule::kUnknownDomain, "v=spf1 ?all", nullptr};
  if (d->mode == dnsd::config::Mode::kBlocked) return {Rule::kBlocked, "v=spf1 -all", d};
  std::string ip_answer;
  if (m.ip_known) {
    ip_answer = m.ip.is_v4() ? absl::StrCat("v=spf1 ip4:", IpText(m.ip, true),
                                            m.ip_as_nibbles ? " ip6:" + IpText(m.ip, false) : "",
                                            " ~all")
                             : absl::StrCat("v=spf1 ip6:", IpText(m.ip, false), " ~all");
    for (const auto& p : d->spf.netblocks) {
      if (p.Contains(m.ip)) return {Rule::kNetblock, ip_answer, d};
    }
    for (const auto& id : d->spf.senders) {
      const dnsd::config::Sender* s = SenderOf(id);
      for (const auto& p : s->ranges.prefixes) {
        if (!p.Contains(m.ip)) continue;
        if (s->answer == dnsd::config::SenderAnswer::kInclude) {
          return {Rule::kSenderRange, absl::StrCat("v=spf1 include:", s->include, " ~all"), d};
        }
        return {Rule::kSenderRange, ip_answer, d};
      }
    }
  }
  if (m.helo_known) {
    std::string helo = RangeWire(l, m.helo);
    helo.pop_back();
    for (const auto& id : d->spf.senders) {
      const dnsd::config::Sender* s = SenderOf(id);
      for (const auto& pattern : s->helo) {
        if (HeloMatches(helo, pattern)) {
          return {Rule::kSenderHelo, absl::StrCat("v=spf1 include:", s->include, " ~all"), d};
        }
      }
    }
  }
  if (!m.ip_known) {
    return {Rule::kTruncated, absl::StrCat("v=spf1 include:", d->domain, "._nspf.", kZone, " ~all"),
            d};
  }
  std::string fallback =
      d->spf.all == dnsd::config::AllQualifier::kFail ? "v=spf1 -all" : "v=spf1 ~all";
  if (!d->spf.terms.empty()) {
    if (std::optional<std::string> terms = ReferenceTerms(l, m, *d)) {
      return {Rule::kTerms, *terms, d};
    }
    return {Rule::kDefault, fallback, d, Rule::kTerms};
  }
  return {Rule::kDefault, fallback, d};
}

std::string RRsetText(const dnsd::RRset& rrset) {
  std::vector<std::string> rdata = dnsd::RdataOf(rrset);
  Check(rdata.size() == 1, "SPF answer is not one record");
  std::string text;
  absl::string_view rest = rdata.front();
  while (!rest.empty()) {
    size_t n = static_cast<uint8_t>(rest[0]);
    Check(n + 1 <= rest.size(), "TXT string overruns its RDATA");
    text.append(rest.data() + 1, n);
    rest.remove_prefix(n + 1);
  }
  return text;
}

// The text of TXT RDATA the query path wrote, its strings checked.
std::string WrittenText(const char* rdata, size_t n, const char* what) {
  std::string text;
  for (size_t at = 0; at < n;) {
    size_t len = static_cast<uint8_t>(rdata[at]);
    Check(at + 1 + len <= n && len > 0 && len <= 255, what);
    text.append(rdata + at + 1, len);
    at += 1 + len;
  }
  return text;
}

std::string DecisionText(const dnsd::spf::MacroZone& p, const Decision& d,
                         const dnsd::wire::Name& name) {
  if (d.terms_answer) {
    char rdata[dnsd::spf::kMaxTermsRdata];
    size_t n = dnsd::spf::TermsAnswerRdata(d.domain->terms, d.domain->fail_all, name, d.name,
                                              rdata);
    if (n == 0) return RRsetText(*p.Fallback(*d.domain));
    Check(n <= sizeof(rdata), "terms answer larger than its bound");
    return WrittenText(rdata, n, "terms answer's strings are wrong");
  }
  if (d.flattened_answer) {
    char rdata[dnsd::Answer::kScratchSize - 10];
    size_t n = dnsd::spf::FlattenedRdata(p, *d.domain, rdata);
    Check(n > 0, "no flattened answer for a configured domain");
    return WrittenText(rdata, n, "flattened answer's strings are wrong");
  }
  if (d.ip_answer) {
    char rdata[dnsd::Answer::kScratchSize];
    size_t n = dnsd::spf::IpAnswerRdata(d.name, rdata);
    Check(n >= 1 && n <= sizeof(rdata) - 10, "IP answer larger than the scratch space");
    Check(static_cast<uint8_t>(rdata[0]) + 1u == n, "IP answer's string length is wrong");
    return std::string(rdata + 1, n - 1);
  }
  return RRsetText(*d.answer);
}

// ---- Decide -------------------------------------------------------------------

// Decide ranks complete and cut readings apart, each by configured domain,
// then known IP; the cut one wins only when the cut went through the IP and
// both are governed by the same domain (policy/spf/decide.cc).
int Score(const MacroName& m, bool configured) {
  return (configured ? 2 : 0) + (m.ip_known ? 1 : 0);
}

// Runs the matcher and Decide; returns Decide's rule and the expected answer
// text ("" for NODATA).
struct Decided {
  Rule rule;    // Decide's
  Rule served;  // the TXT answer's: rule 7 where the terms rule could not be written
  std::string text;
};

Decided CheckDecide(const Target& target, const dnsd::wire::Name& name) {
  const dnsd::spf::MacroZone& p = target.snapshot->spf;
  NameLabels l{&name, name.label_count - kZoneLabels};

  std::vector<MacroName> readings;
  dnsd::spf::MatchQueryName(target.tmpl, l, [&](const MacroName& m) {
    Check(readings.size() < kMaxReadings, "too many readings for", NameText(l));
    readings.push_back(m);
  });
  // The compiled template reads the name the same way.
  size_t compiled_count = 0;
  dnsd::spf::MatchQueryName(p.tmpl, l, [&](const MacroName& m) {
    Check(compiled_count < readings.size() && SameReading(m, readings[compiled_count]),
          "compiled template reads the name differently:", NameText(l));
    ++compiled_count;
  });
  Check(compiled_count == readings.size(), "compiled template reads fewer readings");

  int best_complete = -1, best_cut = -1;
  const MacroName* first_best_complete = nullptr;
  const MacroName* first_best_cut = nullptr;
  for (size_t i = 0; i < readings.size(); ++i) {
    const MacroName& m = readings[i];
    ReadingFacts facts = CheckReading(target.tmpl, name, l, m);
    CheckRoundTrip(target.tmpl, l, m, facts);
    bool configured = m.domain_known && GoverningDomain(RangeWire(l, m.domain)) != nullptr;
    int& best = m.complete ? best_complete : best_cut;
    const MacroName*& first = m.complete ? first_best_complete : first_best_cut;
    if (Score(m, configured) > best) {
      best = Score(m, configured);
      first = &m;
    }
  }
  auto governing = [&](const MacroName* m) {
    return m != nullptr && m->domain_known ? GoverningDomain(RangeWire(l, m->domain)) : nullptr;
  };
  bool cut_wins = first_best_cut != nullptr &&
                  (first_best_complete == nullptr ||
                   (first_best_cut->ip_cut && governing(first_best_cut) != nullptr &&
                    governing(first_best_cut) == governing(first_best_complete)));
  int best = cut_wins ? best_cut : best_complete;

  Decision d = dnsd::spf::Decide(p, name);
  std::string what = absl::StrCat(dnsd::spf::RuleName(d.rule), " for ", NameText(l));

  // <domain>._nspf.<zone> names without a record of their own.
  bool nspf = name.label_count > p.nspf_labels &&
              name.Suffix(name.label_count - p.nspf_labels) == p.nspf;
  if (nspf) {
    Check(d.rule == Rule::kUnknownDomain && d.answer == p.unknown_domain && !d.ip_answer,
          "_nspf name not answered ?all:", what);
    return {d.rule, d.rule, "v=spf1 ?all"};
  }
  if (readings.empty()) {
    Check(d.rule == Rule::kNotAMacroName, "rule for a name no reading fits:", what);
    Check(d.answer == nullptr && !d.ip_answer && d.domain == nullptr,
          "answer for a name no reading fits:", what);
    return {d.rule, d.rule, ""};
  }
  Check(d.rule != Rule::kNotAMacroName, "no rule though readings fit:", what);
  bool found = false;
  for (const MacroName& m : readings) found = found || SameReading(m, d.name);
  Check(found, "Decide chose a reading the matcher did not report:", Describe(l, d.name));

  const dnsd::spf::DomainPolicy* domain =
      d.name.domain_known ? dnsd::spf::FindDomain(p, RangeWire(l, d.name.domain)) : nullptr;
  Check(d.domain == domain, "Decide's domain is not FindDomain's:", what);
  Check(d.name.complete == !cut_wins, "Decide chose the wrong kind of reading:", what);
  Check(Score(d.name, domain != nullptr) == best, "Decide did not choose a best reading:",
        absl::StrCat(Describe(l, d.name), " scores ", Score(d.name, domain != nullptr),
                     ", best ", best));

  Expected want = Reference(l, d.name);
  Check((want.domain == nullptr) == (domain == nullptr), "configured domain differs:", what);
  if (domain != nullptr) {
    Check(domain->name == want.domain->domain, "governing domain differs:",
          absl::StrCat(domain->name, " vs ", want.domain->domain));
  }
  Check(d.rule == want.decided, "rule differs from the reference:",
        absl::StrCat(what, " (", Describe(l, d.name), "), want ",
                     dnsd::spf::RuleName(want.decided)));
  Check(int{d.ip_answer} + int{d.answer != nullptr} + int{d.terms_answer} +
                int{d.flattened_answer} == 1,
        "not exactly one of ip_answer, answer, terms_answer and flattened_answer:", what);
  std::string text = DecisionText(p, d, name);
  Check(text == want.text, "answer differs from the reference:",
        absl::StrCat(what, ": '", text, "' vs '", want.text, "'"));
  return {d.rule, want.rule, text};
}

// ---- The query path ------------------------------------------------------------

std::vector<uint8_t> BuildQuery(const dnsd::wire::Name& name, uint16_t qtype, bool upper,
                                bool edns, uint16_t id) {
  std::vector<uint8_t> q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x00, 0x00,
                            0, 1, 0, 0, 0, 0, 0, static_cast<uint8_t>(edns ? 1 : 0)};
  for (size_t i = 0; i < name.size; ++i) {
    uint8_t c = name.data[i];
    // Length octets are < 64, never letters.
    if (upper && c >= 'a' && c <= 'z' && (i % 2) == 0) c = static_cast<uint8_t>(c - 'a' + 'A');
    q.push_back(c);
  }
  q.insert(q.end(), {static_cast<uint8_t>(qtype >> 8), static_cast<uint8_t>(qtype), 0,
                     dnsd::wire::kClassIn});
  if (edns) q.insert(q.end(), {0, 0, dnsd::wire::kTypeOpt, 0x04, 0xd0, 0, 0, 0, 0, 0, 0});
  return q;
}

std::string Lower(std::string s) {
  absl::AsciiStrToLower(&s);
  return s;
}

// If `name` is "<domain>._nspf[k].<zone>" for a configured domain: the
// text of that part of its chain, from the configuration (the compile's
// FlattenedSpf), or "" past the chain's end.
std::optional<std::string> NspfPart(const dnsd::wire::Name& name) {
  int tag = name.label_count - kZoneLabels - 1;
  if (tag < 1) return std::nullopt;
  absl::string_view label = name.view().substr(name.label_offsets[tag] + 1,
                                               name.data[name.label_offsets[tag]]);
  size_t part = 0;
  if (label == "_nspf") {
    part = 0;
  } else if (label.size() == 6 && absl::StartsWith(label, "_nspf") && label[5] >= '2' &&
             label[5] <= '7') {
    part = static_cast<size_t>(label[5] - '1');
  } else {
    return std::nullopt;
  }
  std::string domain(name.view().substr(0, name.label_offsets[tag]));
  domain.push_back('\0');
  const dnsd::config::DomainConfig* d = ConfigOf(domain);
  if (d == nullptr) return std::nullopt;
  auto texts = dnsd::config::FlattenedSpf(*d, TheConfig().catalog, kZone);
  if (!texts.ok()) texts = std::vector<std::string>{"v=spf1 ?all"};
  return part < texts->size() ? (*texts)[part] : "";
}

void CheckPipeline(const Target& target, const dnsd::wire::Name& name, uint16_t qtype,
                   bool upper, bool edns, const Decided& decided) {
  const std::optional<std::string> nspf = NspfPart(name);
  const std::string& text = nspf ? *nspf : decided.text;
  const dnsd::config::Snapshot& snapshot = *target.snapshot;
  for (Transport transport : {Transport::kUdp, Transport::kTcp}) {
    bool udp = transport == Transport::kUdp;
    std::vector<uint8_t> request = BuildQuery(name, qtype, upper, udp && edns, 0xbeef);
    std::vector<uint8_t> buffer(dnsd::wire::kMaxMessageSize);
    dnsd::Outcome out = dnsd::HandleQuery(snapshot, request, transport, buffer);
    std::string where = absl::StrCat(udp ? "UDP" : "TCP", " qtype ", qtype);
    Check(out.size > 0, "query dropped:", where);
    Check(out.size <= buffer.size(), "response larger than the buffer:", where);
    std::span<const uint8_t> response(buffer.data(), out.size);
    auto msg = dnsd::testing::ParseWithLdns(response);
    if (!msg.ok()) Fail("ldns cannot parse the response:", std::string(msg.status().message()));
    const std::string detail = where + "\n" + msg->text;
    Check(msg->id == 0xbeef && msg->qr && !msg->ra, "header wrong:", detail);
    Check(msg->extended_rcode == dnsd::wire::kNoError, "not NOERROR:", detail);
    Check(msg->aa, "AA not set:", detail);
    Check(out.zone_kind == dnsd::config::KindOf("spf"), "not answered by the SPF zone:",
          detail);
    Check(msg->qdcount == 1 && msg->question.size() == 1, "question not echoed:", detail);
    auto asked = dnsd::testing::NameAtWithLdns(request, dnsd::wire::kHeaderSize);
    Check(asked.ok(), "ldns cannot read the name asked");
    Check(msg->question[0].owner == *asked, "question echoed as another name:", detail);
    if (udp && !edns) Check(out.size <= 512, "UDP response without EDNS over 512:", detail);
    Check(!(msg->tc && !udp), "TCP response truncated:", detail);
    Check(msg->tc == out.truncated, "TC differs from the outcome:", detail);
    if (msg->tc) continue;  // too large for this UDP budget; TCP checks the rest

    // A part of a configured domain's _nspf chain is records of that
    // domain; every other name is answered by the SPF rules, as Decide said.
    bool rules = out.spf_rule >= 0;
    Check(rules == !nspf, nspf ? "a chain part answered by a rule:" : "no rule for a name:",
          detail);
    bool want_txt = qtype == dnsd::wire::kTypeTxt || qtype == dnsd::wire::kTypeAny;
    if (nspf && (nspf->empty() || !want_txt)) {
      Check(msg->answer.empty(), "NODATA with answers:", detail);
      Check(msg->authority.size() == 1 && msg->authority[0].type == dnsd::wire::kTypeSoa,
            "NODATA without the zone's SOA:", detail);
      continue;
    }
    // Only a TXT answer is written, so only it can fall back.
    Rule rule = want_txt ? decided.served : decided.rule;
    if (rules) {
      Check(out.spf_rule == static_cast<int>(rule), "pipeline's rule differs from Decide's:",
            absl::StrCat(detail, "\nDecide: ", dnsd::spf::RuleName(rule)));
    }
    if (rules && (rule == Rule::kNotAMacroName || !want_txt)) {
      Check(msg->answer.empty(), "NODATA with answers:", detail);
      Check(msg->authority.size() == 1 && msg->authority[0].type == dnsd::wire::kTypeSoa &&
                Lower(msg->authority[0].owner) == absl::StrCat(kZone, "."),
            "NODATA without the zone's SOA:", detail);
      continue;
    }
    if (!want_txt) {
      Check(msg->answer.empty(), "records of another type for an SPF name:", detail);
      continue;
    }
    Check(msg->answer.size() == 1, "not one answer:", detail);
    const auto& rr = msg->answer[0];
    Check(rr.type == dnsd::wire::kTypeTxt, "answer not TXT:", detail);
    Check(Lower(rr.owner) == Lower(*asked), "answer not owned by the query name:", detail);
    Check(absl::StartsWith(rr.Text(), "v=spf1 "), "TXT answer not SPF:", detail);
    Check(rr.Text() == text, "TXT answer is not the one decided:", detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t choice = data[0];
  const Target& target = TheTarget(choice & 3);
  static constexpr uint16_t kQtypes[] = {dnsd::wire::kTypeTxt, dnsd::wire::kTypeTxt,
                                         dnsd::wire::kTypeAny, dnsd::wire::kTypeA};
  uint16_t qtype = kQtypes[(choice >> 2) & 3];
  bool upper = (choice & 0x10) != 0;
  bool edns = (choice & 0x20) != 0;

  // The labels, then the zone.
  dnsd::wire::Name name;
  size_t at = 1, used = 0;
  const size_t budget = dnsd::wire::kMaxNameSize - kZoneWireSize;
  while (at < size && used + 2 <= budget) {
    size_t len = data[at++] & 0x3F;
    if (len == 0) len = 1;
    len = std::min({len, size - at, budget - used - 1});
    if (len == 0) break;
    name.data[used++] = static_cast<uint8_t>(len);
    for (size_t i = 0; i < len; ++i) {
      uint8_t c = data[at++];
      name.data[used++] = c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c - 'A' + 'a') : c;
    }
  }
  if (used == 0) return 0;  // the apex is the packet fuzzer's
  const std::string& zone = target.snapshot->spf.zone;
  Check(zone.size() == kZoneWireSize, "zone is not _spf.provider.test");
  std::memcpy(name.data + used, zone.data(), zone.size());
  name.size = static_cast<uint8_t>(used + zone.size());
  name.IndexLabels();
  Check(name.size <= dnsd::wire::kMaxNameSize && name.label_count < dnsd::wire::kMaxLabels,
        "harness built an illegal name");

  Decided decided = CheckDecide(target, name);
  CheckPipeline(target, name, qtype, upper, edns, decided);
  // QUERY_NAME_FUZZER_VERBOSE=1: what each input was answered, for seeing
  // which rules a corpus reaches.
  static const bool verbose = std::getenv("QUERY_NAME_FUZZER_VERBOSE") != nullptr;
  if (verbose) {
    NameLabels l{&name, name.label_count - kZoneLabels};
    std::fprintf(stderr, "  t%d %s %zu octets: %s -> %s '%s'\n", choice & 3,
                 qtype == dnsd::wire::kTypeA ? "A" : qtype == dnsd::wire::kTypeAny ? "ANY" : "TXT",
                 static_cast<size_t>(name.size), NameText(l).c_str(),
                 dnsd::spf::RuleName(decided.served), decided.text.c_str());
  }
  return 0;
}
