#include "dnsd/cli/serve_image.h"

#include <chrono>
#include <filesystem>

#include "config/compiled_image.h"
#include "dnsd/protocol/base/log.h"

namespace dnsd::cli {

std::string ImagePath(const config::ServerConfig& server) {
  if (server.state_dir.empty()) return "";
  return (std::filesystem::path(server.state_dir) / config::kImageFileName).string();
}

void OfferImage(const std::string& path, config::LoadState& state) {
  if (path.empty()) return;
  auto image = config::CompiledImage::Open(path);
  if (!image.ok()) {
    // None yet (a first start, or a stop that could not write one) is
    // the usual case, not worth a line.
    if (!absl::IsNotFound(image.status())) {
      LogInfo("compiled image not used: %s", image.status().message());
    }
    return;
  }
  LogInfo("compiled image %s: %.1f MB, written at %lld (Unix time)", path,
          static_cast<double>((*image)->size()) / 1e6,
          static_cast<long long>((*image)->written_at()));
  state.UseImage(*std::move(image));
}

void LogImageTaken(const config::LoadedConfig& loaded) {
  if (!loaded.image_refused.empty()) {
    LogInfo("compiled image not used: %s", loaded.image_refused);
  }
  if (loaded.image_used) {
    LogInfo("compiled image: %d domain files taken as read, %d compiled domains taken; %d "
            "compiled afresh%s",
            loaded.image_files, loaded.image_domains, loaded.compile_stats.compiled,
            loaded.image_linked > 0 ? "; linked while the files were listed" : "");
  }
}

void SaveImage(const std::string& path, const config::LoadState& state) {
  if (path.empty()) return;
  auto start = std::chrono::steady_clock::now();
  // The state folder is dnsd's own (the packaged unit makes it): made here
  // if it is missing.
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  auto written = config::WriteCompiledImage(state, path);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!written.ok()) {
    LogError("compiled image %s not written: %s", path, written.status().message());
    return;
  }
  LogInfo("wrote compiled image %s: %d domain files, %d compiled domains, %.1f MB in %.3f s",
          path, written->files, written->domains, static_cast<double>(written->bytes) / 1e6,
          seconds);
}

}  // namespace dnsd::cli
