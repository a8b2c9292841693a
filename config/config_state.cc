#include "config/config_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "config/quote.h"

namespace dnsd::config {
namespace {

long long Nanos(const timespec& t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

// Provider settings decide how domain files validate: if they change,
// every domain file is read again.
bool SameProvider(const ProviderSettings& a, const ProviderSettings& b) {
  return std::tie(a.nameservers, a.hostmaster, a.spf_zone, a.spf_template, a.dmarc_zone,
                  a.report_domain) == std::tie(b.nameservers, b.hostmaster, b.spf_zone,
                                               b.spf_template, b.dmarc_zone, b.report_domain);
}

void SortErrors(std::vector<Diagnostic>& errors) {
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) <
           std::tie(b.pos.file, b.pos.line, b.pos.column);
  });
}

}  // namespace

FileStamp StampOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  return {Nanos(st.st_mtim), Nanos(st.st_ctim), st.st_ino,
          static_cast<unsigned long long>(st.st_size)};
}

void ConfigState::Refresh(const std::string& path, bool force, const ConfigSet& set,
                          LoadReport& report) {
  DomainFile& f = files_[path];
  FileStamp stamp = StampOf(path);
  if (!force && stamp == f.stamp && stamp.mtime_ns != -1) {
    ++report.files_unchanged;
    return;
  }
  ++report.files_read;
  f.stamp = stamp;
  Loaded<DomainConfig> loaded = LoadDomainFile(path, set.catalog, set.server.provider);
  if (loaded.ok()) {
    f.good = std::move(loaded.value);
    f.errors.clear();
  } else {
    f.errors = std::move(loaded.errors);
  }
}

LoadReport ConfigState::Load() {
  LoadReport report;
  ConfigSet& set = report.set;
  FileStamp server_stamp = StampOf(server_file_);
  bool server_changed = !server_ || server_stamp != server_stamp_;
  Loaded<ServerConfig> server = LoadServerFile(server_file_);
  if (!server.ok()) {
    report.rejected = true;
    set.server.path = server_file_;
    set.errors = std::move(server.errors);
    return report;
  }
  bool provider_changed = !server_ || !SameProvider(server_->provider, server.value->provider);
  set.server = *server.value;

  FileStamp catalog_stamp = StampOf(set.server.catalog_path);
  bool catalog_changed = !catalog_ || catalog_stamp != catalog_stamp_ ||
                         catalog_->path != set.server.catalog_path;
  if (catalog_changed) {
    Loaded<Catalog> catalog = LoadCatalogFile(set.server.catalog_path);
    if (!catalog.ok()) {
      report.rejected = true;
      set.catalog.path = set.server.catalog_path;
      set.errors = std::move(catalog.errors);
      return report;
    }
    catalog_ = std::move(catalog.value);
    catalog_stamp_ = catalog_stamp;
  }
  set.catalog = *catalog_;
  server_ = set.server;
  server_stamp_ = server_stamp;

  std::vector<std::string> paths = ListDomainFiles(set.server.domains_dir, set.errors);
  // Files that are gone take their domains with them.
  std::map<std::string, DomainFile> kept;
  for (const std::string& path : paths) {
    if (auto it = files_.find(path); it != files_.end()) kept.insert(files_.extract(it));
  }
  bool files_removed = !files_.empty();
  files_ = std::move(kept);
  for (const std::string& path : paths) {
    Refresh(path, provider_changed || catalog_changed, set, report);
  }
  report.changed = server_changed || catalog_changed || files_removed || report.files_read > 0;

  absl::flat_hash_map<std::string, std::string> owner;  // domain -> file
  for (auto& [path, f] : files_) {
    set.errors.insert(set.errors.end(), f.errors.begin(), f.errors.end());
    if (!f.errors.empty()) {
      ++report.files_failed;
      if (f.good) ++report.files_kept;
    }
    if (!f.good) continue;
    auto [first, inserted] = owner.emplace(f.good->domain, path);
    if (!inserted) {
      set.errors.push_back(Diagnostic{f.good->pos, absl::StrCat("domain ", Quoted(f.good->domain),
                                                                " is already configured in ",
                                                                first->second)});
      continue;
    }
    set.domains.push_back(*f.good);
  }
  std::sort(set.domains.begin(), set.domains.end(),
            [](const DomainConfig& a, const DomainConfig& b) { return a.domain < b.domain; });
  SortErrors(set.errors);
  return report;
}

}  // namespace dnsd::config
