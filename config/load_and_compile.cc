#include "config/load_and_compile.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "config/compile.h"
#include "config/domain_changes.h"
#include "config/drop_guard.h"

namespace dnsd::config {
namespace {

// `errors` less the warnings of domain files this load neither read nor
// checked again: an unchanged file's warnings were reported when it was
// read (at a million domains there are hundreds of thousands). Errors are
// kept: something is not served as written until the file is fixed.
std::vector<Diagnostic> Fresh(const std::vector<Diagnostic>& errors, const LoadReport& report,
                              const std::string& server_file) {
  if (report.files_rechecked > 0 || (report.read.empty() && report.files_read > 0)) {
    return errors;  // every file was read or checked again
  }
  absl::flat_hash_set<absl::string_view> read(report.read.begin(), report.read.end());
  const std::string& dir = report.set.server.domains_dir;
  std::vector<Diagnostic> fresh;
  for (const Diagnostic& d : errors) {
    const std::string& file = d.pos.file.str();
    bool domain_file = file.size() > dir.size() && absl::StartsWith(file, dir) &&
                       file != server_file && file != report.set.catalog.path;
    if (!domain_file || d.severity == Severity::kError || read.contains(file)) {
      fresh.push_back(d);
    }
  }
  return fresh;
}

}  // namespace

LoadedConfig LoadAndCompile(LoadState& state, uint64_t generation,
                            bool skip_if_unchanged, const ProgressFn& progress,
                            const RefreshedRanges* refreshed,
                            std::optional<UtcSeconds> now,
                            const std::vector<std::string>* domain_files) {
  auto start = std::chrono::steady_clock::now();
  LoadedConfig out;
  out.report = state.files.Load(progress, 2.0, domain_files);
  // Moved, not copied: at a million domains there are hundreds of
  // thousands of warnings. `report.set.errors` is left empty.
  out.errors = std::move(out.report.set.errors);
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
    CompileProgressFn compile_progress;
    if (progress) {
      compile_progress = [&](size_t done, size_t total, bool linking) {
        LoadProgress p;
        p.phase = linking ? LoadProgress::Phase::kLinking : LoadProgress::Phase::kCompiling;
        p.files_done = done;
        p.files_total = total;
        p.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress(p);
      };
    }
    auto compiled = CompileSnapshot(out.report.set, generation, refreshed, &state.compiled, now,
                                    compile_progress);
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
  out.fresh_errors = Fresh(out.errors, out.report, state.files.server_file());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation) {
  LoadState state(server_file);
  return LoadAndCompile(state, generation);
}

}  // namespace dnsd::config
