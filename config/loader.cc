// LoadConfig: a server file and everything it names.
#include "config/loader.h"

#include <algorithm>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

namespace fs = std::filesystem;

void Append(std::vector<Diagnostic>& to, std::vector<Diagnostic> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()),
            std::make_move_iterator(from.end()));
}

// The domain files in `dir`: *.yaml and *.yml, not hidden, not in
// subfolders, sorted by name so that "first file wins" is reproducible.
std::vector<std::string> ListDomainFiles(const std::string& dir,
                                         std::vector<Diagnostic>& errors) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.push_back(
        Diagnostic{SourcePos{dir}, "the domains folder does not exist"});
    return files;
  }
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    std::string ext = path.extension().string();
    if (name.empty() || name[0] == '.' || (ext != ".yaml" && ext != ".yml")) {
      continue;
    }
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    files.push_back(path.string());
  }
  if (ec) {
    errors.push_back(
        Diagnostic{SourcePos{dir},
                   absl::StrCat("cannot list the folder: ", ec.message())});
  }
  std::sort(files.begin(), files.end());
  return files;
}

void LoadDomains(ConfigSet& set) {
  absl::flat_hash_map<std::string, std::string> owner;  // domain -> file
  for (const std::string& file :
       ListDomainFiles(set.server.domains_dir, set.errors)) {
    Loaded<DomainConfig> domain =
        LoadDomainFile(file, set.catalog, set.server.provider);
    if (!domain.ok()) {
      Append(set.errors, std::move(domain.errors));
      continue;
    }
    auto [first, inserted] = owner.emplace(domain.value->domain, file);
    if (!inserted) {
      set.errors.push_back(Diagnostic{
          domain.value->pos,
          absl::StrCat("domain ", Quoted(domain.value->domain),
                       " is already configured in ", first->second)});
      continue;
    }
    set.domains.push_back(*std::move(domain.value));
  }
  std::sort(set.domains.begin(), set.domains.end(),
            [](const DomainConfig& a, const DomainConfig& b) {
              return a.domain < b.domain;
            });
}

}  // namespace

ConfigSet LoadConfig(const std::string& server_file) {
  ConfigSet set;
  Loaded<ServerConfig> server = LoadServerFile(server_file);
  if (!server.ok()) {
    set.server.path = server_file;
    set.errors = std::move(server.errors);
    return set;
  }
  set.server = *std::move(server.value);
  Loaded<Catalog> catalog = LoadCatalogFile(set.server.catalog_path);
  if (!catalog.ok()) {
    set.catalog.path = set.server.catalog_path;
    set.errors = std::move(catalog.errors);
    return set;
  }
  set.catalog = *std::move(catalog.value);
  LoadDomains(set);
  return set;
}

}  // namespace dnsd::config
