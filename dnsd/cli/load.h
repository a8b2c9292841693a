// Loading and compiling a configuration the same way for every subcommand.
#ifndef DNSD_CLI_LOAD_H_
#define DNSD_CLI_LOAD_H_

#include <memory>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/snapshot.h"

namespace dnsd::cli {

struct LoadedConfig {
  config::ConfigSet set;
  std::unique_ptr<config::Snapshot> snapshot;  // null if it could not be built
  std::vector<config::Diagnostic> errors;      // loading and compiling, in file order
  bool fatal = false;  // the server file or the catalog is broken
};

LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_LOAD_H_
