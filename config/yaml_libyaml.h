// The tree of a YAML text by libyaml's event API: YamlTree::Parse's way for
// the texts its scanner (yaml_scanner.h) is not sure of, and the reference
// the tests hold that scanner to.
#ifndef DNSD_CONFIG_YAML_LIBYAML_H_
#define DNSD_CONFIG_YAML_LIBYAML_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "config/yaml_tree.h"

namespace dnsd::config {

// The tree of `text`, or nullopt when the text is outside the subset
// yaml_tree.h describes or is not valid YAML (the caller then parses it
// with yaml-cpp).
std::optional<YamlTree> ParseWithLibyaml(absl::string_view text);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_LIBYAML_H_
