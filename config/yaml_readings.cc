#include "config/yaml_readings.h"

#include <exception>
#include <memory>

#include "absl/strings/str_cat.h"
#include "config/yaml_libyaml.h"
#include "config/yaml_scanner.h"
#include "yaml-cpp/yaml.h"

namespace dnsd::config {

namespace {

void Dump(const YamlNode& node, std::string& out) {
  if (node.IsNull()) {
    out += "~";
    return;
  }
  YAML::Mark mark = node.Mark();
  absl::StrAppend(&out, "@", mark.line, ":", mark.column);
  if (node.IsScalar()) {
    absl::StrAppend(&out, node.IsPlainScalar() ? "P" : "Q", "<", node.Scalar(), ">");
  } else if (node.IsSequence()) {
    absl::StrAppend(&out, "[", node.size(), ":");
    for (const YamlNode& item : node.Items()) {
      Dump(item, out);
      out += ",";
    }
    out += "]";
  } else if (node.IsMap()) {
    absl::StrAppend(&out, "{", node.size(), ":");
    for (const auto& [key, value] : node.Pairs()) {
      Dump(key, out);
      out += "=";
      Dump(value, out);
      out += ",";
    }
    out += "}";
  } else {
    out += "?";
  }
}

// The tree as text, or nullopt for none.
std::optional<std::string> Reading(std::optional<YamlTree> tree) {
  if (!tree) return std::nullopt;
  auto shared = std::make_shared<const YamlTree>(std::move(*tree));
  uint32_t root = shared->root();
  return DumpYaml(YamlNode(std::move(shared), root));
}

}  // namespace

std::string DumpYaml(const YamlNode& node) {
  std::string out;
  Dump(node, out);
  return out;
}

std::optional<std::string> FastReading(const std::string& text) {
  return Reading(YamlTree::Parse(text));
}

std::optional<std::string> ScannerReading(const std::string& text) {
  return Reading(ScanYaml(text));
}

std::optional<std::string> LibyamlReading(const std::string& text) {
  return Reading(ParseWithLibyaml(text));
}

std::optional<std::string> YamlCppReading(const std::string& text) {
  try {
    return DumpYaml(YamlNode(YAML::Load(text)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace dnsd::config
