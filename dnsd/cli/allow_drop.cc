// `dnsd allow-drop -c FILE`: lets the next reload publish the configuration
// as the files are now, although it drops more domains than the guard
// allows (config/drop_guard.h). The marker names exactly this set of
// domains, so it lets nothing else through later.
#include <iostream>

#include "config/config_state.h"
#include "config/drop_guard.h"
#include "dnsd/cli/commands.h"

namespace dnsd::cli {

int AllowDrop(const std::string& config_file) {
  config::ConfigSet set = config::LoadConfig(config_file);
  if (set.server.path.empty() || !set.errors.empty()) {
    for (const config::Diagnostic& d : set.errors) {
      std::cerr << config::FormatDiagnostic(d) << "\n";
    }
    if (set.server.path.empty() || set.server.catalog_path.empty()) return 1;
  }
  if (absl::Status status = config::WriteAllowDrop(config_file, set.domains); !status.ok()) {
    std::cerr << "dnsd allow-drop: " << status.message() << "\n";
    return 1;
  }
  std::cout << config::AllowDropPath(config_file) << ": the next reload may publish these "
            << set.domains.size() << " domains\n";
  return 0;
}

}  // namespace dnsd::cli
