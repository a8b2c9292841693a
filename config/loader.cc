// LoadConfig: a server file and everything it names.
#include "config/loader.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

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

// Whether `path` (`shown` under the configured folder) is a file to read:
// a regular file, or a link to one inside `listed`; a link out of it is
// reported in `errors`.
bool IsReadableFile(const fs::path& path, const std::string& listed, const std::string& shown,
                    std::vector<Diagnostic>& errors) {
  std::error_code ec;
  if (fs::is_symlink(path, ec) && !LinksInside(path, listed)) {
    errors.push_back(Diagnostic{SourcePos{shown},
                                "a symbolic link to a file outside the domains folder; not read"});
    return false;
  }
  return fs::is_regular_file(path, ec);
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
  std::string shown = (fs::path(dir) / std::string(name)).string();
  if (!IsReadableFile(fs::path(listed) / std::string(name), listed, shown, errors)) {
    return std::nullopt;
  }
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
  // readdir, not std::filesystem: a million entries made a million paths
  // and split each into its parts, a quarter of the listing's time.
  DIR* folder = opendir(listed.c_str());
  if (folder == nullptr) {
    errors.push_back(Diagnostic{SourcePos{dir}, absl::StrCat("cannot list the folder: ",
                                                             std::generic_category().message(errno))});
    return files;
  }
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    const dirent* entry = readdir(folder);
    if (entry == nullptr) break;
    absl::string_view name = entry->d_name;
    if (!IsDomainFileName(name)) continue;
    if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
      // Rare: looked at the slow way, as DomainFileIn does.
      if (!IsReadableFile(fs::path(listed) / std::string(name), listed,
                          (fs::path(dir) / std::string(name)).string(), errors)) {
        continue;
      }
    } else if (entry->d_type != DT_REG) {
      continue;
    }
    names.emplace_back(name);
  }
  int listing_error = errno;
  closedir(folder);
  if (listing_error != 0) {
    errors.push_back(Diagnostic{
        SourcePos{dir},
        absl::StrCat("cannot list the folder: ", std::generic_category().message(listing_error))});
  }
  // The names alone sort as their paths do (one prefix), without comparing
  // the folder's path a million times over.
  std::sort(names.begin(), names.end());
  // Spelt as `fs::path(dir) / name` spells it (DomainFileIn, the keys of
  // config/config_state.h), once for all.
  std::string prefix = (fs::path(dir) / "x").string();
  prefix.pop_back();
  files.reserve(names.size());
  for (const std::string& name : names) files.push_back(absl::StrCat(prefix, name));
  return files;
}

}  // namespace dnsd::config
