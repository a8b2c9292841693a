#include "config/load_and_compile.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "config/compile.h"
#include "config/domain_changes.h"
#include "config/drop_guard.h"

namespace dnsd::config {

LoadedConfig LoadAndCompile(LoadState& state, uint64_t generation,
                            bool skip_if_unchanged, const ProgressFn& progress,
                            const RefreshedRanges* refreshed,
                            std::optional<UtcSeconds> now) {
  auto start = std::chrono::steady_clock::now();
  LoadedConfig out;
  out.report = state.files.Load(progress);
  out.errors = out.report.set.errors;
  out.fatal = out.report.rejected;
  if (skip_if_unchanged && !out.report.changed && !out.fatal && !state.held_back) {
    out.skipped = true;
    return out;
  }
  if (!out.fatal) {
    const DomainVersions* served = state.served ? &*state.served : nullptr;
    const ConfigSet& set = out.report.set;
    if (absl::Status guard = CheckDrop(served, set.domains, set.server.guard,
                                       state.files.server_file());
        !guard.ok()) {
      out.fatal = out.guarded = state.held_back = true;
      out.errors.push_back(Diagnostic{SourcePos{set.server.domains_dir},
                                      std::string(guard.message())});
    }
  }
  if (!out.fatal) {
    if (progress) {
      LoadProgress compiling;
      compiling.phase = LoadProgress::Phase::kCompiling;
      compiling.files_total = out.report.set.domains.size();
      compiling.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress(compiling);
    }
    auto compiled =
        CompileSnapshot(out.report.set, generation, refreshed, &state.compiled, now);
    if (compiled.ok()) {
      if (state.served) out.changes = Summary(Diff(*state.served, out.report.set.domains));
      state.served = VersionsOf(out.report.set.domains);
      state.held_back = false;
      out.compile_stats = compiled->stats;
      out.snapshot = std::move(compiled->snapshot);
      out.errors.insert(out.errors.end(), compiled->errors.begin(), compiled->errors.end());
    } else {
      out.fatal = true;
      Diagnostic error;
      error.pos.file = state.files.server_file();
      error.message = std::string(compiled.status().message());
      out.errors.push_back(std::move(error));
    }
  }
  SortDiagnostics(out.errors);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation) {
  LoadState state(server_file);
  return LoadAndCompile(state, generation);
}

}  // namespace dnsd::config
