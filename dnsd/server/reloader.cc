#include "dnsd/server/reloader.h"

#include "dnsd/base/log.h"
#include "dnsd/cli/load.h"

namespace dnsd {

Reloader::Reloader(config::ConfigState& state, SnapshotHolder& holder, ReloadStatus first)
    : state_(state), holder_(holder), status_(std::move(first)) {}

bool Reloader::Reload(const char* why) {
  auto start = std::chrono::steady_clock::now();
  ++status_.attempts;
  status_.last_attempt = std::chrono::system_clock::now();
  uint64_t next = status_.generation + 1;
  cli::LoadedConfig loaded = cli::LoadAndCompile(state_, next);
  status_.errors = loaded.errors;
  for (const config::Diagnostic& d : loaded.errors) {
    LogWarning("%s", config::FormatDiagnostic(d));
  }
  if (loaded.fatal || loaded.snapshot == nullptr) {
    ++status_.failures;
    status_.last_ok = false;
    LogError("reload (%s) rejected: generation %d keeps serving", why, status_.generation);
    return false;
  }
  const config::LoadReport& r = loaded.report;
  size_t domains = r.set.domains.size();
  holder_.Publish(std::move(loaded.snapshot));
  status_.generation = next;
  status_.last_ok = true;
  status_.last_success = std::chrono::system_clock::now();
  status_.last_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  LogInfo("reload (%s): generation %d, %d domains; %d files read, %d unchanged, %d with "
          "errors (%d keep their last good version); %.3f s",
          why, next, domains, r.files_read, r.files_unchanged, r.files_failed, r.files_kept,
          status_.last_seconds);
  return true;
}

}  // namespace dnsd
