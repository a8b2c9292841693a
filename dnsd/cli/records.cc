#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "dnsd/cli/commands.h"
#include "config/load_and_compile.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::cli {
namespace {

constexpr uint32_t kCustomerTtl = 3600;

const config::DomainConfig* FindDomain(const config::ConfigSet& set, absl::string_view name) {
  for (const config::DomainConfig& d : set.domains) {
    if (d.domain == name) return &d;
  }
  return nullptr;
}

// What the customer publishes in their own zone. Inside an include the
// qualifier of `all` never matters (RFC 7208 §5.2: a non-pass does not
// match), so the customer's own `all` carries the domain's setting.
void PrintCustomerRecords(const config::DomainConfig& d, const config::ProviderSettings& p) {
  bool fail = d.mode == config::Mode::kBlocked || d.spf.all == config::AllQualifier::kFail;
  std::cout << "; Publish in the " << d.domain << " zone:\n";
  std::cout << d.domain << ".\t" << kCustomerTtl << "\tIN\tTXT\t\"v=spf1 include:"
            << p.spf_template << "." << p.spf_zone << (fail ? " -all" : " ~all") << "\"\n";
  if (d.dmarc_delegation == config::DmarcDelegation::kCname) {
    std::cout << "_dmarc." << d.domain << ".\t" << kCustomerTtl << "\tIN\tCNAME\t" << d.domain
              << "." << p.dmarc_zone << ".\n";
  } else {
    for (const std::string& ns : p.nameservers) {
      std::cout << "_dmarc." << d.domain << ".\t" << kCustomerTtl << "\tIN\tNS\t" << ns << ".\n";
    }
  }
  for (const std::string& ns : p.nameservers) {
    std::cout << "_domainkey." << d.domain << ".\t" << kCustomerTtl << "\tIN\tNS\t" << ns
              << ".\n";
  }
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

// Owners in zone-file order: apexes first, then deeper names.
bool ZoneOrder(const std::pair<std::string, std::string>& a,
               const std::pair<std::string, std::string>& b) {
  int la = wire::CountLabels(a.first), lb = wire::CountLabels(b.first);
  return la != lb ? la < lb : a.first < b.first;
}

absl::Status PrintServed(const config::DomainConfig& d, const config::ProviderSettings& p,
                         const ZoneTable& zones) {
  std::vector<std::pair<std::string, std::string>> owners;  // owner, its lines
  std::vector<std::string> names;
  for (absl::string_view prefix : {"_dmarc.", "_domainkey."}) {
    auto apex = wire::NameFromText(absl::StrCat(prefix, d.domain));
    if (!apex.ok()) return apex.status();
    zones.ForEachNode([&](absl::string_view owner, const Node& node) {
      if ((!node.rrsets.empty() || node.apex) && wire::IsSubdomain(owner, *apex)) {
        names.emplace_back(owner);
      }
    });
    if (const Zone* zone = zones.FindZoneByApex(*apex); zone && !zone->wildcard.empty()) {
      std::string wildcard = absl::StrCat("\1*", *apex);
      for (const RRset* r : zone->wildcard) {
        auto text = RRsetToText(wildcard, *r);
        if (!text.ok()) return text.status();
        owners.emplace_back(wildcard, *text);
      }
    }
  }
  for (const std::string& zone_text :
       {p.dmarc_zone, absl::StrCat("_report._dmarc.", p.report_domain)}) {
    auto name = wire::NameFromText(absl::StrCat(d.domain, ".", zone_text));
    if (name.ok()) names.push_back(*name);
  }
  for (const std::string& owner : names) {
    auto text = NodeText(zones, owner);
    if (!text.ok()) return text.status();
    owners.emplace_back(owner, *text);
  }
  std::stable_sort(owners.begin(), owners.end(), ZoneOrder);
  for (const auto& [owner, text] : owners) std::cout << text;
  return absl::OkStatus();
}

}  // namespace

int Records(const std::string& config_file, const std::string& domain_text) {
  config::ConfigState state(config_file);
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
  if (absl::Status s = PrintServed(*d, loaded.set().server.provider, loaded.snapshot->zones);
      !s.ok()) {
    std::cerr << "dnsd records: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace dnsd::cli
