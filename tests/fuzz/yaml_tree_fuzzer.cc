// libFuzzer target for the compact YAML tree (config/yaml_tree.h),
// differential twice over:
//
//   - its scanner (config/yaml_scanner.h) against libyaml's path
//     (config/yaml_libyaml.h): whatever the scanner takes, libyaml's path
//     must take too and build the same tree, array for array;
//   - the tree against yaml-cpp: whatever YamlTree::Parse takes, yaml-cpp
//     must take too and read as the same tree (kinds, plain or quoted,
//     text, positions, order).
//
// The tree exists only for speed; where it reads a file, the configuration
// must be what yaml-cpp would have made of it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/yaml_libyaml.h"
#include "config/yaml_readings.h"
#include "config/yaml_scanner.h"
#include "config/yaml_tree.h"

namespace {

void Fail(const char* what, const std::string& text, const std::optional<std::string>& a,
          const std::optional<std::string>& b) {
  std::fprintf(stderr, "%s\ntext: %s\none reads %s\nthe other %s\n", what, text.c_str(),
               a ? a->c_str() : "nothing", b ? b->c_str() : "nothing");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dnsd::config;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (std::optional<YamlTree> scanned = ScanYaml(text)) {
    std::optional<YamlTree> libyaml = ParseWithLibyaml(text);
    if (!libyaml || !(*libyaml == *scanned)) {
      Fail("the scanner and libyaml's path differ", text, ScannerReading(text),
           LibyamlReading(text));
    }
  }
  std::optional<std::string> fast = FastReading(text);
  if (!fast) return 0;
  std::optional<std::string> slow = YamlCppReading(text);
  if (!slow || *slow != *fast) Fail("the tree and yaml-cpp differ", text, fast, slow);
  return 0;
}
