#include <iostream>

#include "dnsd/cli/commands.h"
#include "config/load_and_compile.h"

namespace dnsd::cli {

int Check(const std::string& config_file) {
  config::LoadedConfig loaded = config::LoadAndCompile(config_file, 1);
  for (const config::Diagnostic& d : loaded.errors) {
    std::cout << config::FormatDiagnostic(d) << "\n";
  }
  if (!loaded.errors.empty()) {
    std::cout << config_file << ": " << loaded.errors.size() << " error"
              << (loaded.errors.size() == 1 ? "" : "s") << "\n";
    return 1;
  }
  std::cout << config_file << ": OK, " << loaded.set().domains.size() << " domains, "
            << loaded.set().catalog.senders.size() << " senders, "
            << loaded.snapshot->zones.zone_count() << " zones\n";
  return 0;
}

}  // namespace dnsd::cli
