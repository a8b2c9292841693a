#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/timeline_text.h"
#include "config/family.h"
#include "config/load_and_compile.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/cli/served_text.h"

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
    if (d->domain() == name) return d.get();
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

}  // namespace

int Records(const std::string& config_file, const std::string& domain_text) {
  config::LoadState state(config_file);
  // As the server answers: from the saved catalog ranges, if it keeps any.
  std::shared_ptr<const config::RefreshedRanges> saved = refresh::SavedRanges(config_file);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, /*skip_if_unchanged=*/false,
                                                       /*progress=*/nullptr, saved.get());
  if (loaded.snapshot == nullptr) {
    for (const auto& d : config::AllDiagnostics(loaded)) std::cerr << config::FormatDiagnostic(d) << "\n";
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
  auto served = ServedLines(*compiled, *loaded.snapshot, /*with_soa=*/true);
  if (!served.ok()) {
    std::cerr << "dnsd records: " << served.status().message() << "\n";
    return 1;
  }
  for (const std::string& line : *served) std::cout << line << "\n";
  std::string timeline = TimelineText(*d, loaded.snapshot->as_of, "; ");
  if (!timeline.empty()) {
    std::cout << "\n; Schedule (served above: as of " << config::FormatUtc(loaded.snapshot->as_of)
              << "):\n"
              << timeline;
  }
  return 0;
}

}  // namespace dnsd::cli
