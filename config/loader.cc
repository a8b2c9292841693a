// LoadConfig: a server file and everything it names.
#include "config/loader.h"

#include <algorithm>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

namespace fs = std::filesystem;

// A domain file may be a symbolic link (a Kubernetes ConfigMap's files are
// links into its own `..data/`), but only to a file inside the domains
// folder: a link out of it (to /etc/shadow, say) would be read as whoever
// runs dnsd, and its lines quoted back in errors.
bool LinksInside(const fs::path& link, const std::string& dir) {
  std::error_code ec;
  fs::path target = fs::canonical(link, ec);
  if (ec) return false;
  fs::path folder = fs::canonical(dir, ec);
  if (ec) return false;
  auto [f, t] = std::mismatch(folder.begin(), folder.end(), target.begin(), target.end());
  return f == folder.end();
}

}  // namespace

bool IsDomainFileName(absl::string_view name) {
  return !name.empty() && name[0] != '.' &&
         (absl::EndsWith(name, ".yaml") || absl::EndsWith(name, ".yml"));
}

std::optional<std::string> DomainFileIn(const std::string& dir, absl::string_view name,
                                        std::vector<Diagnostic>& errors,
                                        const std::string& read_from) {
  if (!IsDomainFileName(name)) return std::nullopt;
  const std::string& listed = read_from.empty() ? dir : read_from;
  fs::path path = fs::path(listed) / std::string(name);
  std::string shown = (fs::path(dir) / std::string(name)).string();
  std::error_code ec;
  if (fs::is_symlink(path, ec) && !LinksInside(path, listed)) {
    errors.push_back(Diagnostic{SourcePos{shown},
                                "a symbolic link to a file outside the domains folder; not read"});
    return std::nullopt;
  }
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  return shown;
}

// The domain files in `dir`: *.yaml and *.yml, not hidden, not in
// subfolders, sorted by name so that "first file wins" is reproducible.
std::vector<std::string> ListDomainFiles(const std::string& dir,
                                         std::vector<Diagnostic>& errors,
                                         const std::string& read_from) {
  std::vector<std::string> files;
  const std::string& listed = read_from.empty() ? dir : read_from;
  std::error_code ec;
  if (!fs::is_directory(listed, ec)) {
    errors.push_back(
        Diagnostic{SourcePos{dir}, "the domains folder does not exist"});
    return files;
  }
  fs::directory_iterator it(listed, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    if (!IsDomainFileName(name)) continue;
    // Named under `dir`, as the operator configured it.
    std::string shown = (fs::path(dir) / name).string();
    std::error_code file_ec;
    if (it->is_symlink(file_ec) && !LinksInside(path, listed)) {
      errors.push_back(Diagnostic{SourcePos{shown},
                                  "a symbolic link to a file outside the domains folder; not read"});
      continue;
    }
    if (!it->is_regular_file(file_ec)) continue;
    files.push_back(std::move(shown));
  }
  if (ec) {
    errors.push_back(
        Diagnostic{SourcePos{dir},
                   absl::StrCat("cannot list the folder: ", ec.message())});
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace dnsd::config
