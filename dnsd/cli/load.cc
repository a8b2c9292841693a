#include "dnsd/cli/load.h"

#include <algorithm>
#include <tuple>

#include "config/compile.h"

namespace dnsd::cli {

LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation) {
  LoadedConfig out;
  out.set = config::LoadConfig(server_file);
  out.errors = out.set.errors;
  for (const config::Diagnostic& d : out.errors) {
    if (d.pos.file == out.set.server.path || d.pos.file == out.set.catalog.path ||
        d.pos.file == server_file) {
      out.fatal = true;
    }
  }
  if (!out.fatal) {
    auto compiled = config::CompileSnapshot(out.set, generation);
    if (compiled.ok()) {
      out.snapshot = std::move(compiled->snapshot);
      out.errors.insert(out.errors.end(), compiled->errors.begin(), compiled->errors.end());
    } else {
      out.fatal = true;
      config::Diagnostic error;
      error.pos.file = server_file;
      error.message = std::string(compiled.status().message());
      out.errors.push_back(std::move(error));
    }
  }
  std::stable_sort(out.errors.begin(), out.errors.end(),
                   [](const config::Diagnostic& a, const config::Diagnostic& b) {
                     return std::tie(a.pos.file, a.pos.line, a.pos.column) <
                            std::tie(b.pos.file, b.pos.line, b.pos.column);
                   });
  return out;
}

}  // namespace dnsd::cli
