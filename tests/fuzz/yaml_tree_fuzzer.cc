// libFuzzer target for the compact YAML tree (config/yaml_tree.h), fuzzed
// against yaml-cpp: whatever YamlTree::Parse takes, yaml-cpp must take too
// and read as the same tree (kinds, plain or quoted, text, positions,
// order). The tree exists only for speed; where it reads a file, the
// configuration must be what yaml-cpp would have made of it.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/yaml_readings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> fast = dnsd::config::FastReading(text);
  if (!fast) return 0;
  std::optional<std::string> slow = dnsd::config::YamlCppReading(text);
  if (!slow || *slow != *fast) {
    std::fprintf(stderr, "the tree reads %s\nyaml-cpp %s\n", fast->c_str(),
                 slow ? slow->c_str() : "refuses the text");
    std::abort();
  }
  return 0;
}
