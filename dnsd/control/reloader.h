// Reloads the configuration on request (SIGHUP, a file change) and
// publishes the new snapshot: the control plane's half of config/README.md,
// "Reloading". A broken server file or catalog rejects the
// reload and the running snapshot stays; a broken domain file keeps its
// last good version. Runs on the control thread only.
#ifndef DNSD_CONTROL_RELOADER_H_
#define DNSD_CONTROL_RELOADER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/load_and_compile.h"
#include "config/diagnostic.h"
#include "config/refreshed_ranges.h"
#include "config/timeline.h"
#include "dnsd/server/snapshot_holder.h"

namespace dnsd {

// What the last reload did, for logs, metrics and the status page.
struct ReloadStatus {
  uint64_t generation = 0;    // of the snapshot being served
  uint64_t digest = 0;        // its Snapshot::digest
  uint64_t attempts = 0;
  uint64_t failures = 0;      // rejected reloads
  uint64_t guarded = 0;       // of which rejected by the drop guard
  bool last_ok = true;
  std::chrono::system_clock::time_point last_attempt, last_success;
  double last_seconds = 0;    // load + compile + publish
  size_t domains = 0;         // configured domains being served
  // Records on a schedule (config/timeline.h): when the served snapshot's
  // records next change by themselves, what is due first, and how many
  // domains were compiled again because one of their instants passed.
  std::optional<config::UtcSeconds> next_change;
  std::vector<std::pair<std::string, config::ScheduledChange>> upcoming;
  uint64_t scheduled_changes = 0;
  // Current errors and warnings: shared, since status() is copied on every
  // reload and scrape and there can be hundreds of thousands. Each domain
  // file's own are in `file_errors`, the rest (server file, catalog,
  // compile) in `errors`.
  std::shared_ptr<const std::vector<config::Diagnostic>> errors =
      std::make_shared<const std::vector<config::Diagnostic>>();
  config::FileDiagnosticsList file_errors;
  // Of those files, the ones with errors: a scrape counts their errors
  // without going through every file's warnings.
  std::shared_ptr<const std::vector<std::string>> failed_files =
      std::make_shared<const std::vector<std::string>>();
};

// The paths of a load's failed files, for ReloadStatus::failed_files.
std::shared_ptr<const std::vector<std::string>> FailedFiles(const config::LoadReport& report);

// Logs what a load found: every error and warning up to a cap (a million
// domains can carry hundreds of thousands of warnings, and a log is read by
// people), then how many more there are; `dnsd check` and the status page
// list them all.
void LogDiagnostics(const std::vector<config::Diagnostic>& diagnostics);

// One line of a large load's progress (files read, errors, elapsed; then
// the compile and the link), prefixed by `what` ("start", "reload"); empty
// for a load too small to be watched.
std::string LoadProgressLine(const char* what, const config::LoadProgress& p);

// Logs LoadProgressLine every few seconds.
config::ProgressFn LogLoadProgress(const char* what);

class Reloader {
 public:
  // `state` has done the first load, whose snapshot (generation 1) `holder`
  // serves.
  Reloader(config::LoadState& state, SnapshotHolder& holder, ReloadStatus first);

  // How a reload's snapshot goes out: whole (one snapshot, every change
  // at the same instant), or, for files edited in place, a large change in
  // parts (config/load_and_compile.h, LoadAndCompile's `publish_part`).
  enum class Publish { kWhole, kInParts };

  // Loads what changed, compiles, publishes. Returns false if rejected.
  // With `compile_always`, compiles even if no file changed: the catalog
  // refresher's ranges did. `domain_files` (may be null): the domain files
  // known to be all that changed (the file watcher's list); then no other
  // file is looked at.
  bool Reload(const char* why, bool compile_always = false,
              const std::vector<std::string>* domain_files = nullptr,
              Publish publish = Publish::kWhole);

  // Compiles again if the served snapshot's next scheduled change is due
  // (at or before now), so the records change at their second with no
  // edit. Returns false if nothing was due or the compile was rejected.
  bool ApplySchedule();

  // The catalog refresher's side (dnsd/control/refresh/refresher.h): every compile
  // takes `ranges()` as the senders' refreshed ranges, and every published
  // configuration is handed to `on_publish` (its catalog may have changed).
  // Set both before the first Reload.
  using RangesSource = std::function<std::shared_ptr<const config::RefreshedRanges>()>;
  void set_refresh_hooks(RangesSource ranges,
                         std::function<void(const config::ConfigSet&)> on_publish) {
    ranges_ = std::move(ranges);
    on_publish_ = std::move(on_publish);
  }

  // A copy, safe from any thread (the metrics exporter's, say).
  ReloadStatus status() const;

 private:
  bool Run(const char* why, bool compile_always, bool scheduled,
           const std::vector<std::string>* domain_files = nullptr,
           Publish publish = Publish::kWhole);
  // Serves a part of a large change, and says so.
  void PublishPart(const char* why, std::unique_ptr<config::Snapshot> part, size_t done,
                   size_t total, std::chrono::steady_clock::time_point start);

  mutable std::mutex mu_;  // guards status_ against readers on other threads
  config::LoadState& state_;
  SnapshotHolder& holder_;
  ReloadStatus status_;
  RangesSource ranges_;
  std::function<void(const config::ConfigSet&)> on_publish_;
};

}  // namespace dnsd

#endif  // DNSD_CONTROL_RELOADER_H_
