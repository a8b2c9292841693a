// libFuzzer target for the catalog refresher's state file
// (dnsd/control/refresh/state_file.h), which dnsd reads at every start: a
// file a full disk, a crash of another program or a hand edit may have
// changed. The input is the file's text.
//
// Beyond "never crash" (yaml-cpp throws; ParseState must catch all of it):
//   - a refusal's message is one line of text, whatever the file held;
//   - what it accepts writes (FormatState) a file that reads back, and
//     that writes the same text again;
//   - every sender it accepts has an id of the catalog's form, an include,
//     and prefixes, as the refresher's ranges need.
//
// Built with -fsanitize=fuzzer under clang (DNSD_FUZZ); under gcc,
// replay_main.cc runs the seed corpus (make_state_file_corpus.py) through
// the same function.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "dnsd/control/refresh/state_file.h"
#include "tests/fuzz/one_line.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "state_file_fuzzer: %s %s\n", what, absl::CHexEscape(detail).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using dnsd::refresh::PersistedRanges;
  std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<PersistedRanges> read = dnsd::refresh::ParseState(text, "catalog-ranges.yaml");
  if (!read.ok()) {
    std::string message(read.status().message());
    if (!dnsd::fuzz::IsOneLine(message)) Fail("a refusal is not one line of text:", message);
    return 0;
  }
  for (const auto& [id, sender] : *read) {
    if (id.empty() || sender.include.empty() || sender.prefixes.empty()) {
      Fail("a sender accepted without an id, include or prefixes:", id);
    }
  }
  std::string written = dnsd::refresh::FormatState(*read);
  absl::StatusOr<PersistedRanges> again = dnsd::refresh::ParseState(written, "written");
  if (!again.ok()) Fail("what it wrote does not read back:", written);
  if (dnsd::refresh::FormatState(*again) != written) {
    Fail("what it wrote reads back as another file:", written);
  }
  return 0;
}
