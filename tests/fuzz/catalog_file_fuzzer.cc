// libFuzzer target for the catalog (senders.yaml), from its bytes to the
// answers of every domain that names its senders. The input replaces the
// catalog of a copy of the examples (config/examples/), and a reload takes
// it as `dnsd serve` takes a changed catalog: every domain file checked
// and compiled again against it. Then the examples' catalog goes back.
//
// Beyond "never crash, never hang" (ASan and UBSan catch the rest):
//   - the reload is fatal exactly when the catalog has errors on its own
//     (LoadCatalogFile): a broken catalog is never half taken;
//   - every diagnostic prints as one line of text;
//   - where no file has an error, what it publishes is what a load from
//     scratch of the same files publishes, byte for byte
//     (config/snapshot_dump.h). (A domain file that fails against the new
//     catalog keeps its last good version in the reload, as it should, and
//     a load from scratch has none to keep.)
//   - every domain served writes to the compiled image and reads back as
//     the same compile, and answers each of its RRsets (examples_copy.h);
//   - once the examples' catalog is back, the snapshot is theirs again.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus (make_catalog_file_corpus.py)
// through the same function.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "config/loader.h"
#include "tests/fuzz/examples_copy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnsd::fuzz::Check;
  dnsd::fuzz::target_name = "catalog_file_fuzzer";  // before the copy can fail
  // Destroyed at exit, which removes its folder.
  static dnsd::fuzz::ExamplesCopy copy;
  static const std::string relative = "senders.yaml";
  static const std::string catalog = copy.Path(relative);
  static const std::string original = dnsd::fuzz::ExamplesCopy::Original(relative);
  static const bool verbose = std::getenv("CATALOG_FILE_FUZZER_VERBOSE") != nullptr;

  copy.Put(relative, absl::string_view(reinterpret_cast<const char*>(data), size));
  dnsd::config::LoadedConfig reloaded = copy.Reload();
  bool catalog_ok = dnsd::config::LoadCatalogFile(catalog).ok();
  Check(reloaded.fatal == !catalog_ok,
        catalog_ok ? "a good catalog fails the reload" : "a broken catalog is taken");
  dnsd::fuzz::CheckDiagnostics(reloaded, verbose);
  dnsd::config::LoadedConfig scratch = copy.FromScratch();
  if (dnsd::config::CountErrors(dnsd::config::AllDiagnostics(reloaded)) == 0) {
    dnsd::fuzz::CheckSameAsFromScratch(reloaded, scratch);
  } else {
    Check(reloaded.fatal == scratch.fatal, "the reload and a load from scratch disagree on fatal");
  }
  if (!reloaded.fatal) {
    dnsd::fuzz::CheckDomains(copy.state(), reloaded, [](absl::string_view) { return true; },
                             verbose);
  }

  copy.Put(relative, original);
  dnsd::config::LoadedConfig restored = copy.Reload();
  Check(!restored.fatal && restored.snapshot != nullptr, "the examples' catalog fails");
  Check(dnsd::config::testing::Dump(*restored.snapshot) == copy.examples(),
        "the examples' catalog back does not serve the examples");
  return 0;
}
