#include "config/compile_spf.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/template.h"

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

void CompileSenders(const Catalog& catalog, const RefreshedRanges* refreshed, ZoneBuilder& b,
                    Zone* zone, spf::MacroZone& spf, std::vector<Diagnostic>* errors) {
  for (uint32_t i = 0; i < catalog.senders.size(); ++i) {
    const Sender& s = catalog.senders[i];
    spf::SenderPolicy sp;
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

}  // namespace

std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone) {
  return i == 0 ? absl::StrCat(domain, "._nspf.", zone)
                : absl::StrCat(domain, "._nspf", i + 1, ".", zone);
}

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
    size_t link = absl::StrCat(" include:", NspfPartName(i + 1, d.domain, spf_zone), " ", all).size();
    if (text.size() + 1 + term.size() + link > TextBudget(NspfPartName(i, d.domain, spf_zone)) &&
        text != "v=spf1") {
      absl::StrAppend(&text, " include:", NspfPartName(i + 1, d.domain, spf_zone), " ", all);
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

absl::Status CompileSpf(const ConfigSet& config,
                        const std::vector<std::shared_ptr<const CompiledDomain>>& domains,
                        ZoneBuilder& b, Snapshot& snap, std::vector<Diagnostic>* errors,
                        const RefreshedRanges* refreshed) {
  const ProviderSettings& p = config.server.provider;
  const ProviderRecords& provider = *snap.provider;
  spf::MacroZone& spf = snap.spf;
  DNSD_ASSIGN_OR_RETURN(spf.tmpl, spf::ParseTemplate(p.spf_template));
  spf.zone = provider.spf_zone;
  spf.zone_labels = static_cast<uint8_t>(wire::CountLabels(spf.zone));
  spf.ttl = p.ttl;
  DNSD_ASSIGN_OR_RETURN(Zone * zone, b.AddZone(spf.zone, ZoneKind::kSpf));
  snap.spf_zone = zone;
  b.Digest(zone, p.spf_template);

  CompileSenders(config.catalog, refreshed, b, zone, spf, errors);
  spf.unknown_domain = &provider.spf_unknown;
  spf.blocked = &provider.spf_fail;
  spf.nspf = provider.nspf_zone;
  spf.nspf_labels = static_cast<uint8_t>(wire::CountLabels(spf.nspf));

  // Only what is per snapshot is done here: the index in the netblock
  // trie, the senders' indices in this catalog, and adding the records.
  spf.domains.reserve(domains.size());
  uint32_t index = 0;
  for (const auto& d : domains) {
    if (!d->spf_ok) continue;  // CompileDomain said why
    for (const auto& [owner, rrset] : d->nspf) {
      DNSD_RETURN_IF_ERROR(b.Add(zone, owner, rrset));
    }
    b.Digest(zone, d->spf_digest);
    for (const IpPrefix& prefix : d->netblocks) spf.netblocks.Insert(prefix, index);
    spf::DomainPolicy dp = d->policy;
    dp.index = index;
    for (const std::string& id : d->sender_ids) {
      if (const Sender* s = config.catalog.Find(id); s != nullptr) {
        dp.senders.push_back(static_cast<uint32_t>(s - config.catalog.senders.data()));
      }
    }
    std::sort(dp.senders.begin(), dp.senders.end());
    spf.domains.emplace(d->wire_name, std::move(dp));
    ++index;
  }
  spf.netblocks.Finish();
  spf.sender_ranges.Finish();
  return absl::OkStatus();
}

}  // namespace dnsd::config
