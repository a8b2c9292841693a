#include "dnsd/cli/served_text.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/nspf.h"
#include "policy/spf/spf_answer.h"

namespace dnsd::cli {
namespace {

absl::Status AppendRRset(absl::string_view owner, const RRset& rrset, const uint32_t* serial,
                         const ZoneCommon& common, std::vector<std::string>& lines) {
  auto text = RRsetToText(owner, rrset, serial, common.ttl);
  if (!text.ok()) return text.status();
  for (absl::string_view line : absl::StrSplit(*text, '\n', absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  return absl::OkStatus();
}

// The records dnsd serves at `owner` (apex NS, and SOA if asked, included).
absl::Status AppendNode(const config::Snapshot& snapshot, const std::string& owner,
                        bool with_soa, std::vector<std::string>& lines) {
  const Node* node = snapshot.zones.FindNode(owner);
  if (node == nullptr) return absl::OkStatus();
  const Zone& zone = snapshot.zones.ZoneOf(*node);
  const ZoneCommon& common = snapshot.common;
  std::vector<const RRset*> rrsets;
  if (node->apex()) {
    if (with_soa) rrsets.push_back(&common.soa);
    rrsets.push_back(&common.ns);
  }
  rrsets.insert(rrsets.end(), node->rrsets.begin(), node->rrsets.end());
  uint32_t serial = ServedSerial(zone, common);
  for (const RRset* r : rrsets) {
    if (absl::Status s = AppendRRset(owner, *r, &serial, common, lines); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// Names in zone-file order within one zone: shallower names first.
bool ZoneOrder(const std::string& a, const std::string& b) {
  int la = wire::CountLabels(a), lb = wire::CountLabels(b);
  return la != lb ? la < lb : a < b;
}

absl::Status AppendNames(const config::Snapshot& snapshot, std::vector<std::string> names,
                         bool with_soa, std::vector<std::string>& lines) {
  std::stable_sort(names.begin(), names.end(), ZoneOrder);
  for (const std::string& owner : names) {
    if (absl::Status s = AppendNode(snapshot, owner, with_soa, lines); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// The domain's _nspf chain, part by part, as the query path writes it.
absl::Status AppendNspf(const config::CompiledDomain& d, const config::Snapshot& snapshot,
                        std::vector<std::string>& lines) {
  const spf::MacroZone& spf = snapshot.spf;
  auto wire_name = wire::NameFromText(d.domain());
  if (snapshot.spf_zone == nullptr || !wire_name.ok()) return absl::OkStatus();
  const spf::DomainPolicy* const* policy = spf.domains.Find(*wire_name);
  if (policy == nullptr) return absl::OkStatus();
  std::string rdata(Answer::kScratchSize, '\0');
  for (size_t i = 0; i < spf::kMaxNspfParts; ++i) {
    size_t size = spf::NspfRdata(spf, **policy, i, rdata.data());
    if (size == 0) break;
    auto owner = wire::NameFromText(config::NspfPartName(i, d.domain(), spf.zone_text));
    if (!owner.ok()) return owner.status();
    RRset rrset = RRsetBuilder(wire::kTypeTxt, kZoneTtl).Add(rdata.substr(0, size)).Build();
    uint32_t serial = ServedSerial(*snapshot.spf_zone, snapshot.common);
    if (absl::Status s = AppendRRset(*owner, rrset, &serial, snapshot.common, lines); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ServedLines(const config::CompiledDomain& d,
                                                     const config::Snapshot& snapshot,
                                                     bool with_soa) {
  std::vector<std::string> lines;
  std::vector<std::string> shared;
  for (const config::CompiledPart& part : d.parts()) {
    for (const config::CompiledZone& compiled : d.ZonesOf(part)) {
      const Zone& zone = compiled.zone;
      std::vector<std::string> names = {std::string(zone.apex())};
      for (const auto& [owner, rrset] : d.NamesOf(compiled)) {
        if (owner != zone.apex()) names.emplace_back(owner);
      }
      if (absl::Status s = AppendNames(snapshot, std::move(names), with_soa, lines); !s.ok()) {
        return s;
      }
      for (const RRset* wildcard : zone.wildcard) {
        absl::Status s =
            AppendRRset(absl::StrCat("\1*", zone.apex()), *wildcard, nullptr, snapshot.common,
                        lines);
        if (!s.ok()) return s;
      }
    }
    for (const config::SharedName& name : d.SharedOf(part)) shared.emplace_back(name.name.first);
  }
  if (absl::Status s = AppendNames(snapshot, std::move(shared), with_soa, lines); !s.ok()) {
    return s;
  }
  if (absl::Status s = AppendNspf(d, snapshot, lines); !s.ok()) return s;
  return lines;
}

absl::StatusOr<std::vector<std::string>> ProviderLines(const config::Snapshot& snapshot) {
  std::vector<std::string> lines;
  if (snapshot.provider == nullptr) return lines;
  const config::ProviderRecords& p = *snapshot.provider;
  std::set<std::string> apexes = {p.dmarc_zone, p.report_zone, p.spf_zone};
  for (const auto& [key, apex] : p.family_zones) apexes.insert(apex);
  static constexpr uint32_t kNoSerial = 0;
  for (const std::string& apex : apexes) {
    const Zone* zone = snapshot.zones.FindZoneByApex(apex);
    if (zone == nullptr) continue;
    for (const RRset* r : {&snapshot.common.soa, &snapshot.common.ns}) {
      if (absl::Status s = AppendRRset(apex, *r, &kNoSerial, snapshot.common, lines); !s.ok()) {
        return s;
      }
    }
  }
  return lines;
}

}  // namespace dnsd::cli
