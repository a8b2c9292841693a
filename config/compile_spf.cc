#include "config/compile_spf.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/base/status_macros.h"
#include "dnsd/wire/name.h"
#include "policy/template.h"

namespace dnsd::config {
namespace {

// Each record of an _nspf chain stays small enough for a 1232-octet UDP
// answer (PRODUCT.md's EDNS payload); at most kMaxParts records keep the
// chain, plus the customer's include and ours, within RFC 7208 §4.6.4's 10
// look-ups.
constexpr size_t kUdpAnswer = 1232;
constexpr size_t kMaxParts = 7;

// The TXT text that fits a UDP answer owned by `owner` (text form): header,
// question, the record's pointer and fixed fields, RDATA length octets for
// up to four character-strings, and the OPT record.
size_t TextBudget(const std::string& owner) {
  size_t question = owner.size() + 2 + 4;
  size_t room = kUdpAnswer - 12 - question - 2 - 10 - 11;
  // Every 255 octets of text (or part of them) take one length octet.
  return room - (room + 255) / 256;
}

const char* AllTerm(const DomainConfig& d) {
  return d.mode == Mode::kBlocked || d.spf.all == AllQualifier::kFail ? "-all" : "~all";
}

// Part 1 of a chain is <domain>._nspf.<zone>, part k is <domain>._nspf<k>.
// <zone>: every part has a tree of its own, so no customer domain's name can
// ever be another domain's chain part.
std::string PartName(size_t i, absl::string_view domain, absl::string_view zone) {
  return i == 0 ? absl::StrCat(domain, "._nspf.", zone)
                : absl::StrCat(domain, "._nspf", i + 1, ".", zone);
}

Diagnostic DomainError(const DomainConfig& d, absl::string_view message) {
  Diagnostic e;
  e.pos.file = d.file;
  e.message = std::string(message);
  return e;
}

struct SpfAnswers {
  const RRset* soft;
  const RRset* fail;
};

void CompileSenders(const Catalog& catalog, const RefreshedRanges* refreshed, ZoneBuilder& b,
                    Zone* zone, policy::SpfPolicy& spf, std::vector<Diagnostic>* errors) {
  for (uint32_t i = 0; i < catalog.senders.size(); ++i) {
    const Sender& s = catalog.senders[i];
    policy::SenderPolicy sp;
    sp.id = s.id;
    sp.include = s.include;
    sp.answer_by_include = s.answer == SenderAnswer::kInclude;
    sp.include_answer = b.Txt(absl::StrCat("v=spf1 include:", s.include, " ~all"));
    b.Digest(zone, absl::StrCat(s.id, " ", s.include, " ", sp.answer_by_include));
    for (const IpPrefix& prefix : RangesInUse(s, refreshed)) {
      spf.sender_ranges.Insert(prefix, i);
      b.Digest(zone, FormatIpPrefix(prefix));
    }
    for (const std::string& pattern : s.helo) {
      if (absl::Status st = spf.helo.Add(pattern, i); !st.ok()) {
        Diagnostic e;
        e.pos = s.pos;
        e.message = absl::StrCat("sender ", s.id, ": HELO pattern '", pattern, "': ", st.message());
        errors->push_back(std::move(e));
      }
      b.Digest(zone, pattern);
    }
    spf.senders.push_back(std::move(sp));
  }
}

// Everything of one domain, computed before anything is added.
struct DomainSpfPlan {
  std::string wire_name;
  policy::DomainPolicy policy;
  std::vector<std::pair<std::string, const RRset*>> nspf;  // owner, record
  std::string warning;  // why <d>._nspf answers ?all, if it does
};

absl::StatusOr<DomainSpfPlan> PlanDomain(const DomainConfig& d, uint32_t index,
                                         const ConfigSet& config, absl::string_view spf_zone,
                                         const RefreshedRanges* refreshed, ZoneBuilder& b,
                                         const SpfAnswers& answers) {
  DomainSpfPlan plan;
  DNSD_ASSIGN_OR_RETURN(plan.wire_name, wire::NameFromText(d.domain));
  policy::DomainPolicy& dp = plan.policy;
  dp.index = index;
  dp.name = d.domain;
  dp.blocked = d.mode == Mode::kBlocked;
  dp.include_subdomains = d.include_subdomains;
  dp.fail_all = d.spf.all == AllQualifier::kFail;
  for (const std::string& id : d.spf.senders) {
    // A domain file's last good version may name a sender the catalog has
    // since dropped: serve the rest of the domain rather than none of it.
    const Sender* s = config.catalog.Find(id);
    if (s == nullptr) {
      absl::StrAppend(&plan.warning, plan.warning.empty() ? "" : "; ", "sender '", id,
                      "' is no longer in the catalog");
      continue;
    }
    dp.senders.push_back(static_cast<uint32_t>(s - config.catalog.senders.data()));
  }
  std::sort(dp.senders.begin(), dp.senders.end());
  dp.fallback = dp.fail_all ? answers.fail : answers.soft;
  // Rule 6. The loader has checked each term (config/spf_section.cc).
  for (const std::string& text : d.spf.terms) {
    DNSD_ASSIGN_OR_RETURN(policy::TermTemplate term, policy::CompileTerm(text));
    dp.terms.push_back(std::move(term));
  }

  std::string nspf_text = PartName(0, d.domain, spf_zone);
  // RFC 7208 §7.3: a domain-spec is at most 253 octets; parts 2.. add one.
  if (nspf_text.size() + 1 > 253) {
    return absl::InvalidArgumentError(absl::StrCat(nspf_text, " is too long for an include"));
  }
  dp.flattened = b.Txt(absl::StrCat("v=spf1 include:", nspf_text, " ~all"));
  auto parts = FlattenedSpf(d, config.catalog, spf_zone, refreshed);
  if (!parts.ok()) {
    // The macro answers do not need the flattened record: keep them, and
    // let only <d>._nspf fall back to the unconfigured answer.
    absl::StrAppend(&plan.warning, plan.warning.empty() ? "" : "; ", parts.status().message(),
                    "; ", d.domain, "._nspf answers ?all");
    parts = std::vector<std::string>{"v=spf1 ?all"};
  }
  for (size_t i = 0; i < parts->size(); ++i) {
    DNSD_ASSIGN_OR_RETURN(std::string owner,
                          wire::NameFromText(PartName(i, d.domain, spf_zone)));
    plan.nspf.emplace_back(std::move(owner), b.Txt((*parts)[i]));
  }
  return plan;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FlattenedSpf(const DomainConfig& d,
                                                       const Catalog& catalog,
                                                       absl::string_view spf_zone,
                                                       const RefreshedRanges* refreshed) {
  const std::string all = AllTerm(d);
  if (d.mode == Mode::kBlocked) return std::vector<std::string>{"v=spf1 -all"};
  std::vector<std::string> terms;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](const IpPrefix& p) {
    std::string term = absl::StrCat(p.is_v4() ? "ip4:" : "ip6:", FormatIpPrefix(p));
    if (seen.insert(term).second) terms.push_back(std::move(term));
  };
  for (const IpPrefix& p : d.spf.netblocks) add(p);
  for (const std::string& id : d.spf.senders) {
    if (const Sender* s = catalog.Find(id); s != nullptr) {
      for (const IpPrefix& p : RangesInUse(*s, refreshed)) add(p);
    }
  }
  std::vector<std::string> records;
  std::string text = "v=spf1";
  for (const std::string& term : terms) {
    size_t i = records.size();
    // Room for this term, and still for the link to the next part.
    size_t link = absl::StrCat(" include:", PartName(i + 1, d.domain, spf_zone), " ", all).size();
    if (text.size() + 1 + term.size() + link > TextBudget(PartName(i, d.domain, spf_zone)) &&
        text != "v=spf1") {
      absl::StrAppend(&text, " include:", PartName(i + 1, d.domain, spf_zone), " ", all);
      records.push_back(std::exchange(text, "v=spf1"));
    }
    absl::StrAppend(&text, " ", term);
  }
  absl::StrAppend(&text, " ", all);
  records.push_back(std::move(text));
  if (records.size() > kMaxParts) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "netblocks and sender ranges need ", records.size(),
        " chained _nspf records; at most ", kMaxParts,
        " keep a receiver within 10 DNS look-ups"));
  }
  return records;
}

absl::Status CompileSpf(const ConfigSet& config, ZoneBuilder& b, Snapshot& snap,
                        std::vector<Diagnostic>* errors, const RefreshedRanges* refreshed) {
  const ProviderSettings& p = config.server.provider;
  policy::SpfPolicy& spf = snap.spf;
  DNSD_ASSIGN_OR_RETURN(spf.tmpl, policy::ParseTemplate(p.spf_template));
  DNSD_ASSIGN_OR_RETURN(spf.zone, wire::NameFromText(p.spf_zone));
  spf.zone_labels = static_cast<uint8_t>(wire::CountLabels(spf.zone));
  spf.ttl = p.ttl;
  DNSD_ASSIGN_OR_RETURN(Zone * zone, b.AddZone(spf.zone, ZoneKind::kSpf));
  snap.spf_zone = zone;
  b.Digest(zone, p.spf_template);

  CompileSenders(config.catalog, refreshed, b, zone, spf, errors);
  spf.unknown_domain = b.Txt("v=spf1 ?all");
  spf.blocked = b.Txt("v=spf1 -all");
  SpfAnswers answers{b.Txt("v=spf1 ~all"), spf.blocked};

  DNSD_ASSIGN_OR_RETURN(std::string nspf_zone_wire,
                        wire::NameFromText(absl::StrCat("_nspf.", p.spf_zone)));
  spf.nspf = nspf_zone_wire;
  spf.nspf_labels = static_cast<uint8_t>(wire::CountLabels(nspf_zone_wire));
  uint32_t index = 0;
  for (const DomainConfig& d : config.domains) {
    auto plan = PlanDomain(d, index, config, p.spf_zone, refreshed, b, answers);
    if (!plan.ok()) {
      errors->push_back(DomainError(d, plan.status().message()));
      continue;
    }
    if (!plan->warning.empty()) errors->push_back(DomainError(d, plan->warning));
    for (const auto& [owner, rrset] : plan->nspf) {
      DNSD_RETURN_IF_ERROR(b.Add(zone, owner, rrset));
    }
    for (const IpPrefix& prefix : d.spf.netblocks) spf.netblocks.Insert(prefix, index);
    const policy::DomainPolicy& dp = plan->policy;
    b.Digest(zone, absl::StrCat(dp.name, " ", dp.blocked, dp.include_subdomains, dp.fail_all,
                                " ", absl::StrJoin(dp.senders, ","), " ",
                                absl::StrJoin(d.spf.terms, " ")));
    spf.domains.emplace(std::move(plan->wire_name), std::move(plan->policy));
    ++index;
  }
  spf.netblocks.Finish();
  spf.sender_ranges.Finish();
  return absl::OkStatus();
}

}  // namespace dnsd::config
