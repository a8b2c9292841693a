// Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer, so
// that gcc builds and CI exercise the seed corpus as an ordinary test (as
// dnsdist's standalone_fuzz_target_runner.cc does).
//
// Usage: packet_fuzz_replay DIR_OR_FILE...
// Every regular file under each directory is run, in name order. Exits
// non-zero if no input was found, so a missing corpus cannot pass silently;
// a failing input aborts inside the target.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t runs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
    } else {
      files.push_back(arg);
    }
    for (const auto& file : files) {
      if (RunFile(file)) {
        ++runs;
      } else {
        ok = false;
      }
    }
  }
  std::fprintf(stderr, "%zu inputs replayed\n", runs);
  return ok && runs > 0 ? 0 : 1;
}
