#include "config/yaml_tree.h"

#include "config/yaml_libyaml.h"
#include "config/yaml_scanner.h"

namespace dnsd::config {

std::optional<YamlTree> YamlTree::Parse(absl::string_view text) {
  if (std::optional<YamlTree> tree = ScanYaml(text)) return tree;
  return ParseWithLibyaml(text);
}

}  // namespace dnsd::config
