#include "config/pinned_folders.h"

#include <filesystem>
#include <string_view>

namespace dnsd::config {
namespace {

namespace fs = std::filesystem;

// Absolute and lexically normal, without a trailing '/', so that prefixes
// compare component by component.
std::string Normal(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) return {};
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// `path` itself or something under it.
bool Under(std::string_view path, std::string_view folder) {
  if (path.substr(0, folder.size()) != folder) return false;
  return path.size() == folder.size() || path[folder.size()] == '/' || folder == "/";
}

}  // namespace

void PinnedFolders::Pin(const std::string& folder) {
  std::string configured = Normal(folder);
  if (configured.empty()) return;
  for (const auto& [pinned, resolved] : pins_) {
    if (Under(configured, pinned)) return;
  }
  std::error_code ec;
  fs::path resolved = fs::canonical(configured, ec);
  if (ec) return;
  pins_.emplace_back(std::move(configured), resolved.string());
}

std::string PinnedFolders::ReadPath(const std::string& path) const {
  if (pins_.empty()) return path;
  std::string normal = Normal(path);
  for (const auto& [configured, resolved] : pins_) {
    if (!Under(normal, configured)) continue;
    std::string_view rest = std::string_view(normal).substr(configured == "/" ? 0 : configured.size());
    return resolved == "/" && !rest.empty() ? std::string(rest) : resolved + std::string(rest);
  }
  return path;
}

}  // namespace dnsd::config
