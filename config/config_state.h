// The configuration as it was last loaded, so that a reload re-reads only
// the files that changed and a domain file that broke keeps serving its
// last good version (config/README.md, "Reloading").
//
// Used by one thread at a time (the control thread).
#ifndef DNSD_CONFIG_CONFIG_STATE_H_
#define DNSD_CONFIG_CONFIG_STATE_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "config/domain_changes.h"
#include "config/domain_file.h"
#include "config/file_diagnostics.h"
#include "config/image_bytes.h"
#include "config/loader.h"
#include "config/model.h"

namespace dnsd::config {

class CompiledImage;  // config/compiled_image.h
class CompiledDomainList;  // config/compiled_domain.h

// What identifies a file's content without reading it: a digest of what
// stat says of it (modification and change times, inode, size), the same
// in every run, so that the compiled image can carry it. It is only ever
// compared, and every domain file has one: 8 octets, where the four
// fields took 32, and a map entry a size class up.
struct FileStamp {
  uint64_t digest = 0;  // 0: the file could not be stat'ed
  bool readable() const { return digest != 0; }
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
FileStamp StampOf(const std::string& path);  // not readable() if it cannot be stat'ed

// How far a load has got, for operators watching a large configuration load.
struct LoadProgress {
  // kListing comes once, when the domains folder has been listed
  // (files_total: its domain files) and before each file's stamp is taken:
  // at a million files those two steps alone take seconds.
  enum class Phase { kListing, kReading, kCompiling, kLinking };
  Phase phase = Phase::kReading;
  size_t files_done = 0;   // domain files read (domains compiled) so far
  size_t files_total = 0;  // domain files that need reading (domains compiling)
  size_t files_failed = 0;
  double seconds = 0;      // since the load began
};
using ProgressFn = std::function<void(const LoadProgress&)>;

struct LoadReport {
  // What to serve. `set.errors` has the current diagnostics of the server
  // file, the catalog and the folder, and domains configured twice; those
  // of each domain file are in `file_errors`.
  ConfigSet set;
  FileDiagnosticsList file_errors;  // shared with the state, not copied
  // How `set.domains` differs from the last load's, when this load knows it
  // from the files it read alone (it was given the names of the files that
  // changed): then nothing downstream need compare every domain.
  std::optional<DomainDelta> delta;
  // The files that have errors now (views of the state's own, valid until
  // its next Load): their errors are reported on every reload.
  std::vector<absl::string_view> failed;
  bool rejected = false;     // server file or catalog broken: keep what runs
  bool changed = true;       // false: no file changed since the last load
  size_t files_read = 0;     // domain files (re-)read this time
  size_t files_same = 0;     // of which held the bytes of their last read: kept as read
  // Their paths (views of the state's own, valid until its next Load); empty
  // when every file was read or checked again (`files_rechecked`).
  std::vector<absl::string_view> read;
  size_t files_unchanged = 0;
  size_t files_rechecked = 0;  // unchanged, checked again: the catalog or provider changed
  size_t files_failed = 0;   // of which `files_kept` still serve a last good version
  size_t files_kept = 0;
};

class ConfigState {
 public:
  explicit ConfigState(std::string server_file) : server_file_(std::move(server_file)) {}

  // The first load, and every reload after it. Domain files are read on
  // every core (the first load: on config/parallel.h's FileThreads()); `progress`, if set, is called from this thread about every
  // `progress_every` seconds while files are read, and once at the end.
  // With `domain_files` (paths in the domains folder: what a file watcher
  // saw change), and the server file and catalog unchanged, only those
  // files are looked at: a reload at a million domains stats a few files,
  // not a million. Otherwise the folder is listed and every file stat'ed.
  LoadReport Load(const ProgressFn& progress = nullptr, double progress_every = 2.0,
                  const std::vector<std::string>* domain_files = nullptr);

  const std::string& server_file() const { return server_file_; }

  // Releasing models. A domain's model (every section of its file, as
  // read) is needed to check it and to compile it, and then only when its
  // file, the catalog or the provider settings change. With release on, a
  // load's sets can read a released model again (ConfigSet::reread), and
  // ReleaseModels, called once what a load read has compiled, keeps only
  // the heads of every file that checked out as it reads now and has no
  // timeline. A file read again only to be checked again (the catalog or
  // the provider settings changed) has its model released at once.
  void set_release(bool release) { release_ = release; }
  // The compiled domains being served (a compile cache's list, which must
  // outlive this): a file read again whose model was released shares with
  // its domain's compile what it holds equal (RecordFamily::ShareServed),
  // as it would with the model. A DKIM key then stays one copy when its
  // file changes elsewhere, or is read again for a compile, whether or not
  // the served model was released. Read by Load's threads and ModelOf's
  // callers; the list may change only between loads and compiles.
  void ShareWithServed(const CompiledDomainList* served) { served_ = served; }
  bool release() const { return release_; }
  // True if it released most files' models (the start's, say): enough
  // freed to be worth giving back to the kernel.
  bool ReleaseModels();
  // The domains as the last load (and ReleaseModels) left them.
  const DomainList& domains() const { return domains_; }

  // The compiled image (config/compiled_image.h), the files' part.
  // UseImage, before the first Load: that load takes each domain file the
  // image holds as read, without reading it, if the file's stamp is the
  // one the image holds and the server file and catalog hold the bytes it
  // was written from (else it reads every file, as without an image).
  void UseImage(std::shared_ptr<const CompiledImage> image) { image_ = std::move(image); }
  // Called by the first Load, if set, once it has found the server file and
  // the catalog to be those the image was written from: with the server
  // settings, before any domain file is listed (config/image_link.h).
  void OnImageAccepted(std::function<void(const ServerConfig&)> accepted) {
    image_accepted_ = std::move(accepted);
  }
  // Domain files the last Load took from the image.
  size_t files_from_image() const { return files_from_image_; }
  // Why the first Load did not take files from the image it was given;
  // empty if it did, or had none.
  const std::string& image_refused() const { return image_refused_; }
  // Writes every file whose model is released and that serves its own
  // last read, checked out (the files an image can carry: a file with
  // errors, or with a schedule of its own, is read afresh at the next
  // start), handing their records to `put` some 64 KiB at a time: at a
  // million files they are half a gigabyte, which a stop must not hold
  // all at once beside everything it serves. Returns how many were
  // handed on; stops at the first `put` that returns false.
  size_t WriteImageFiles(const std::function<bool(const ImageWriter&)>& put) const;
  // The digests (BytesDigest) of the server file and the catalog, if both
  // still carry the stamps they had when the last Load read them.
  std::optional<std::pair<uint64_t, uint64_t>> ImageDigests() const;

 private:
  struct DomainFile {
    FileStamp stamp;
    // What reading it last gave; null before the first read and once its
    // model is released (`released()`).
    std::shared_ptr<const ReadDomain> read;
    ReadStamp last;  // of that read, also once released
    // Read before, its model since let go (versions start at 1).
    bool released() const { return read == nullptr && last.version != 0; }
    // The last version that checked out: `read`'s domain, or an earlier
    // read's that `read` failed to replace (sharing the ReadDomain it is
    // in), or what stays of either once released.
    std::shared_ptr<const DomainHead> good;
    // Of the current version; null if there are none.
    std::shared_ptr<const DiagnosticList> errors;
    bool failed = false;                       // `errors` has an error, not only warnings
    // Taken from the compiled image by this load, and not read since.
    bool from_image = false;
  };
  // files_ holds one a file, a million at a time: with its key and the
  // tree's 32 octets, a map entry is in the allocator's 128-octet class.
  static_assert(sizeof(DomainFile) <= 88);
  // The image's file records in name order (config/config_state_image.cc),
  // matched to the files ListAll walks in the same order; what matched is
  // read on every core once the listing is done (TakeFromImage).
  struct ImageCursor {
    explicit ImageCursor(absl::string_view files) : in(files) { Next(); }
    void Next();
    // The record of the file called `name`, if the image has one: a name
    // after every earlier one asked.
    void Match(const FileName& path, DomainFile& f);
    ImageReader in;
    bool has = false;
    absl::string_view name;  // of the record at the cursor
    ImageReader::DigestedBytes record;
    struct Matched {
      const FileName* path;
      DomainFile* file;
      ImageReader::DigestedBytes record;
    };
    std::vector<Matched> matched;
  };
  // A file a load read or found gone, and the version it served before.
  struct Change {
    FileName path;
    const DomainFile* file;  // null: the file is gone
    std::shared_ptr<const DomainHead> before;
  };

  // Re-reads the domain files whose stamp changed, then checks them against
  // the catalog and provider settings; with `recheck_all`, every file is
  // checked again (read again only if its model was released).
  struct Entry {
    const FileName* path;
    DomainFile* file;
  };
  // Files are opened in `read_dir`, the domains folder as this load
  // resolved it.
  void ReadDomainFiles(const std::vector<Entry>& all, bool recheck_all, const ConfigSet& set,
                       const std::string& read_dir, LoadReport& report,
                       const ProgressFn& progress, double progress_every,
                       std::chrono::steady_clock::time_point load_start);
  // Brings files_ in line with the domains folder: every file, or only
  // `changed`. Returns the entries to stat; sets `removed` if a file went.
  std::vector<Entry> ListAll(ConfigSet& set, const std::string& read_dir, bool& removed,
                             ImageCursor* image = nullptr);
  // Null if a changed name says nothing of which domain files changed.
  // Files found gone are added to `gone`.
  std::optional<std::vector<Entry>> ListChanged(const std::vector<std::string>& changed,
                                                ConfigSet& set, const std::string& read_dir,
                                                bool& removed, std::vector<Change>& gone);
  // The domains the files configure, each once, sorted by name, from every
  // file: into domains_, contested_ and duplicates_.
  void Collect();
  // domains_ changed by `changes` alone, and report.delta set; false (and
  // nothing changed) if a change touches a domain that more than one file
  // configures, which only Collect decides.
  bool Apply(const std::vector<Change>& changes, LoadReport& report);
  // file_errors_ and failed_ brought in line with `changes`, or with
  // every file.
  void NoteErrors(const std::vector<Change>& changes);
  void NoteAllErrors();
  void Check(DomainFile& file, const ConfigSet& set);
  // Adds to `set.catalog` the senders it no longer has that a domain kept
  // at its last good version still names, as the catalog last had them.
  void RetainSenders(ConfigSet& set) const;

  // The model of `head`, read again from its file; null if the file no
  // longer holds the bytes it was read from. Thread-safe while no Load runs.
  std::shared_ptr<const DomainConfig> ModelOf(const DomainHead& head) const;
  // Keeps only the head of `f`'s read, if nothing needs its model.
  void Release(DomainFile& f);
  // Reads `f` again from `read_dir` (released or not), its model only if
  // its bytes changed or `model_if_same`; true if they had not changed.
  bool ReadAgain(DomainFile& f, const FileName& path, bool model_if_same,
                 const std::string& read_dir) const;
  // The served compile of the domain named `domain`, or null: what a read
  // of a released model shares from (ShareWithServed).
  const CompiledDomain* ServedOf(absl::string_view domain) const;

  // Fills each file the cursor matched from its record, on every core.
  static void TakeFromImage(const ImageCursor& image, int helper_nice);
  // Fills `f` from its record; false (and `f` untouched) if the record
  // is not the one written or does not read whole.
  static bool TakeFile(const ImageReader::DigestedBytes& record, const FileName& path,
                       DomainFile& f);

  std::string server_file_;
  bool release_ = false;
  const CompiledDomainList* served_ = nullptr;  // ShareWithServed's
  std::shared_ptr<const CompiledImage> image_;  // until the first Load
  std::function<void(const ServerConfig&)> image_accepted_;
  // This load told image_accepted_: the threads it starts yield to the
  // image's link, this much nicer (ForEachInParallel).
  bool image_linking_ = false;
  static constexpr int kYieldToLink = 10;
  size_t files_from_image_ = 0;
  std::string image_refused_;
  std::string read_dir_;  // the domains folder as the last load resolved it
  // Files whose read holds a model ReleaseModels may release; every file
  // when `release_all_`.
  std::vector<FileName> to_release_;
  bool release_all_ = false;
  std::optional<ServerConfig> server_;
  std::optional<ServerConfig> started_;  // as first loaded: what restart-only keys run with
  bool first_read_ = true;  // no domain file read yet: the start's read may use more threads
  std::optional<Catalog> catalog_;
  // Every sender of every catalog loaded, by id, as last defined: what a
  // domain's last good version was checked against.
  std::map<std::string, Sender, std::less<>> last_senders_;
  FileStamp catalog_stamp_;
  std::optional<uint64_t> catalog_digest_;  // of the bytes catalog_ was loaded from
  FileStamp server_stamp_;
  // Looked up by the paths ListDomainFiles spells, without making a
  // FileName of each.
  struct ByPath {
    using is_transparent = void;
    static absl::string_view View(const FileName& f) { return f.str(); }
    static absl::string_view View(const std::string& s) { return s; }
    static absl::string_view View(absl::string_view s) { return s; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return View(a) < View(b);
    }
  };
  // By path, in name order. The key is the FileName the file's model and
  // diagnostics name it with: one copy of each path, not two.
  std::map<FileName, DomainFile, ByPath> files_;
  // What the files configure, as the last load found it: edited by the
  // files a reload reads, rebuilt when every file is looked at.
  DomainList domains_;
  absl::flat_hash_set<std::string> contested_;  // configured by two files or more
  std::vector<Diagnostic> duplicates_;          // the second file's error, for each
  FileDiagnosticsList file_errors_;
  std::set<std::string, std::less<>> failed_;   // paths of files with errors
  // The last full listing reported a problem with the folder itself: the
  // next load lists it again, whatever the watcher says.
  bool held_errors_ = false;
};

// Loads the server file, its catalog and every *.yaml / *.yml file directly
// in the domains folder (in name order; names starting with '.' are skipped,
// they are editors' temporary files). A broken domain file is reported and
// left out; a domain configured by two files is an error in the second one.
// If the server file or the catalog is broken, `errors` says so and
// `domains` is empty.
ConfigSet LoadConfig(const std::string& server_file);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_CONFIG_STATE_H_
