#include <iostream>

#include "config/load_and_compile.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/timeline_text.h"
#include "dnsd/control/refresh/refresher.h"

namespace dnsd::cli {

int Check(const std::string& config_file, bool strict) {
  // As `serve` would load it: with the catalog ranges it keeps, if any.
  std::shared_ptr<const config::RefreshedRanges> saved = refresh::SavedRanges(config_file);
  config::LoadState state(config_file);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, /*skip_if_unchanged=*/false,
                                                       /*progress=*/nullptr, saved.get());
  loaded.errors = config::AllDiagnostics(loaded);
  for (const config::Diagnostic& d : loaded.errors) {
    std::cout << config::FormatDiagnostic(d) << "\n";
  }
  for (const config::DomainConfig& d : loaded.set().domains) {
    std::string timeline = TimelineText(d, config::NowUtc(), "  ");
    if (!timeline.empty()) std::cout << d.domain << ": schedule\n" << timeline;
  }
  size_t errors = config::CountErrors(loaded.errors);
  size_t warnings = config::CountWarnings(loaded.errors);
  auto plural = [](size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::string counts = plural(errors, "error") + ", " + plural(warnings, "warning");
  if (errors > 0 || loaded.fatal || loaded.snapshot == nullptr) {
    std::cout << config_file << ": " << counts << "\n";
    return 1;
  }
  std::cout << config_file << ": OK, " << loaded.set().domains.size() << " domains, "
            << loaded.set().catalog.senders.size() << " senders, "
            << loaded.snapshot->zones.zone_count() << " zones; " << counts;
  // Warnings are served as written; --strict makes them fail a CI job.
  if (strict && warnings > 0) {
    std::cout << " (--strict: warnings fail)\n";
    return 1;
  }
  std::cout << "\n";
  return 0;
}

}  // namespace dnsd::cli
