// Two parsers' readings of one YAML text, as text, for the tests and the
// fuzz target that hold the compact tree (config/yaml_tree.h) to yaml-cpp:
// everything YamlReader can learn from a node (kind, whether a scalar is
// plain, its text, where it starts, the children in order).
#ifndef DNSD_CONFIG_YAML_READINGS_H_
#define DNSD_CONFIG_YAML_READINGS_H_

#include <optional>
#include <string>

#include "config/yaml_node.h"

namespace dnsd::config {

// The node as text; a null's position is left out: the reader never uses it.
std::string DumpYaml(const YamlNode& node);
// The compact tree's reading, or nullopt when it declines the text.
std::optional<std::string> FastReading(const std::string& text);
// The readings of its two parsers (yaml_tree.h): the scanner's, nullopt
// when it hands the text on; libyaml's path's, nullopt when it declines.
std::optional<std::string> ScannerReading(const std::string& text);
std::optional<std::string> LibyamlReading(const std::string& text);
// yaml-cpp's reading, or nullopt when it refuses the text.
std::optional<std::string> YamlCppReading(const std::string& text);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_READINGS_H_
