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
// through the same function. The copy, the reloads and the checks are
// examples_copy.h's.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tests/fuzz/examples_copy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnsd::fuzz::Check;
  dnsd::fuzz::target_name = "domain_file_fuzzer";  // before the copy can fail
  // Destroyed at exit, which removes its folder.
  static dnsd::fuzz::ExamplesCopy copy;
  static const std::string relative = "domains/fuzzed.example.yaml";
  static const std::string file = copy.Path(relative);
  static const std::vector<std::string> changed = {file};
  static const bool verbose = std::getenv("DOMAIN_FILE_FUZZER_VERBOSE") != nullptr;

  copy.Put(relative, absl::string_view(reinterpret_cast<const char*>(data), size));
  dnsd::config::LoadedConfig added = copy.Reload(&changed);
  Check(!added.fatal && added.snapshot != nullptr, "a reload failed");
  dnsd::fuzz::CheckSameAsFromScratch(added, copy.FromScratch());
  dnsd::fuzz::CheckDomains(
      copy.state(), added, [&](absl::string_view domain) { return !copy.IsExample(domain); },
      verbose);
  dnsd::fuzz::CheckDiagnostics(added, verbose);

  std::filesystem::remove(file);
  dnsd::config::LoadedConfig removed = copy.Reload(&changed);
  Check(!removed.fatal && removed.snapshot != nullptr, "a reload failed");
  Check(dnsd::config::testing::Dump(*removed.snapshot) == copy.examples(),
        "the file taken away leaves something behind");
  return 0;
}
