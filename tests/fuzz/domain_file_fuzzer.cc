// libFuzzer target for a customer's domain file, from its bytes to the
// answers. The input is the file; it goes into a copy of the examples'
// domains folder (config/examples/) and is taken by a reload the way a
// running server takes it: LoadAndCompile on a LoadState that releases
// models, as `dnsd serve`'s does, told which one file changed, as the file
// watcher tells it. Then the file is taken away by a second such reload.
//
// Beyond "never crash, never hang" (ASan and UBSan catch the rest):
//   - every diagnostic prints as one line of text (config/quote.h):
//     no control octet, and UTF-8 only as our own messages write it,
//     whatever octets the file holds;
//   - the reload is never fatal: the server file and catalog are good, and
//     one domain file can only leave itself out;
//   - what it publishes is what a compile from scratch of the same files
//     publishes, byte for byte (config/snapshot_dump.h): CompileCacheTest's
//     promise, over any file;
//   - every domain the file added writes to the compiled image and reads
//     back as the same compile, and writes the same bytes again;
//   - every name the file added answers each of its RRsets: over TCP with
//     room to spare, authoritative, NOERROR, not truncated, and parsed by
//     ldns with the asked RRset's type and owner in the answer;
//   - once the file is taken away, the snapshot is the examples' own again.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus (make_domain_file_corpus.py)
// through the same function.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "config/compiled_domain.h"
#include "config/compiled_domain_image.h"
#include "config/load_and_compile.h"
#include "config/snapshot_dump.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/testing/ldns_referee.h"
#include "tests/fuzz/one_line.h"

namespace {

namespace fs = std::filesystem;
using dnsd::config::CompiledDomain;
using dnsd::config::CompiledDomainList;
using dnsd::config::LoadedConfig;
using dnsd::config::LoadState;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "domain_file_fuzzer: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// Every compile is for this instant, so that a file with a timeline
// compiles the same in both loads whatever the clock says.
constexpr dnsd::config::UtcSeconds kNow = 1796083200;  // 2026-12-01T00:00:00Z

// A copy of config/examples in a folder of its own, removed at exit, and
// a server state that has loaded it.
struct Setup {
  Setup() {
    std::string pattern = (fs::temp_directory_path() / "dnsd-domain-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Fail("mkdtemp failed");
    dir = pattern;
    fs::copy(fs::path(DNSD_SOURCE_DIR) / "config/examples", dir, fs::copy_options::recursive);
    server_file = (dir / "dnsd.yaml").string();
    file = (dir / "domains/fuzzed.example.yaml").string();
    changed = {file};
    state = std::make_unique<LoadState>(server_file);
    state->files.set_release(true);
    LoadedConfig first = Reload();
    examples = dnsd::config::testing::Dump(*first.snapshot);
    for (const CompiledDomainList::Ptr& d : state->compiled.domains()) {
      examples_domains.insert(std::string(d->domain()));
    }
  }
  ~Setup() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }

  // The next load of `state`, as a reload after the file watcher saw
  // `file` change (the first load lists the folder).
  LoadedConfig Reload() {
    ++generation;
    LoadedConfig loaded =
        dnsd::config::LoadAndCompile(*state, generation, /*skip_if_unchanged=*/false, nullptr,
                                     nullptr, kNow, generation == 1 ? nullptr : &changed);
    Check(!loaded.fatal && loaded.snapshot != nullptr, "a reload failed");
    return loaded;
  }

  // The same files compiled by a state of its own, from nothing.
  std::string FromScratch() const {
    LoadState fresh(server_file);
    LoadedConfig loaded =
        dnsd::config::LoadAndCompile(fresh, 1, false, nullptr, nullptr, kNow);
    Check(!loaded.fatal && loaded.snapshot != nullptr, "a load from scratch failed");
    return dnsd::config::testing::Dump(*loaded.snapshot);
  }

  fs::path dir;
  std::string server_file;
  std::string file;
  std::vector<std::string> changed;
  std::unique_ptr<LoadState> state;
  uint64_t generation = 0;
  std::string examples;  // the snapshot with the examples alone
  std::set<std::string> examples_domains;  // their names: the file's may take one
};

// Written to a new file and renamed over the old, as deploy tools do: the
// load sees a new file, whatever the clock's resolution.
void Put(const std::string& path, const uint8_t* data, size_t size) {
  std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    Check(out.good(), "cannot write", temporary);
  }
  fs::rename(temporary, path);
}

void CheckImage(const CompiledDomain& d) {
  dnsd::config::ImageWriter out;
  // A domain the image cannot carry is compiled afresh at the next start.
  if (!dnsd::config::WriteCompiledDomain(d, out)) return;
  dnsd::config::ImageReader in(out.bytes());
  auto read = dnsd::config::ReadCompiledDomain(in, d.provider);
  Check(read.ok(), "a written domain does not read back:", std::string(d.domain()));
  Check(dnsd::config::SameCompile(d, **read), "a domain reads back as another compile:",
        std::string(d.domain()));
  dnsd::config::ImageWriter again;
  Check(dnsd::config::WriteCompiledDomain(**read, again) && again.bytes() == out.bytes(),
        "a domain read back writes other bytes:", std::string(d.domain()));
}

// A query for `name` (wire form) and `type`, as a resolver sends it: RD
// clear, no EDNS; asked over TCP with a full buffer, so nothing truncates.
void CheckAnswers(const dnsd::config::Snapshot& snapshot, absl::string_view name,
                  uint16_t type) {
  std::vector<uint8_t> query = {0x51, 0x7e, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  query.insert(query.end(), name.begin(), name.end());
  query.insert(query.end(), {static_cast<uint8_t>(type >> 8), static_cast<uint8_t>(type), 0, 1});
  std::vector<uint8_t> buffer(65535);
  dnsd::Outcome out = dnsd::HandleQuery(snapshot, query, dnsd::Transport::kTcp, buffer);
  Check(out.size > 0, "a served name is not answered");
  auto msg = dnsd::testing::ParseWithLdns(std::span<const uint8_t>(buffer.data(), out.size));
  if (!msg.ok()) Fail("ldns cannot parse an answer:", std::string(msg.status().message()));
  Check(msg->rcode == dnsd::wire::kNoError, "a served name is not NOERROR:", msg->text);
  Check(msg->aa && !msg->tc, "an answer is not authoritative, or truncated:", msg->text);
  Check(msg->question.size() == 1, "the answer lost its question:", msg->text);
  const std::string& owner = msg->question[0].owner;
  bool found = false;
  for (const dnsd::testing::RefereeRr& rr : msg->answer) {
    if (rr.owner == owner && (rr.type == type || rr.type == dnsd::wire::kTypeCname)) found = true;
  }
  Check(found, "an RRset the compile holds is not in its answer:", msg->text);
}

// Whether linking `domain` into the tables left out a part of it: a name
// another domain holds. Its compile keeps the part; the answers are the
// other domain's.
bool LinkRefused(const LoadedConfig& loaded, absl::string_view domain) {
  for (const dnsd::config::Diagnostic& e : loaded.errors) {
    if (e.severity == dnsd::config::Severity::kError &&
        absl::StrContains(e.message.str(), domain)) {
      return true;
    }
  }
  return false;
}

// Returns how many RRsets it asked for.
size_t CheckServed(const CompiledDomain& d, const dnsd::config::Snapshot& snapshot) {
  size_t asked = 0;
  for (const dnsd::config::CompiledZone& zone : d.zones()) {
    for (const dnsd::config::Owned& name : d.NamesOf(zone)) {
      if (name.second == nullptr) continue;
      CheckAnswers(snapshot, name.first, name.second->type);
      ++asked;
    }
  }
  for (const dnsd::config::SharedName& shared : d.shared()) {
    if (shared.name.second == nullptr) continue;
    CheckAnswers(snapshot, shared.name.first, shared.name.second->type);
    ++asked;
  }
  return asked;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Destroyed at exit, which removes its folder.
  static Setup setup;
  static const bool verbose = std::getenv("DOMAIN_FILE_FUZZER_VERBOSE") != nullptr;
  Put(setup.file, data, size);
  LoadedConfig added = setup.Reload();
  std::string reloaded = dnsd::config::testing::Dump(*added.snapshot);
  std::string scratch = setup.FromScratch();
  if (reloaded != scratch) {
    Fail("the reload and a compile from scratch differ:",
         "\n--- reloaded\n" + reloaded + "\n--- from scratch\n" + scratch);
  }
  for (const CompiledDomainList::Ptr& d : setup.state->compiled.domains()) {
    if (setup.examples_domains.contains(std::string(d->domain()))) continue;
    CheckImage(*d);
    bool refused = LinkRefused(added, d->domain());
    size_t asked = refused ? 0 : CheckServed(*d, *added.snapshot);
    if (verbose) {
      std::fprintf(stderr, "  %s: %zu RRsets answered%s\n", std::string(d->domain()).c_str(),
                   asked, refused ? " (the link refused a part)" : "");
    }
  }
  for (const dnsd::config::Diagnostic& e : dnsd::config::AllDiagnostics(added)) {
    std::string line = dnsd::config::FormatDiagnostic(e);
    if (verbose) std::fprintf(stderr, "  %s\n", line.c_str());
    Check(dnsd::fuzz::IsOneLine(line), "a diagnostic is not one line of text:",
          absl::CHexEscape(line));
  }
  std::filesystem::remove(setup.file);
  LoadedConfig removed = setup.Reload();
  Check(dnsd::config::testing::Dump(*removed.snapshot) == setup.examples,
        "the file taken away leaves something behind");
  return 0;
}
