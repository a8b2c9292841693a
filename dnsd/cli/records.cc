#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/load.h"
#include "dnsd/cli/zone_text.h"
#include "dnsd/wire/name.h"

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

// Every record dnsd serves at `owner`, apex SOA and NS included.
absl::Status PrintNode(const ZoneTable& zones, const std::string& owner) {
  const Node* node = zones.FindNode(owner);
  if (node == nullptr) return absl::OkStatus();
  std::vector<const RRset*> rrsets;
  if (node->apex) {
    rrsets.push_back(&node->zone->common->soa);
    rrsets.push_back(&node->zone->common->ns);
  }
  rrsets.insert(rrsets.end(), node->rrsets.begin(), node->rrsets.end());
  for (const RRset* r : rrsets) {
    auto text = RRsetToText(owner, *r, &node->zone->serial);
    if (!text.ok()) return text.status();
    std::cout << *text;
  }
  return absl::OkStatus();
}

absl::Status PrintServed(const config::DomainConfig& d, const config::ProviderSettings& p,
                         const ZoneTable& zones) {
  std::vector<std::string> owners;
  for (absl::string_view prefix : {"_dmarc.", "_domainkey."}) {
    auto apex = wire::NameFromText(absl::StrCat(prefix, d.domain));
    if (!apex.ok()) return apex.status();
    zones.ForEachNode([&](const std::string& owner, const Node& node) {
      if (!node.rrsets.empty() || node.apex) {
        if (wire::IsSubdomain(owner, *apex)) owners.push_back(owner);
      }
    });
    if (const Zone* zone = zones.FindZoneByApex(*apex); zone && !zone->wildcard.empty()) {
      for (const RRset* r : zone->wildcard) {
        auto text = RRsetToText(absl::StrCat("\1*", *apex), *r);
        if (!text.ok()) return text.status();
        std::cout << *text;
      }
    }
  }
  for (const std::string& zone_text :
       {p.dmarc_zone, absl::StrCat("_report._dmarc.", p.report_domain)}) {
    auto name = wire::NameFromText(absl::StrCat(d.domain, ".", zone_text));
    if (name.ok()) owners.push_back(*name);
  }
  std::sort(owners.begin(), owners.end(), [](const std::string& a, const std::string& b) {
    return wire::CountLabels(a) != wire::CountLabels(b) ? wire::CountLabels(a) < wire::CountLabels(b)
                                                        : a < b;
  });
  for (const std::string& owner : owners) {
    if (absl::Status s = PrintNode(zones, owner); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

int Records(const std::string& config_file, const std::string& domain_text) {
  LoadedConfig loaded = LoadAndCompile(config_file, 1);
  if (loaded.snapshot == nullptr) {
    for (const auto& d : loaded.errors) std::cerr << config::FormatDiagnostic(d) << "\n";
    return 1;
  }
  std::string domain = domain_text;
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  std::transform(domain.begin(), domain.end(), domain.begin(), ::tolower);
  const config::DomainConfig* d = FindDomain(loaded.set, domain);
  if (d == nullptr) {
    std::cerr << "dnsd records: " << domain << " is not configured\n";
    return 1;
  }
  PrintCustomerRecords(*d, loaded.set.server.provider);
  std::cout << "\n; Served by dnsd:\n";
  if (absl::Status s = PrintServed(*d, loaded.set.server.provider, loaded.snapshot->zones);
      !s.ok()) {
    std::cerr << "dnsd records: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace dnsd::cli
