#include "config/load_and_compile.h"

#include <algorithm>
#include <chrono>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/compile.h"
#include "config/compiled_image.h"
#include "config/domain_changes.h"
#include "config/drop_guard.h"
#include "config/image_link.h"

namespace dnsd::config {
namespace {

// What a reload logs: `out.errors` less the warnings of domain files this
// load neither read nor checked again, and of the domain files' own
// diagnostics those of the files read, and the errors of every failed file.
// An unchanged file's warnings were reported when it was read (at a million
// domains there are hundreds of thousands); its errors are repeated, since
// something is not served as written until the file is fixed.
std::vector<Diagnostic> Fresh(const LoadedConfig& out, const std::string& server_file) {
  const LoadReport& report = out.report;
  if (report.files_rechecked > 0 || (report.read.empty() && report.files_read > 0)) {
    return AllDiagnostics(out);  // every file was read or checked again
  }
  absl::flat_hash_set<absl::string_view> read(report.read.begin(), report.read.end());
  const std::string& dir = report.set.server.domains_dir;
  std::vector<Diagnostic> fresh;
  for (const Diagnostic& d : out.errors) {
    absl::string_view file = d.pos.file.str();
    bool domain_file = file.size() > dir.size() && absl::StartsWith(file, dir) &&
                       file != server_file && file != report.set.catalog.path;
    if (!domain_file || d.severity == Severity::kError || read.contains(file)) {
      fresh.push_back(d);
    }
  }
  for (absl::string_view path : report.read) {
    if (const FileDiagnostics* f = out.file_errors.Find(path)) {
      fresh.insert(fresh.end(), f->list->begin(), f->list->end());
    }
  }
  for (absl::string_view path : report.failed) {
    const FileDiagnostics* f = out.file_errors.Find(path);
    if (f == nullptr || read.contains(path)) continue;
    for (const Diagnostic& d : *f->list) {
      if (d.severity == Severity::kError) fresh.push_back(d);
    }
  }
  SortDiagnostics(fresh);
  return fresh;
}

// The compiles of the files the load took from the image, into the cache
// the compile is about to take them from: linked already, by `linked`
// (may be null), or to be read by the compile.
void TakeImage(LoadState& state, LoadedConfig& out, ImageLink* linked,
               const CompileProgressFn& progress) {
  out.image_files = state.files.files_from_image();
  out.image_refused = state.files.image_refused();
  out.image_used = !out.fatal && out.image_refused.empty();
  bool keep = out.image_used && out.image_files > 0;
  if (linked != nullptr) out.image_linked = linked->Finish(state.compiled, keep, progress);
  if (!keep || out.image_linked > 0) return;
  absl::StatusOr<size_t> offered = OfferCompiled(state.image, state.compiled);
  if (!offered.ok()) {
    out.image_refused = absl::StrCat("its compiled domains: ", offered.status().message());
  }
}

// Changes [from, from + size) of `changes`, taken as one sequence: its
// removed, then its changed, then its added domains, each list in name
// order, as a delta of its own.
DomainDelta PartOf(const DomainChanges& changes, size_t from, size_t size) {
  DomainDelta part;
  size_t at = 0;
  auto take = [&](const std::vector<absl::string_view>& names, std::vector<std::string>& into) {
    size_t begin = std::clamp(from, at, at + names.size()) - at;
    size_t end = std::clamp(from + size, at, at + names.size()) - at;
    for (size_t i = begin; i < end; ++i) into.emplace_back(names[i]);
    at += names.size();
  };
  take(changes.removed, part.removed);
  take(changes.changed, part.changed);
  take(changes.added, part.added);
  return part;
}

size_t Count(const DomainChanges& changes) {
  return changes.removed.size() + changes.changed.size() + changes.added.size();
}

// `part`'s stats added to those of the parts before it, of `domains` in all.
void Add(CompileStats& sum, const CompileStats& part, size_t domains) {
  sum.compiled += part.compiled;
  sum.unchanged += part.unchanged;
  sum.unread += part.unread;
  sum.from_image += part.from_image;
  sum.reused = domains - sum.compiled - sum.from_image;
  sum.by_delta = part.by_delta;
  sum.edited = sum.edited || part.edited;
}

}  // namespace

size_t PartSize(size_t domains) {
  constexpr size_t kParts = 32, kFewest = 4096;
  return std::max(kFewest, domains / kParts);
}

LoadedConfig LoadAndCompile(LoadState& state, uint64_t generation,
                            bool skip_if_unchanged, const ProgressFn& progress,
                            const RefreshedRanges* refreshed,
                            std::optional<UtcSeconds> now,
                            const std::vector<std::string>* domain_files,
                            const PublishPartFn& publish_part) {
  auto start = std::chrono::steady_clock::now();
  LoadedConfig out;
  out.generation = generation;
  // The first load of a start from an image: its domains are linked while
  // the files are listed (config/image_link.h).
  std::unique_ptr<ImageLink> image_link;
  if (state.image != nullptr && state.compiled.tables() == nullptr) {
    state.files.OnImageAccepted([&](const ServerConfig& server) {
      image_link = ImageLink::Start(state.image, server, state.compiled);
    });
  }
  out.report = state.files.Load(progress, 2.0, domain_files);
  state.files.OnImageAccepted(nullptr);
  out.errors = std::move(out.report.set.errors);  // `report.set.errors` is left empty
  out.file_errors = out.report.file_errors;
  out.fatal = out.report.rejected;
  // A delta says how this load's domains differ from the last load's; the
  // cache and `served` are those of the last load only if it compiled.
  const DomainDelta* delta =
      out.report.delta && state.in_step && state.served ? &*out.report.delta : nullptr;
  if (skip_if_unchanged && !out.report.changed && !out.fatal && !state.held_back) {
    // A load that found every file as it was still listed and stat'ed
    // them all (tens of megabytes at a million files, freed by now): an
    // idle server would otherwise hold those pages until its next reload.
    if (state.release_freed) state.release_freed();
    out.skipped = true;
    return out;
  }
  if (!out.fatal) {
    const DomainVersions* served = state.served ? &*state.served : nullptr;
    const ConfigSet& set = out.report.set;
    if (absl::Status guard = CheckDrop(served, set.domains, set.server.guard,
                                       state.files.server_file(), delta);
        !guard.ok()) {
      out.fatal = out.guarded = state.held_back = true;
      out.errors.push_back(Diagnostic{SourcePos{set.server.domains_dir},
                                      std::string(guard.message())});
    }
  }
  CompileProgressFn compile_progress;
  if (progress || state.release_freed) {
    compile_progress = [&](size_t done, size_t total, bool linking) {
      // Compiled, about to link: what compiling used and let go is free.
      if (linking && done == total && state.release_freed) state.release_freed();
      if (!progress) return;
      LoadProgress p;
      p.phase = linking ? LoadProgress::Phase::kLinking : LoadProgress::Phase::kCompiling;
      p.files_done = done;
      p.files_total = total;
      p.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress(p);
    };
  }
  if (state.image != nullptr) {
    TakeImage(state, out, image_link.get(), compile_progress);
    image_link = nullptr;
    state.image = nullptr;
  }
  if (!out.fatal) {
    if (state.release_freed) state.release_freed();
    if (progress) {
      LoadProgress compiling;
      compiling.phase = LoadProgress::Phase::kCompiling;
      compiling.files_total = out.report.set.domains.size();
      compiling.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      progress(compiling);
    }
    // Against the served domains as they are before the compile, which may
    // give one the version of a new read that compiled the same
    // (CompiledDomain::version). Views, good for the whole of the compile:
    // into the delta, or into the new list and the served domains (a
    // removed one's name is read before the part that removes it).
    DomainChanges changes;
    if (delta != nullptr) {
      changes = ChangesOf(*delta);
    } else if (state.served) {
      changes = Diff(*state.served, out.report.set.domains);
    }
    out.changes = Summary(changes);
    const size_t total = Count(changes);
    size_t part = state.part_domains > 0 ? state.part_domains
                                         : PartSize(out.report.set.domains.size());
    const bool in_parts = publish_part && state.in_step && state.served &&
                          total > part;
    for (size_t from = 0;; from += part) {
      std::optional<DomainDelta> part_delta;
      if (in_parts) part_delta = PartOf(changes, from, part);
      auto compiled = CompileSnapshot(out.report.set, out.generation, refreshed, &state.compiled,
                                      now, compile_progress,
                                      part_delta ? &*part_delta : delta, state.release_freed);
      // What the image had to give is in the compile, or compiled afresh.
      state.compiled.ForgetImage();
      if (!compiled.ok()) {
        out.fatal = true;
        Diagnostic error;
        error.pos.file = state.files.server_file();
        error.message = std::string(compiled.status().message());
        out.errors.push_back(std::move(error));
        break;
      }
      if (from == 0) {
        out.compile_stats = compiled->stats;
      } else {
        Add(out.compile_stats, compiled->stats, out.report.set.domains.size());
      }
      state.served = DomainVersions(state.compiled.domains());  // shared, not copied
      // A part compiled by its delta leaves the rest to the next; one that
      // could not be (the catalog changed, say) compiled every domain.
      size_t done = std::min(from + part, total);
      if (!in_parts || done == total || !compiled->stats.by_delta) {
        // Linked from the image, the compile took its domains as a reload
        // takes the last compile's.
        out.image_domains =
            out.image_linked > 0 ? compiled->stats.reused : compiled->stats.from_image;
        // Compiled: what was read this time needs its model no more.
        bool released_many = state.files.ReleaseModels();
        out.report.set.domains = state.files.domains();
        if (released_many && state.release_freed) state.release_freed();
        state.held_back = false;
        state.in_step = true;
        out.snapshot = std::move(compiled->snapshot);
        out.errors.insert(out.errors.end(), compiled->errors.begin(), compiled->errors.end());
        break;
      }
      // A part whose domains all compiled to what they served (a comment
      // added to every file) serves what is served: nothing to publish.
      if (compiled->stats.edited) {
        publish_part(std::move(compiled->snapshot), done, total);
        ++out.generation;
        ++out.parts;
      }
    }
  }
  if (out.fatal) state.in_step = false;
  SortDiagnostics(out.errors);
  out.fresh_errors = Fresh(out, state.files.server_file());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::vector<Diagnostic> AllDiagnostics(const LoadedConfig& loaded) {
  return Merged(loaded.errors, loaded.file_errors);
}

LoadedConfig LoadAndCompile(const std::string& server_file, uint64_t generation) {
  LoadState state(server_file);
  LoadedConfig loaded = LoadAndCompile(state, generation);
  loaded.errors = AllDiagnostics(loaded);
  loaded.file_errors = FileDiagnosticsList();
  return loaded;
}

}  // namespace dnsd::config
