// `dnsd diff OLD NEW`: what publishing NEW's configuration after OLD's
// would change, domain by domain, for review in CI before a push. Both
// server files are loaded and compiled as `dnsd check` does, from the
// files alone: the catalog's seed ranges, not what a server refreshed.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/drop_guard.h"
#include "config/family.h"
#include "config/load_and_compile.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/record_diff.h"
#include "dnsd/cli/served_text.h"

namespace dnsd::cli {
namespace {

// What the customer publishes is part of a domain's records too: a change
// there is a change the customer has to make. Marked, since dnsd does not
// serve it.
constexpr char kCustomerMark[] = "customer zone: ";

absl::StatusOr<DomainRecords> RecordsOf(const config::LoadedConfig& loaded) {
  const config::ConfigSet& set = loaded.set();
  DomainRecords out;
  size_t next = 0;  // both lists are sorted by name
  for (const auto& compiled : loaded.snapshot->domains) {
    while (next < set.domains.size() && set.domains[next].domain < compiled->domain()) ++next;
    std::vector<std::string>& lines = out[std::string(compiled->domain())];
    if (next < set.domains.size() && set.domains[next].domain == compiled->domain()) {
      std::vector<std::string> publish;
      for (const config::RecordFamily* family : config::Families()) {
        family->Publish(set.domains[next], set.server.provider, publish);
      }
      for (const std::string& line : publish) lines.push_back(kCustomerMark + line);
    }
    auto served = ServedLines(*compiled, *loaded.snapshot, /*with_soa=*/false);
    if (!served.ok()) return served.status();
    lines.insert(lines.end(), served->begin(), served->end());
  }
  return out;
}

std::string Hex(uint64_t digest) { return absl::StrCat(absl::Hex(digest, absl::kZeroPad16)); }

}  // namespace

int Diff(const std::string& old_file, const std::string& new_file) {
  config::LoadedConfig before = config::LoadAndCompile(old_file, 1);
  config::LoadedConfig after = config::LoadAndCompile(new_file, 1);
  // Errors on either side: each printed; the diff of what would still be
  // served follows when both sides compiled, but the status says error.
  size_t errors = 0;
  for (const config::LoadedConfig* side : {&before, &after}) {
    for (const config::Diagnostic& d : side->errors) std::cerr << config::FormatDiagnostic(d) << "\n";
    errors += config::CountErrors(side->errors);
  }
  for (const auto& [file, side] : {std::pair{&old_file, &before}, std::pair{&new_file, &after}}) {
    if (side->snapshot == nullptr || side->fatal) {
      std::cerr << "dnsd diff: " << *file << " does not load\n";
      return 2;
    }
  }
  auto old_records = RecordsOf(before);
  auto new_records = RecordsOf(after);
  auto old_provider = ProviderLines(*before.snapshot);
  auto new_provider = ProviderLines(*after.snapshot);
  for (const absl::Status& s : {old_records.status(), new_records.status(), old_provider.status(),
                                new_provider.status()}) {
    if (!s.ok()) {
      std::cerr << "dnsd diff: " << s.message() << "\n";
      return 2;
    }
  }

  std::cout << "--- " << old_file << " digest " << Hex(before.snapshot->digest) << "\n"
            << "+++ " << new_file << " digest " << Hex(after.snapshot->digest) << "\n";
  LinesDiff provider = DiffLines(*old_provider, *new_provider);
  if (!provider.empty()) std::cout << FormatLinesDiff("provider zones", provider);
  std::vector<DomainDiff> domains = DiffDomains(*old_records, *new_records);
  std::cout << FormatDomainDiffs(domains);

  size_t added = 0, removed = 0;
  for (const DomainDiff& d : domains) {
    added += d.kind == DomainDiff::Kind::kAdded;
    removed += d.kind == DomainDiff::Kind::kRemoved;
  }
  std::cout << "dnsd diff: " << domains.size() - added - removed << " changed, " << added
            << " added, " << removed << " removed\n";
  // What a server serving OLD would do on a reload to NEW.
  if (absl::Status guard = config::CheckDrop(&before.set().domains, after.set().domains,
                                             after.set().server.guard, new_file);
      !guard.ok()) {
    std::cout << "dnsd diff: the guard would refuse " << new_file << " after " << old_file
              << ": " << guard.message() << "\n";
  }
  if (errors > 0) return 2;
  bool same = domains.empty() && provider.empty() &&
              before.snapshot->digest == after.snapshot->digest;
  return same ? 0 : 1;
}

}  // namespace dnsd::cli
