// What the fuzz targets of the configuration files share: a copy of
// config/examples in a folder of their own, a server's load state that has
// loaded it and reloads as `dnsd serve` does, and the checks a published
// snapshot must pass whatever file went into it. Header-only, for the
// targets (domain_file_fuzzer.cc, catalog_file_fuzzer.cc).
#ifndef DNSD_TESTS_FUZZ_EXAMPLES_COPY_H_
#define DNSD_TESTS_FUZZ_EXAMPLES_COPY_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "config/compiled_domain.h"
#include "config/compiled_domain_image.h"
#include "config/load_and_compile.h"
#include "config/snapshot_dump.h"
#include "config/test_util.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/testing/ldns_referee.h"
#include "tests/fuzz/one_line.h"

namespace dnsd::fuzz {

// The target's name, for its failure messages.
inline const char* target_name = "fuzz target";

[[noreturn]] inline void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "%s: %s %s\n", target_name, what, detail.c_str());
  std::abort();
}

inline void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// Every compile is for this instant, so that a file with a timeline
// compiles the same in every load whatever the clock says.
inline constexpr config::UtcSeconds kNow = 1796083200;  // 2026-12-01T00:00:00Z

class ExamplesCopy {
 public:
  ExamplesCopy() {
    std::filesystem::copy(std::filesystem::path(DNSD_SOURCE_DIR) / "config/examples",
                          dir_.path(), std::filesystem::copy_options::recursive);
    server_file_ = Path("dnsd.yaml");
    state_ = std::make_unique<config::LoadState>(server_file_);
    // As `dnsd serve` has it: a domain's model is let go once compiled.
    state_->files.set_release(true);
    config::LoadedConfig first = Reload();
    Check(!first.fatal && first.snapshot != nullptr, "the examples do not load");
    examples_ = config::testing::Dump(*first.snapshot);
    for (const config::CompiledDomainList::Ptr& d : state_->compiled.domains()) {
      example_domains_.insert(std::string(d->domain()));
    }
  }
  ExamplesCopy(const ExamplesCopy&) = delete;
  ExamplesCopy& operator=(const ExamplesCopy&) = delete;

  // A file of the copy, by its path in config/examples.
  std::string Path(const std::string& relative) const {
    return (dir_.path() / relative).string();
  }

  // `bytes` as the copy's file `relative`: written beside it and renamed
  // over it, as deploy tools do, so the load sees a new file whatever the
  // clock's resolution.
  void Put(const std::string& relative, absl::string_view bytes) const {
    std::filesystem::rename(dir_.Write(relative + ".tmp", bytes), Path(relative));
  }
  // The file's bytes as the examples hold them.
  static std::string Original(const std::string& relative) {
    return config::testing::ReadFile(std::filesystem::path(DNSD_SOURCE_DIR) / "config/examples" /
                                     relative);
  }

  // The next load of the server's state: told which domain files changed,
  // as the file watcher tells it, or, with null, listing every file (a
  // change of the catalog or the server file).
  config::LoadedConfig Reload(const std::vector<std::string>* changed = nullptr) {
    ++generation_;
    return config::LoadAndCompile(*state_, generation_, /*skip_if_unchanged=*/false, nullptr,
                                  nullptr, kNow, changed);
  }
  // The same files loaded by a state of its own, from nothing.
  config::LoadedConfig FromScratch() const {
    config::LoadState fresh(server_file_);
    return config::LoadAndCompile(fresh, 1, false, nullptr, nullptr, kNow);
  }

  const config::LoadState& state() const { return *state_; }
  // The snapshot of the examples alone (config::testing::Dump).
  const std::string& examples() const { return examples_; }
  bool IsExample(absl::string_view domain) const {
    return example_domains_.contains(std::string(domain));
  }

 private:
  config::testing::TempDir dir_;  // removed with the copy, at exit
  std::string server_file_;
  std::unique_ptr<config::LoadState> state_;
  uint64_t generation_ = 0;
  std::string examples_;
  std::set<std::string> example_domains_;
};

// Every diagnostic of a load prints as one line of text; with `verbose`,
// printed.
inline void CheckDiagnostics(const config::LoadedConfig& loaded, bool verbose) {
  for (const config::Diagnostic& e : config::AllDiagnostics(loaded)) {
    std::string line = config::FormatDiagnostic(e);
    if (verbose) std::fprintf(stderr, "  %s\n", line.c_str());
    Check(IsOneLine(line), "a diagnostic is not one line of text:", absl::CHexEscape(line));
  }
}

// The reload published what a load from scratch of the same files does.
inline void CheckSameAsFromScratch(const config::LoadedConfig& reloaded,
                                   const config::LoadedConfig& scratch) {
  Check(reloaded.fatal == scratch.fatal, "the reload and a load from scratch disagree on fatal");
  if (reloaded.fatal) return;
  Check(reloaded.snapshot != nullptr && scratch.snapshot != nullptr, "a load without a snapshot");
  std::string a = config::testing::Dump(*reloaded.snapshot);
  std::string b = config::testing::Dump(*scratch.snapshot);
  if (a != b) {
    Fail("the reload and a compile from scratch differ:",
         "\n--- reloaded\n" + a + "\n--- from scratch\n" + b);
  }
}

// `d` writes to the compiled image and reads back as the same compile.
inline void CheckImage(const config::CompiledDomain& d) {
  config::ImageWriter out;
  // A domain the image cannot carry is compiled afresh at the next start.
  if (!config::WriteCompiledDomain(d, out)) return;
  config::ImageReader in(out.bytes());
  auto read = config::ReadCompiledDomain(in, d.provider);
  Check(read.ok(), "a written domain does not read back:", std::string(d.domain()));
  Check(config::SameCompile(d, **read), "a domain reads back as another compile:",
        std::string(d.domain()));
  config::ImageWriter again;
  Check(config::WriteCompiledDomain(**read, again) && again.bytes() == out.bytes(),
        "a domain read back writes other bytes:", std::string(d.domain()));
}

// Whether linking `domain` into the tables left out a part of it: a name
// another domain holds. Its compile keeps the part; the answers are the
// other domain's. The link names the domain's file in its error.
inline bool LinkRefused(const config::LoadState& state, const config::LoadedConfig& loaded,
                        absl::string_view domain) {
  const config::DomainHead* head = state.files.domains().Find(domain);
  if (head == nullptr) return false;
  for (const config::Diagnostic& e : loaded.errors) {
    if (e.severity == config::Severity::kError && e.pos.file == head->file) return true;
  }
  return false;
}

// A query for `name` (wire form) and `type`, as a resolver sends it: RD
// clear, no EDNS; over TCP with a full buffer, so nothing truncates. The
// answer holds an RRset of that owner and type (or its CNAME).
inline void CheckAnswers(const config::Snapshot& snapshot, absl::string_view name,
                         uint16_t type) {
  std::vector<uint8_t> query = {0x51, 0x7e, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  query.insert(query.end(), name.begin(), name.end());
  query.insert(query.end(), {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 1});
  std::vector<uint8_t> buffer(65535);
  Outcome out = HandleQuery(snapshot, query, Transport::kTcp, buffer);
  Check(out.size > 0, "a served name is not answered");
  auto msg = testing::ParseWithLdns(std::span<const uint8_t>(buffer.data(), out.size));
  if (!msg.ok()) Fail("ldns cannot parse an answer:", std::string(msg.status().message()));
  Check(msg->rcode == wire::kNoError, "a served name is not NOERROR:", msg->text);
  Check(msg->aa && !msg->tc, "an answer is not authoritative, or truncated:", msg->text);
  Check(msg->question.size() == 1, "the answer lost its question:", msg->text);
  const std::string& owner = msg->question[0].owner;
  bool found = false;
  for (const testing::RefereeRr& rr : msg->answer) {
    if (rr.owner == owner && (rr.type == type || rr.type == wire::kTypeCname)) found = true;
  }
  Check(found, "an RRset the compile holds is not in its answer:", msg->text);
}

// Asks for every RRset `d` holds at its own names and in the provider's
// zones; returns how many.
inline size_t CheckServed(const config::CompiledDomain& d, const config::Snapshot& snapshot) {
  size_t asked = 0;
  for (const config::CompiledZone& zone : d.zones()) {
    for (const config::Owned& name : d.NamesOf(zone)) {
      if (name.second == nullptr) continue;
      CheckAnswers(snapshot, name.first, name.second->type);
      ++asked;
    }
  }
  for (const config::SharedName& shared : d.shared()) {
    if (shared.name.second == nullptr) continue;
    CheckAnswers(snapshot, shared.name.first, shared.name.second->type);
    ++asked;
  }
  return asked;
}

// CheckImage and CheckServed for each compiled domain of `state` that
// `take` says to; with `verbose`, what was asked.
template <typename Take>
void CheckDomains(const config::LoadState& state, const config::LoadedConfig& loaded, Take take,
                  bool verbose) {
  for (const config::CompiledDomainList::Ptr& d : state.compiled.domains()) {
    if (!take(d->domain())) continue;
    CheckImage(*d);
    bool refused = LinkRefused(state, loaded, d->domain());
    size_t asked = refused ? 0 : CheckServed(*d, *loaded.snapshot);
    if (verbose) {
      std::fprintf(stderr, "  %s: %zu RRsets answered%s\n", std::string(d->domain()).c_str(),
                   asked, refused ? " (the link refused a part)" : "");
    }
  }
}

}  // namespace dnsd::fuzz

#endif  // DNSD_TESTS_FUZZ_EXAMPLES_COPY_H_
