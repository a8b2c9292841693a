#include "dnsd/control/reloader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dnsd/control/memory_release.h"
#include "dnsd/protocol/base/log.h"
#include "config/load_and_compile.h"

namespace dnsd {

Reloader::Reloader(config::LoadState& state, SnapshotHolder& holder, ReloadStatus first)
    : state_(state), holder_(holder), status_(std::move(first)) {}

void LogDiagnostics(const std::vector<config::Diagnostic>& diagnostics) {
  constexpr size_t kErrors = 1000, kWarnings = 100;
  size_t errors = 0, warnings = 0;
  for (const config::Diagnostic& d : diagnostics) {
    if (d.severity == config::Severity::kWarning) {
      if (++warnings <= kWarnings) LogWarning("%s", config::FormatDiagnostic(d));
    } else if (++errors <= kErrors) {
      LogError("%s", config::FormatDiagnostic(d));
    }
  }
  if (errors > kErrors || warnings > kWarnings) {
    LogWarning("%d more errors and %d more warnings not logged; `dnsd check` and the status "
               "page list them all",
               errors > kErrors ? errors - kErrors : 0,
               warnings > kWarnings ? warnings - kWarnings : 0);
  }
}

std::string LoadProgressLine(const char* what, const config::LoadProgress& p) {
  // Small loads finish before anyone could watch them.
  if (p.files_total < 1000) return "";
  if (p.phase == config::LoadProgress::Phase::kListing) {
    return absl::StrFormat("%s: %d domain files listed; comparing them with what was read; %.1f s",
                           what, p.files_total, p.seconds);
  }
  if (p.phase == config::LoadProgress::Phase::kLinking && p.files_done < p.files_total) {
    return absl::StrFormat("%s: %d of %d domains linked; %.1f s", what, p.files_done,
                           p.files_total, p.seconds);
  }
  if (p.phase == config::LoadProgress::Phase::kLinking) {
    return absl::StrFormat("%s: %d domains compiled; linking them into the tables; %.1f s", what,
                           p.files_done, p.seconds);
  }
  if (p.phase == config::LoadProgress::Phase::kCompiling && p.files_done > 0) {
    return absl::StrFormat("%s: %d of %d domains compiled; %.1f s", what, p.files_done,
                           p.files_total, p.seconds);
  }
  if (p.phase == config::LoadProgress::Phase::kCompiling) {
    return absl::StrFormat("%s: compiling %d domains; %.1f s", what, p.files_total, p.seconds);
  }
  return absl::StrFormat("%s: %d of %d domain files read (%d with errors); %.1f s", what,
                         p.files_done, p.files_total, p.files_failed, p.seconds);
}

config::ProgressFn LogLoadProgress(const char* what) {
  return [what](const config::LoadProgress& p) {
    std::string line = LoadProgressLine(what, p);
    if (!line.empty()) LogInfo("%s", line.c_str());
  };
}

ReloadStatus Reloader::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

bool Reloader::ApplySchedule() {
  if (!status_.next_change || config::NowUtc() < *status_.next_change) return false;
  return Run("schedule", /*compile_always=*/true, /*scheduled=*/true);
}

bool Reloader::Reload(const char* why, bool compile_always,
                      const std::vector<std::string>* domain_files, Publish publish) {
  return Run(why, compile_always, /*scheduled=*/false, domain_files, publish);
}

void Reloader::PublishPart(const char* why, std::unique_ptr<config::Snapshot> part,
                           size_t done, size_t total,
                           std::chrono::steady_clock::time_point start) {
  uint64_t generation = part->generation;
  uint64_t digest = part->digest;
  size_t domains = part->domains.size();  // with this part's removals and additions
  std::unique_ptr<const config::Snapshot> old = holder_.Publish(std::move(part));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Freed and given back before the next part compiles, which would
  // otherwise land beside it and add to the reload's peak.
  old.reset();
  ReleaseFreedMemory();
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.generation = generation;
    status_.digest = digest;
    status_.domains = domains;
  }
  LogInfo("reload (%s): generation %d serves %d of %d changed domains as changed, the rest "
          "as they were; %d domains; answering after %.3f s",
          why, generation, done, total, domains, seconds);
}

std::shared_ptr<const std::vector<std::string>> FailedFiles(const config::LoadReport& report) {
  return std::make_shared<const std::vector<std::string>>(report.failed.begin(),
                                                          report.failed.end());
}

bool Reloader::Run(const char* why, bool compile_always, bool scheduled,
                   const std::vector<std::string>* domain_files, Publish publish) {
  // Only this (control) thread writes status_, so reading it unlocked here
  // is safe; every write takes the lock for the metrics thread's sake.
  auto start = std::chrono::steady_clock::now();
  auto attempted = std::chrono::system_clock::now();
  uint64_t next = status_.generation + 1;
  std::shared_ptr<const config::RefreshedRanges> ranges = ranges_ ? ranges_() : nullptr;
  config::PublishPartFn publish_part;
  if (publish == Publish::kInParts) {
    publish_part = [&](std::unique_ptr<config::Snapshot> part, size_t done, size_t total) {
      PublishPart(why, std::move(part), done, total, start);
    };
  }
  config::LoadedConfig loaded = config::LoadAndCompile(
      state_, next, /*skip_if_unchanged=*/!compile_always, LogLoadProgress("reload"),
      ranges.get(), std::nullopt, domain_files, publish_part);
  next = loaded.generation;
  if (loaded.skipped) {
    // Nothing to do: repeated SIGHUPs, or a watcher event for a file that
    // was written back unchanged, cost a stat per file and no compile.
    LogInfo("reload (%s): no file changed; generation %d keeps serving", why,
            status_.generation);
    return true;
  }
  // The files not looked at this time had their say when they were read.
  LogDiagnostics(loaded.fresh_errors);
  bool ok = !loaded.fatal && loaded.snapshot != nullptr;
  uint64_t digest = ok ? loaded.snapshot->digest : 0;
  std::optional<config::UtcSeconds> next_change;
  std::vector<std::pair<std::string, config::ScheduledChange>> upcoming;
  if (ok) {
    next_change = loaded.snapshot->next_change;
    upcoming = loaded.snapshot->upcoming;
  }
  std::unique_ptr<const config::Snapshot> old;
  if (ok) old = holder_.Publish(std::move(loaded.snapshot));
  // The reload's time is until the new snapshot answers; freeing the old
  // one (what it does not share with the new one) comes after.
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  old.reset();
  ReleaseFreedMemory();
  if (ok && on_publish_) on_publish_(loaded.report.set);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++status_.attempts;
    status_.last_attempt = attempted;
    status_.last_ok = ok;
    status_.errors =
        std::make_shared<const std::vector<config::Diagnostic>>(std::move(loaded.errors));
    status_.file_errors = std::move(loaded.file_errors);
    status_.failed_files = FailedFiles(loaded.report);
    if (ok) {
      status_.generation = next;
      status_.digest = digest;
      status_.last_success = std::chrono::system_clock::now();
      status_.last_seconds = seconds;
      status_.domains = loaded.report.set.domains.size();
      status_.next_change = next_change;
      status_.upcoming = std::move(upcoming);
      if (scheduled) status_.scheduled_changes += loaded.compile_stats.compiled;
    } else {
      ++status_.failures;
      if (loaded.guarded) ++status_.guarded;
    }
  }
  if (!ok) {
    LogError("reload (%s) rejected: generation %d keeps serving", why, status_.generation);
    return false;
  }
  const config::LoadReport& r = loaded.report;
  // Files whose bytes changed before a watcher event named them, met by a
  // compile that needed their released model (config/README.md).
  std::string unread =
      loaded.compile_stats.unread == 0
          ? ""
          : absl::StrCat(" (", loaded.compile_stats.unread,
                         " changed on disk since read: kept as compiled until read)");
  LogInfo("reload (%s): generation %d, %d domains; %d files read, %d unchanged (%d re-checked), "
          "%d with errors (%d keep their last good version); %d domains compiled%s, %d the same "
          "as before, %d reused; answering after %.3f s%s%s%s",
          why, next, r.set.domains.size(), r.files_read, r.files_unchanged, r.files_rechecked,
          r.files_failed, r.files_kept, loaded.compile_stats.compiled, unread,
          loaded.compile_stats.unchanged, loaded.compile_stats.reused, seconds,
          loaded.parts > 1 ? absl::StrCat(", in ", loaded.parts, " parts") : "",
          loaded.changes.empty() ? "" : "; ",
          loaded.changes);
  return true;
}

}  // namespace dnsd
