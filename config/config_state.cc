#include "config/config_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string_view>
#include <atomic>
#include <chrono>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "config/bytes_digest.h"
#include "config/compiled_domain.h"
#include "config/compiled_image.h"
#include "config/family.h"
#include "config/parallel.h"
#include "config/pinned_folders.h"
#include "config/provider_records.h"
#include "config/quote.h"
#include "config/yaml_reader.h"

namespace dnsd::config {
namespace {

long long Nanos(const timespec& t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

// Below this many files, threads cost more than they save.
constexpr size_t kParallelStats = 4096;
constexpr size_t kParallelChecks = 1024;

// Provider settings decide how domain files validate: if they change,
// every domain file is checked again. The families' zones too: a CNAME
// delegation is an error without its family's zone (config/served_name.h),
// and a selector's target must fit under it. What a compile reads is what
// a check reads: not the name servers, the hostmaster or the TTLs, which
// every zone serves alike.
bool SameProvider(const ProviderSettings& a, const ProviderSettings& b) {
  return RecordSettings(a) == RecordSettings(b);
}

// Whether two catalogs define the same senders: every field a domain's
// check or compile reads, all but where each is written. A catalog edited
// only in its comments, its layout or its order checks no file again.
bool SameSenders(const Catalog& a, const Catalog& b) {
  auto fields = [](const Sender& s) {
    return std::tie(s.id, s.name, s.aliases, s.include, s.helo, s.answer, s.ranges.as_of,
                    s.ranges.from, s.ranges.prefixes, s.lookups, s.void_lookups);
  };
  return a.path == b.path && std::equal(a.senders.begin(), a.senders.end(), b.senders.begin(),
                                        b.senders.end(), [&](const Sender& x, const Sender& y) {
                                          return fields(x) == fields(y);
                                        });
}

// The digest of a file's bytes, as a domain file's are compared
// (config/domain_file.h); nothing if it cannot be read (loading it will
// say why).
std::optional<uint64_t> DigestOfFile(const std::string& path, const std::string& read_from) {
  YamlReader reader(FileName(path), read_from);
  std::optional<std::string> text = reader.ReadText();
  if (!text) return std::nullopt;
  return BytesDigest(*text);
}

}  // namespace

namespace {

// The folder holding `path`, "." for a bare name.
std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

FileStamp StampFrom(const struct stat& st) {
  const uint64_t fields[] = {static_cast<uint64_t>(Nanos(st.st_mtim)),
                             static_cast<uint64_t>(Nanos(st.st_ctim)),
                             static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size)};
  uint64_t digest =
      BytesDigest(absl::string_view(reinterpret_cast<const char*>(fields), sizeof(fields)));
  return {digest != 0 ? digest : 1};
}

// Stats files by name relative to their folder, held open: the kernel
// resolves one component per file instead of the whole path.
class FolderStat {
 public:
  explicit FolderStat(const std::string& dir)
      : fd_(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {}
  ~FolderStat() {
    if (fd_ >= 0) close(fd_);
  }
  FolderStat(const FolderStat&) = delete;
  FolderStat& operator=(const FolderStat&) = delete;

  // No copy of the path: a full load stats every file of a million.
  FileStamp Of(const FileName& path) const {
    size_t slash = path.str().rfind('/');
    if (fd_ < 0 || slash == absl::string_view::npos) return StampOf(path.string());
    struct stat st;
    if (fstatat(fd_, path.c_str() + slash + 1, &st, 0) != 0) return {};
    return StampFrom(st);
  }

 private:
  int fd_;
};

}  // namespace

FileStamp StampOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  return StampFrom(st);
}

namespace {

// A reload cannot apply these (sockets, threads and the refresher are set up
// once); say so while the file and the running server differ.
void WarnRestartOnly(const ServerConfig& running, const ServerConfig& file,
                     std::vector<Diagnostic>& out) {
  std::vector<const char*> changed;
  if (running.listen != file.listen) changed.push_back("listen");
  if (running.threads != file.threads) changed.push_back("threads");
  if (!(running.tcp == file.tcp)) changed.push_back("tcp");
  if (!(running.metrics == file.metrics)) changed.push_back("metrics");
  if (running.user != file.user) changed.push_back("user");
  if (!(running.rate_limit == file.rate_limit)) changed.push_back("rate_limit");
  if (!(running.resolver == file.resolver)) changed.push_back("resolver");
  if (!(running.refresh == file.refresh)) changed.push_back("refresh");
  if (running.state_dir != file.state_dir) changed.push_back("state_dir");
  if (!(running.dnstap == file.dnstap)) changed.push_back("dnstap");
  if (!(running.reload == file.reload)) changed.push_back("reload");
  for (const char* key : changed) {
    Diagnostic d;
    d.pos.file = file.path;
    d.message = absl::StrCat(key, " changed, but it is read only at start: the running server "
                                  "keeps its old value until it is restarted");
    d.severity = Severity::kWarning;
    out.push_back(std::move(d));
  }
}

}  // namespace

void ConfigState::Check(DomainFile& f, const ConfigSet& set) {
  std::vector<Diagnostic> checked = CheckDomainFile(*f.read, set.catalog, set.server.provider);
  if (checked.empty()) {
    // Usually so: the read's own diagnostics (a DMARC section's warnings)
    // are all there are, and are shared with it, not copied for each file.
    f.errors = f.read->errors;
  } else {
    std::vector<Diagnostic> errors;
    if (f.read->errors != nullptr) errors.assign(f.read->errors->begin(), f.read->errors->end());
    errors.insert(errors.end(), checked.begin(), checked.end());
    SortDiagnostics(errors);
    f.errors = KeepDiagnostics(std::move(errors));
  }
  // Warnings alone do not stop a domain.
  f.failed = f.errors != nullptr && CountErrors(*f.errors) > 0;
  if (f.failed) return;  // `good` stays: the last good version keeps serving
  // The same read checking out again (after a catalog change) keeps its
  // version, so the compile cache takes it as unchanged.
  if (f.good == nullptr || f.good->version != f.read->domain.version) {
    f.good = std::shared_ptr<const DomainHead>(f.read, &f.read->domain);
  }
}

void ConfigState::Release(DomainFile& f) {
  if (!release_ || f.read == nullptr) return;
  const DomainConfig& model = f.read->domain;
  // A model with a timeline is compiled again at each of its instants.
  if (!TimelineOf(model).empty()) return;
  // The served version is this read's: what stays of it is its head. Of a
  // file whose read failed, the last good version is an earlier read whose
  // bytes are gone: it keeps its model (and the failed read goes).
  if (f.good != nullptr && f.good->version == model.version && f.good->model() != nullptr) {
    f.good = DomainHead::Released(model, InputsOf(model));
  }
  f.read = nullptr;
}

std::shared_ptr<const DomainConfig> ConfigState::ModelOf(const DomainHead& head) const {
  auto it = files_.find(head.file.str());
  if (it == files_.end()) return nullptr;
  const DomainFile& f = it->second;
  if (f.last.version != head.version) return nullptr;  // read since: its bytes are gone
  if (f.read != nullptr) return {f.read, &f.read->domain};
  // From the folder the last load read, as that load resolved it
  // (config/pinned_folders.h): a symlink swapped since is the next load's.
  absl::string_view name = head.file.str();
  Reread again = RereadReleased(head.file, f.last, /*model_if_same=*/true,
                                absl::StrCat(read_dir_, name.substr(name.rfind('/'))),
                                ServedOf(head.domain));
  if (!again.same || again.read == nullptr) return nullptr;
  return {again.read, &again.read->domain};
}

bool ConfigState::ReleaseModels() {
  if (!release_) return false;
  const bool all = release_all_;
  if (all) {
    for (auto& [path, f] : files_) Release(f);
    Collect();  // the list, of heads now; as it was otherwise
  } else {
    for (const FileName& path : to_release_) {
      auto it = files_.find(path.str());
      if (it == files_.end()) continue;
      DomainFile& f = it->second;
      std::shared_ptr<const DomainHead> before = f.good;
      Release(f);
      if (f.good != before && domains_.Find(f.good->domain) == before.get()) domains_.Set(f.good);
    }
  }
  to_release_.clear();
  release_all_ = false;
  return all;
}

void ConfigState::ReadDomainFiles(const std::vector<Entry>& all, bool recheck_all,
                                  const ConfigSet& set, const std::string& read_dir,
                                  LoadReport& report, const ProgressFn& progress,
                                  double progress_every,
                                  std::chrono::steady_clock::time_point load_start) {
  using Todo = Entry;
  // The first load reads every file, often from a cold page cache, and
  // serves nothing yet: many threads keep the disk busy. A reload reads
  // what the operator just wrote, beside the threads answering queries,
  // which must keep their share of the cores: one thread per core.
  const unsigned read_threads = first_read_ ? FileThreads() : ComputeThreads();
  const bool first_read = std::exchange(first_read_, false);
  // A stat per file is most of a reload that reads nothing.
  std::vector<FileStamp> stamps(all.size());
  FolderStat folder(read_dir);
  ForEachInParallel(
      all.size(), kParallelStats, read_threads,
      [&](size_t i) { stamps[i] = folder.Of(*all[i].path); },
      image_linking_ ? kYieldToLink : 0);
  std::vector<Todo> todo;
  std::vector<bool> read_now(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    DomainFile& f = *all[i].file;
    if (stamps[i] == f.stamp && stamps[i].readable() && (f.read != nullptr || f.released())) {
      ++report.files_unchanged;
      continue;
    }
    f.stamp = stamps[i];
    f.from_image = false;
    todo.push_back(all[i]);
    read_now[i] = true;
  }
  report.files_read = todo.size();
  // A reload that reads many files (a deploy that rewrote them all) keeps
  // no model it read: each is released once checked, and the compile reads
  // the file again. Holding them all until the compile ends would add
  // every model to the server's peak; reading twice costs a parse each.
  // The start holds them: nothing it would add to is there yet.
  const bool release_checked = release_ && !first_read && todo.size() > files_.size() / 8;
  if (todo.size() < all.size() || all.size() < files_.size()) {
    for (const Todo& t : todo) report.read.push_back(t.path->str());
  }

  // Files are independent: read and check them on `read_threads` threads. Each
  // thread writes only the DomainFile it took; the map is not touched.
  std::atomic<size_t> next{0}, done{0}, failed{0}, same{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < todo.size();) {
      DomainFile& f = *todo[i].file;
      const FileName& path = *todo[i].path;
      bool unchanged = ReadAgain(f, path, recheck_all, read_dir);
      if (unchanged) same.fetch_add(1);
      // The same bytes, checked last time against the same catalog and
      // provider settings: that check stands (a swap to a new release
      // folder re-reads every file, and changes few).
      if (!unchanged || recheck_all) Check(f, set);
      // Read again only to be checked, or one of many read.
      if ((unchanged && recheck_all) || release_checked) Release(f);
      if (f.failed) failed.fetch_add(1);
      done.fetch_add(1);
    }
  };
  auto start = std::chrono::steady_clock::now();
  auto report_progress = [&] {
    if (!progress) return;
    progress({LoadProgress::Phase::kReading, done.load(), todo.size(), failed.load(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start)
                  .count()});
  };
  if (todo.size() < 64) {
    work();  // a reload of a few files: threads would cost more than they save
  } else {
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < read_threads; ++t) {
      threads.emplace_back(work);
    }
    // This thread only watches and reports.
    auto every = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(progress_every));
    auto next_report = start + every;
    while (done.load() < todo.size()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (std::chrono::steady_clock::now() >= next_report) {
        report_progress();
        next_report += every;
      }
    }
    for (std::thread& t : threads) t.join();
  }
  report_progress();
  report.files_same = same.load();
  if (recheck_all) {
    // The catalog or the provider settings changed: what was read still
    // holds, but whether it checks out may not. A file whose model is
    // still held is not read again; one whose model was released is.
    std::vector<Entry> unchanged;
    for (size_t i = 0; i < all.size(); ++i) {
      if (!read_now[i]) unchanged.push_back(all[i]);
    }
    ForEachOnAllCores(unchanged.size(), kParallelChecks, [&](size_t i) {
      DomainFile& f = *unchanged[i].file;
      // A released model is read again to be checked, and released again.
      bool was_released = f.released();
      if (was_released && !ReadAgain(f, *unchanged[i].path, /*model_if_same=*/true, read_dir)) {
        was_released = false;  // the same stamp, other bytes: a new read
      }
      Check(f, set);
      if (was_released) Release(f);
    });
    report.files_rechecked = unchanged.size();
  }
  // What was read now holds its model until it has compiled. When that is
  // most files, ReleaseModels walks them all rather than look each up.
  if (!release_ || release_all_) return;
  size_t holding = 0;
  for (const Entry& e : all) holding += e.file->read != nullptr;
  if (holding > files_.size() / 8) {
    release_all_ = true;
    to_release_.clear();
    return;
  }
  for (const Entry& e : all) {
    if (e.file->read != nullptr) to_release_.push_back(*e.path);
  }
}

const CompiledDomain* ConfigState::ServedOf(absl::string_view domain) const {
  if (served_ == nullptr) return nullptr;
  const CompiledDomainList::Ptr* d = served_->Find(domain);
  return d != nullptr ? d->get() : nullptr;
}

bool ConfigState::ReadAgain(DomainFile& f, const FileName& path, bool model_if_same,
                            const std::string& read_dir) const {
  absl::string_view name = path.str();
  std::string read_from = absl::StrCat(read_dir, name.substr(name.rfind('/')));
  bool same;
  if (f.released()) {
    const CompiledDomain* served = f.good != nullptr ? ServedOf(f.good->domain) : nullptr;
    Reread again = RereadReleased(path, f.last, model_if_same, read_from, served);
    same = again.same;
    if (again.read != nullptr) f.read = std::move(again.read);
  } else {
    std::shared_ptr<const ReadDomain> before = f.read;
    f.read = RereadDomainFile(path, before, read_from);
    same = f.read == before;
  }
  if (f.read != nullptr) f.last = f.read->stamp();
  return same;
}

LoadReport ConfigState::Load(const ProgressFn& progress, double progress_every,
                             const std::vector<std::string>* domain_files) {
  auto load_start = std::chrono::steady_clock::now();
  // An image is offered to one load, the first, whatever becomes of it.
  std::shared_ptr<const CompiledImage> offered = std::move(image_);
  image_ = nullptr;
  LoadReport report;
  ConfigSet& set = report.set;
  // Every file of this load is opened under the folders as they are now
  // (config/pinned_folders.h); a symlink swapped meanwhile waits for the
  // next load.
  PinnedFolders pins;
  pins.Pin(FolderOf(server_file_));
  FileStamp server_stamp = StampOf(pins.ReadPath(server_file_));
  bool server_changed = !server_ || server_stamp != server_stamp_;
  Loaded<ServerConfig> server = LoadServerFile(server_file_, pins.ReadPath(server_file_));
  if (!server.ok()) {
    report.rejected = true;
    set.server.path = server_file_;
    set.errors = std::move(server.errors);
    return report;
  }
  bool provider_changed = !server_ || !SameProvider(server_->provider, server.value->provider);
  set.server = *server.value;
  set.errors = std::move(server.warnings);
  if (!started_) started_ = set.server;
  WarnRestartOnly(*started_, set.server, set.errors);

  pins.Pin(FolderOf(set.server.catalog_path));
  pins.Pin(set.server.domains_dir);
  std::string catalog_read = pins.ReadPath(set.server.catalog_path);
  FileStamp catalog_stamp = StampOf(catalog_read);
  bool catalog_changed = !catalog_ || catalog_stamp != catalog_stamp_ ||
                         catalog_->path != set.server.catalog_path;
  // A catalog written again with the same bytes (a touch; the copy in a new
  // release folder, deploy/git-sync/) changes nothing: every domain file
  // would be checked again for nothing, a million of them at every push.
  std::optional<uint64_t> catalog_digest;
  if (catalog_changed) catalog_digest = DigestOfFile(set.server.catalog_path, catalog_read);
  if (catalog_changed && catalog_ && catalog_->path == set.server.catalog_path &&
      catalog_digest && catalog_digest == catalog_digest_) {
    catalog_stamp_ = catalog_stamp;
    catalog_changed = false;
  }
  // Whether the domain files must be checked against it again.
  bool catalog_redefined = catalog_changed;
  if (catalog_changed) {
    Loaded<Catalog> catalog = LoadCatalogFile(set.server.catalog_path, catalog_read);
    if (!catalog.ok()) {
      report.rejected = true;
      set.catalog.path = set.server.catalog_path;
      set.errors = std::move(catalog.errors);
      return report;
    }
    catalog_redefined = !catalog_ || !SameSenders(*catalog_, *catalog.value);
    catalog_ = std::move(catalog.value);
    catalog_stamp_ = catalog_stamp;
    catalog_digest_ = catalog_digest;
    for (const Sender& s : catalog_->senders) last_senders_.insert_or_assign(s.id, s);
  }
  set.catalog = *catalog_;
  server_ = set.server;
  server_stamp_ = server_stamp;

  // The first load may take files from a compiled image: only if it was
  // written from these very server file and catalog, which every file's
  // checks depend on.
  std::optional<ImageCursor> image;
  if (offered != nullptr) {
    // Before anything is read: no read of this run takes a version of the
    // image's (its compiles are paired with reads by version).
    ReserveReadVersions(offered->max_version());
    if (DigestOfFile(server_file_, pins.ReadPath(server_file_)) == offered->server_digest() &&
        DigestOfFile(set.server.catalog_path, catalog_read) == offered->catalog_digest()) {
      image.emplace(offered->files());
      if (image_accepted_) {
        image_accepted_(set.server);
        image_linking_ = true;
      }
    } else {
      image_refused_ = "the server file or the catalog changed since it was written";
    }
  }

  // Only named files changed: look at those alone. Anything else (the
  // server file or catalog edited, no list) looks at every file.
  bool only_named = domain_files != nullptr && !server_changed && !catalog_changed &&
                    !provider_changed && !held_errors_;
  bool files_removed = false;
  std::optional<std::vector<Entry>> named;
  std::vector<Change> changes;  // of a load of named files only
  std::string domains_read = pins.ReadPath(set.server.domains_dir);
  read_dir_ = domains_read;
  if (only_named) named = ListChanged(*domain_files, set, domains_read, files_removed, changes);
  only_named = named.has_value();
  std::vector<Entry> entries =
      only_named ? *std::move(named)
                 : ListAll(set, domains_read, files_removed, image ? &*image : nullptr);
  if (only_named) {
    for (const Entry& e : entries) changes.push_back({*e.path, e.file, e.file->good});
  } else {
    // Collect builds the list again from every file once they are read.
    // Held until then, it would keep every file's old version alive beside
    // its new one for the whole read: dropped now, each old version goes
    // as soon as its file's new read checks out (a file that fails keeps
    // its last good version in `good`).
    domains_.clear();
    if (progress) {
      progress({LoadProgress::Phase::kListing, 0, entries.size(), 0,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start)
                    .count()});
    }
  }
  // A first load is a change of everything, but the files taken from the
  // image were checked against this very server file and catalog; the
  // others are new, and read and checked as such.
  ReadDomainFiles(entries, /*recheck_all=*/(provider_changed || catalog_redefined) && !image, set,
                  domains_read, report, progress, progress_every, load_start);
  if (only_named) report.files_unchanged = files_.size() - report.files_read;
  if (image) {
    // Of the files taken, those whose stamps have changed were read.
    files_from_image_ = 0;
    for (const Entry& e : entries) files_from_image_ += e.file->from_image;
  }
  report.changed = server_changed || catalog_changed || files_removed ||
                   report.files_read > report.files_same;
  if (only_named) {
    NoteErrors(changes);
  } else {
    NoteAllErrors();
  }
  if (!only_named || !Apply(changes, report)) Collect();
  set.domains = domains_;  // shared, not copied
  set.errors.insert(set.errors.end(), duplicates_.begin(), duplicates_.end());
  report.file_errors = file_errors_;
  for (const std::string& path : failed_) {
    report.failed.push_back(path);
    ++report.files_failed;
    if (files_.find(path)->second.good) ++report.files_kept;
  }
  RetainSenders(set);
  SortDiagnostics(set.errors);
  if (release_) set.reread = [this](const DomainHead& head) { return ModelOf(head); };
  image_linking_ = false;
  return report;
}

std::optional<std::pair<uint64_t, uint64_t>> ConfigState::ImageDigests() const {
  if (!server_ || !catalog_) return std::nullopt;
  if (StampOf(server_file_) != server_stamp_ || StampOf(catalog_->path) != catalog_stamp_) {
    return std::nullopt;  // changed since: what was loaded is not what they hold
  }
  std::optional<uint64_t> server = DigestOfFile(server_file_, server_file_);
  std::optional<uint64_t> catalog = DigestOfFile(catalog_->path, catalog_->path);
  if (!server || !catalog) return std::nullopt;
  return std::make_pair(*server, *catalog);
}

void ConfigState::NoteErrors(const std::vector<Change>& changes) {
  for (const Change& c : changes) {
    const DomainFile* f = c.file;
    if (f != nullptr && f->errors != nullptr) {
      file_errors_.Set({c.path, f->errors});
    } else {
      file_errors_.Erase(c.path.str());
    }
    if (f != nullptr && f->failed) {
      failed_.insert(c.path.string());
    } else if (auto it = failed_.find(c.path.str()); it != failed_.end()) {
      failed_.erase(it);
    }
  }
}

void ConfigState::NoteAllErrors() {
  file_errors_ = FileDiagnosticsList();
  failed_.clear();
  for (const auto& [path, f] : files_) {
    if (f.errors != nullptr) file_errors_.push_back({path, f.errors});
    if (f.failed) failed_.insert(failed_.end(), path.string());
  }
}

bool ConfigState::Apply(const std::vector<Change>& changes, LoadReport& report) {
  DomainList next = domains_;  // shares its chunks
  absl::btree_set<std::string> touched;
  for (const Change& c : changes) {
    std::shared_ptr<const DomainHead> after = c.file != nullptr ? c.file->good : nullptr;
    if (after == c.before) continue;
    if (c.before != nullptr) {
      const std::string& name = c.before->domain;
      if (contested_.contains(name) || next.Find(name) != c.before.get()) return false;
      next.Erase(name);
      touched.insert(name);
    }
    if (after != nullptr) {
      // Another file configures it: which keeps it is decided by path
      // order over all of them.
      if (contested_.contains(after->domain) || next.Find(after->domain) != nullptr) {
        return false;
      }
      next.Set(after);
      touched.insert(after->domain);
    }
  }
  DomainDelta delta;
  for (const std::string& name : touched) {
    const DomainHead* was = domains_.Find(name);
    const DomainHead* is = next.Find(name);
    if (was != nullptr && is != nullptr) {
      if (was != is) delta.changed.push_back(name);
    } else if (is != nullptr) {
      delta.added.push_back(name);
    } else if (was != nullptr) {
      delta.removed.push_back(name);
    }
  }
  domains_ = std::move(next);
  report.delta = std::move(delta);
  return true;
}

std::vector<ConfigState::Entry> ConfigState::ListAll(ConfigSet& set, const std::string& read_dir,
                                                     bool& removed, ImageCursor* image) {
  size_t errors_before = set.errors.size();
  std::vector<std::string> paths = ListDomainFiles(set.server.domains_dir, set.errors, read_dir);
  held_errors_ = set.errors.size() != errors_before;
  // Files that are gone take their domains with them. Both are sorted by
  // path: one walk, no look-ups.
  std::vector<Entry> entries;
  entries.reserve(paths.size());
  auto it = files_.begin();
  for (const std::string& path : paths) {
    while (it != files_.end() && it->first.str() < path) {
      it = files_.erase(it);
      removed = true;
    }
    if (it == files_.end() || it->first.str() != path) {
      it = files_.emplace_hint(it, path, DomainFile{});
      if (image != nullptr) image->Match(it->first, it->second);
    }
    entries.push_back({&it->first, &it->second});
    ++it;
  }
  removed |= it != files_.end();
  files_.erase(it, files_.end());
  if (image != nullptr) TakeFromImage(*image, image_linking_ ? kYieldToLink : 0);
  return entries;
}

std::optional<std::vector<ConfigState::Entry>> ConfigState::ListChanged(
    const std::vector<std::string>& changed, ConfigSet& set, const std::string& read_dir,
    bool& removed, std::vector<Change>& gone) {
  std::vector<Entry> entries;
  const std::string& dir = set.server.domains_dir;
  for (const std::string& changed_path : changed) {
    std::filesystem::path name = std::filesystem::path(changed_path).filename();
    if (!IsDomainFileName(name.string())) {
      // A folder or link that is not a domain file: a Kubernetes
      // ConfigMap's ..data swapped under the files, say. Which files that
      // changed cannot be told from the name: look at every file. Any
      // other name (an editor's or a deploy tool's temporary file) is none
      // of ours.
      std::error_code ec;
      auto status = std::filesystem::symlink_status(std::filesystem::path(read_dir) / name, ec);
      if (!ec && (std::filesystem::is_symlink(status) || std::filesystem::is_directory(status))) {
        return std::nullopt;
      }
      continue;
    }
    // Spelt as ListDomainFiles spells it: the key of files_.
    std::string path = (std::filesystem::path(dir) / name).string();
    if (!DomainFileIn(dir, name.string(), set.errors, read_dir)) {
      if (auto it = files_.find(path); it != files_.end()) {
        gone.push_back({it->first, nullptr, it->second.good});
        files_.erase(it);
        removed = true;
      }
      continue;
    }
    auto [it, added] = files_.try_emplace(path);
    // Not captured as `it`: clang 14 (the fuzz preset's) cannot capture a
    // structured binding.
    const DomainFile* file = &it->second;
    if (!added && std::any_of(entries.begin(), entries.end(),
                              [file](const Entry& e) { return e.file == file; })) {
      continue;  // named twice
    }
    entries.push_back({&it->first, &it->second});
  }
  return entries;
}

// Every file's good version unless an earlier file (by path) configures
// the same domain. Already in name order when every file is named after its
// domain, as the files usually are: then no sort, and no look-ups, just a
// walk.
void ConfigState::Collect() {
  struct Good {
    const DomainFile* file;
    absl::string_view path;
  };
  std::vector<Good> goods;
  goods.reserve(files_.size());
  for (const auto& [path, f] : files_) {
    if (f.good) goods.push_back({&f, path.str()});
  }
  auto by_domain = [](const Good& a, const Good& b) {
    return a.file->good->domain < b.file->good->domain;
  };
  // Stable: of two files with one domain, the first by path keeps it.
  if (!std::is_sorted(goods.begin(), goods.end(), by_domain)) {
    std::stable_sort(goods.begin(), goods.end(), by_domain);
  }
  domains_.clear();
  contested_.clear();
  duplicates_.clear();
  const Good* kept = nullptr;
  for (const Good& g : goods) {
    const DomainHead& d = *g.file->good;
    if (kept != nullptr && kept->file->good->domain == d.domain) {
      duplicates_.push_back(Diagnostic{d.pos(), absl::StrCat("domain ", Quoted(d.domain),
                                                           " is already configured in ",
                                                           kept->path)});
      contested_.insert(d.domain);
      continue;
    }
    kept = &g;
    domains_.push_back(g.file->good);  // shared with this state, not copied
  }
}

// A domain file that no longer checks out keeps serving its last good
// version, and that version's answers depend on the senders it names: a
// sender dropped from the catalog stays in the compiled catalog while a kept
// domain names it, so its answers do not change until its file is fixed.
void ConfigState::RetainSenders(ConfigSet& set) const {
  // Only a domain kept at its last good version can name a sender the
  // catalog lacks: every other one checked out against this catalog.
  std::set<std::string, std::less<>> missing;  // copies: InputsOf gives its ids by value
  for (const std::string& path : failed_) {
    const DomainFile& f = files_.find(path)->second;
    if (f.good == nullptr) continue;
    for (const std::string& id : InputsOf(*f.good)) {
      if (set.catalog.Find(id) == nullptr && last_senders_.contains(id)) missing.insert(id);
    }
  }
  if (missing.empty()) return;
  std::vector<Sender>& senders = set.catalog.senders;
  for (std::string_view id : missing) senders.push_back(last_senders_.find(id)->second);
  std::sort(senders.begin(), senders.end(),
            [](const Sender& a, const Sender& b) { return a.id < b.id; });
}

ConfigSet LoadConfig(const std::string& server_file) {
  LoadReport report = ConfigState(server_file).Load();
  report.set.errors = Merged(std::move(report.set.errors), report.file_errors);
  return std::move(report.set);
}

}  // namespace dnsd::config
