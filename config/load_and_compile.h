// Loading and compiling a configuration the same way for every subcommand
// and for every reload: ConfigState (incremental load) then CompileSnapshot.
#ifndef DNSD_CONFIG_LOAD_AND_COMPILE_H_
#define DNSD_CONFIG_LOAD_AND_COMPILE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/compile.h"
#include "config/compile_cache.h"
#include "config/config_state.h"
#include "config/diagnostic.h"
#include "config/domain_changes.h"
#include "config/domain_list.h"
#include "config/file_diagnostics.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot.h"
#include "config/timeline.h"

namespace dnsd::config {

// What a server keeps from one load to the next: the files as last read
// (ConfigState) and the domains as last compiled (CompileCache).
struct LoadState {
  explicit LoadState(std::string server_file) : files(std::move(server_file)) {
    files.ShareWithServed(&compiled.domains());
  }
  // `files` points into `compiled`.
  LoadState(const LoadState&) = delete;
  LoadState& operator=(const LoadState&) = delete;
  ConfigState files;
  CompileCache compiled;
  // The domains of the last configuration LoadAndCompile passed on to be
  // published: the compile cache's list as that compile left it, shared;
  // null before the first (config/drop_guard.h).
  std::optional<DomainVersions> served;
  // The last load was held back by the guard: the next one compiles even
  // if no file changed (an allow-drop marker is not a configuration file).
  bool held_back = false;
  // The compile cache and `served` hold what the last load found: the next
  // load's delta (LoadReport::delta) may be applied to them.
  bool in_step = false;
  // Called (if set) between a load's phases, once what the phase replaced
  // is freed: after the files are read (their old versions), after a
  // large compile, before its link (the compile's scratch), while the new
  // tables are compacted (the hash tables they were linked in), and, where
  // `files` releases models, once it released most of them; and once a
  // load that finds no file changed has listed and stat'ed them. A server gives
  // the freed heap back to the kernel here (dnsd/control/memory_release.h):
  // the allocator would keep it, and a full reload's next phase would add
  // to it instead of taking its place.
  std::function<void()> release_freed;
  // The most domains one part of a large change compiles (LoadAndCompile's
  // `publish_part`); 0: PartSize of the domains configured.
  size_t part_domains = 0;

  // A compiled image (config/compiled_image.h) for the first load to take
  // unchanged files and their compiles from; dropped once it has.
  void UseImage(std::shared_ptr<const CompiledImage> compiled_image) {
    files.UseImage(compiled_image);
    image = std::move(compiled_image);
  }
  std::shared_ptr<const CompiledImage> image;
};

struct LoadedConfig {
  LoadReport report;                   // report.set: what was loaded (its errors are in `errors`)
  std::unique_ptr<Snapshot> snapshot;  // null if it could not be built
  // Loading and compiling, in file order, but for each domain file's own
  // diagnostics, which are in `file_errors` (AllDiagnostics has both).
  std::vector<Diagnostic> errors;
  FileDiagnosticsList file_errors;
  // What a reload logs: every error, and the warnings of the files read or
  // checked this time and of the server file and catalog (an unchanged
  // file's warnings were logged when it was read).
  std::vector<Diagnostic> fresh_errors;
  bool fatal = false;  // the server file or the catalog is broken: nothing to serve
  bool guarded = false;  // fatal because it would drop too many domains (drop_guard.h)
  bool skipped = false;  // skip_if_unchanged, and nothing changed: nothing compiled
  // What the load took from a compiled image (LoadState::UseImage): domain
  // files, and compiled domains (read on the compile threads, not compiled:
  // CompileStats::from_image); or why it took none.
  bool image_used = false;  // offered, and not refused
  size_t image_files = 0;
  size_t image_domains = 0;
  // Of those, linked while the files were listed (config/image_link.h):
  // all of them, or none.
  size_t image_linked = 0;
  std::string image_refused;
  double seconds = 0;  // wall time of load + compile
  CompileStats compile_stats;  // of every part, summed (`by_delta`: the last part's)
  // The generation of `snapshot`: the one asked for, plus the parts
  // published before it; and how many snapshots the load published, this
  // one included.
  uint64_t generation = 0;
  size_t parts = 1;
  std::string changes;  // what the published set changes (domain_changes.h Summary)
  const ConfigSet& set() const { return report.set; }
};

// A change of more domains than this, at `domains` domains configured,
// may be published in parts of at most this many: a 32nd of them,
// and never fewer than 4,096.
size_t PartSize(size_t domains);

// Publishes one part of a large change, before the next is compiled:
// `part`'s snapshot serves the domains changed so far as changed (`done`
// of `total`) and the rest as they were.
using PublishPartFn =
    std::function<void(std::unique_ptr<Snapshot> part, size_t done, size_t total)>;

// Loads (incrementally, after the first time) and compiles; with
// `skip_if_unchanged`, a load in which no file changed compiles nothing.
// `progress` (may be null) hears how the reading goes, then once that
// compiling has begun. `refreshed` (may be null): the catalog refresher's
// ranges. `now`: the instant to compile for (config/timeline.h), default
// the current second. `domain_files` (may be null): ConfigState::Load's.
//
// With `publish_part`, a load that changes more domain files than PartSize
// (their files edited in place, as a script over many files does: files
// the watcher sees change one by one) is compiled and published in parts,
// each the compile of a part's domains beside the served snapshot, whose
// tables it edits. Such a reload's peak is then a part's compile and the
// tables' copy instead of every changed domain's compile at once; each
// domain changes in one step, not all of them in the same one (as zones
// reload one by one in other name servers). Parts are cut when the
// server file, the catalog and the ranges are as the last compile had
// them; otherwise, and without `publish_part`, the load is one snapshot.
LoadedConfig LoadAndCompile(LoadState& state, uint64_t generation,
                            bool skip_if_unchanged = false,
                            const ProgressFn& progress = nullptr,
                            const RefreshedRanges* refreshed = nullptr,
                            std::optional<UtcSeconds> now = std::nullopt,
                            const std::vector<std::string>* domain_files = nullptr,
                            const PublishPartFn& publish_part = nullptr);
// Once, for a command: every diagnostic in `errors`.
LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation);

// `errors` and `file_errors` together, in file order.
std::vector<Diagnostic> AllDiagnostics(const LoadedConfig& loaded);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_LOAD_AND_COMPILE_H_
