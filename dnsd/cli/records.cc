#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/timeline_text.h"
#include "config/family.h"
#include "config/load_and_compile.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::cli {
namespace {

const config::DomainConfig* FindDomain(const config::ConfigSet& set, absl::string_view name) {
  for (const config::DomainConfig& d : set.domains) {
    if (d.domain == name) return &d;
  }
  return nullptr;
}

const config::CompiledDomain* FindCompiled(const config::Snapshot& snapshot,
                                           absl::string_view name) {
  for (const auto& d : snapshot.domains) {
    if (d->domain == name) return d.get();
  }
  return nullptr;
}

// What the customer publishes in their own zone, family by family.
void PrintCustomerRecords(const config::DomainConfig& d, const config::ProviderSettings& p) {
  std::cout << "; Publish in the " << d.domain << " zone:\n";
  std::vector<std::string> lines;
  for (const config::RecordFamily* family : config::Families()) family->Publish(d, p, lines);
  for (const std::string& line : lines) std::cout << line << "\n";
}

// The records dnsd serves at `owner` (apex SOA and NS included), as text.
absl::StatusOr<std::string> NodeText(const ZoneTable& zones, const std::string& owner) {
  const Node* node = zones.FindNode(owner);
  if (node == nullptr) return std::string();
  std::vector<const RRset*> rrsets;
  if (node->apex) {
    rrsets.push_back(&node->zone->common->soa);
    rrsets.push_back(&node->zone->common->ns);
  }
  rrsets.insert(rrsets.end(), node->rrsets.begin(), node->rrsets.end());
  std::string out;
  for (const RRset* r : rrsets) {
    auto text = RRsetToText(owner, *r, &node->zone->serial);
    if (!text.ok()) return text.status();
    out += *text;
  }
  return out;
}

// Names in zone-file order within one zone: shallower names first.
bool ZoneOrder(const std::string& a, const std::string& b) {
  int la = wire::CountLabels(a), lb = wire::CountLabels(b);
  return la != lb ? la < lb : a < b;
}

absl::Status PrintNames(const ZoneTable& zones, std::vector<std::string> names) {
  std::stable_sort(names.begin(), names.end(), ZoneOrder);
  for (const std::string& owner : names) {
    auto text = NodeText(zones, owner);
    if (!text.ok()) return text.status();
    std::cout << *text;
  }
  return absl::OkStatus();
}

// Every name the domain's compiled parts put in the zone table, with what
// dnsd answers there: zone by zone, each apex first, as a zone file would;
// then the names in the provider's shared zones.
absl::Status PrintServed(const config::CompiledDomain& d, const ZoneTable& zones) {
  std::vector<std::string> shared;
  for (const config::CompiledPart& part : d.parts) {
    for (const config::CompiledZone& zone : part.zones) {
      std::vector<std::string> names = {zone.apex};
      for (const auto& [owner, rrset] : zone.names) {
        if (owner != zone.apex) names.push_back(owner);
      }
      if (absl::Status s = PrintNames(zones, std::move(names)); !s.ok()) return s;
      if (zone.wildcard != nullptr) {
        auto text = RRsetToText(absl::StrCat("\1*", zone.apex), *zone.wildcard);
        if (!text.ok()) return text.status();
        std::cout << *text;
      }
    }
    for (const config::SharedName& name : part.shared) shared.push_back(name.name.first);
  }
  return PrintNames(zones, std::move(shared));
}

}  // namespace

int Records(const std::string& config_file, const std::string& domain_text) {
  config::LoadState state(config_file);
  // As the server answers: from the saved catalog ranges, if it keeps any.
  std::shared_ptr<const config::RefreshedRanges> saved = refresh::SavedRanges(config_file);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, /*skip_if_unchanged=*/false,
                                                       /*progress=*/nullptr, saved.get());
  if (loaded.snapshot == nullptr) {
    for (const auto& d : loaded.errors) std::cerr << config::FormatDiagnostic(d) << "\n";
    return 1;
  }
  std::string domain = domain_text;
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  std::transform(domain.begin(), domain.end(), domain.begin(), ::tolower);
  const config::DomainConfig* d = FindDomain(loaded.set(), domain);
  if (d == nullptr) {
    std::cerr << "dnsd records: " << domain << " is not configured\n";
    return 1;
  }
  PrintCustomerRecords(*d, loaded.set().server.provider);
  std::cout << "\n; Served by dnsd:\n";
  const config::CompiledDomain* compiled = FindCompiled(*loaded.snapshot, domain);
  if (compiled == nullptr) {
    std::cerr << "dnsd records: " << domain << " did not compile\n";
    return 1;
  }
  if (absl::Status s = PrintServed(*compiled, loaded.snapshot->zones); !s.ok()) {
    std::cerr << "dnsd records: " << s.message() << "\n";
    return 1;
  }
  std::string timeline = TimelineText(*d, loaded.snapshot->as_of, "; ");
  if (!timeline.empty()) {
    std::cout << "\n; Schedule (served above: as of " << config::FormatUtc(loaded.snapshot->as_of)
              << "):\n"
              << timeline;
  }
  return 0;
}

}  // namespace dnsd::cli
