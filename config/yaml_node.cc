#include "config/yaml_node.h"

namespace dnsd::config {

namespace {

using Kind = YamlTree::Kind;

}  // namespace

bool YamlNode::IsNull() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) return t->node().kind == Kind::kNull;
  return std::get<YAML::Node>(node_).IsNull();
}

bool YamlNode::IsScalar() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) return t->node().kind == Kind::kScalar;
  return std::get<YAML::Node>(node_).IsScalar();
}

bool YamlNode::IsSequence() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) return t->node().kind == Kind::kSequence;
  return std::get<YAML::Node>(node_).IsSequence();
}

bool YamlNode::IsMap() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) return t->node().kind == Kind::kMap;
  return std::get<YAML::Node>(node_).IsMap();
}

bool YamlNode::IsPlainScalar() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    return t->node().kind == Kind::kScalar && t->node().plain;
  }
  // Quoted scalars ('...', "...") carry the tag "!", !!str the string tag;
  // a plain scalar carries the non-specific tag "?".
  const YAML::Node& node = std::get<YAML::Node>(node_);
  return node.IsScalar() && node.Tag() != "!" && node.Tag() != "tag:yaml.org,2002:str";
}

absl::string_view YamlNode::Scalar() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    if (t->node().kind != Kind::kScalar) return {};
    return t->tree->Scalar(t->node());
  }
  const YAML::Node& node = std::get<YAML::Node>(node_);
  if (!node.IsScalar()) return {};
  return node.Scalar();
}

YAML::Mark YamlNode::Mark() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    // Positions fit in an int: files are at most 16 MiB.
    YAML::Mark mark;
    mark.line = static_cast<int>(t->node().line);
    mark.column = static_cast<int>(t->node().column);
    return mark;
  }
  return std::get<YAML::Node>(node_).Mark();
}

size_t YamlNode::size() const {
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    Kind kind = t->node().kind;
    return kind == Kind::kSequence || kind == Kind::kMap ? t->node().size : 0;
  }
  return std::get<YAML::Node>(node_).size();
}

std::vector<YamlNode> YamlNode::Items() const {
  std::vector<YamlNode> items;
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    if (t->node().kind != Kind::kSequence) return items;
    absl::Span<const uint32_t> children = t->tree->Children(t->node());
    items.reserve(children.size());
    for (uint32_t child : children) items.emplace_back(t->tree, child);
    return items;
  }
  const YAML::Node& node = std::get<YAML::Node>(node_);
  if (!node.IsSequence()) return items;
  for (const YAML::Node& item : node) items.emplace_back(item);
  return items;
}

std::vector<std::pair<YamlNode, YamlNode>> YamlNode::Pairs() const {
  std::vector<std::pair<YamlNode, YamlNode>> pairs;
  if (const auto* t = std::get_if<TreeNode>(&node_)) {
    if (t->node().kind != Kind::kMap) return pairs;
    absl::Span<const uint32_t> children = t->tree->Children(t->node());
    pairs.reserve(children.size() / 2);
    for (size_t i = 0; i + 1 < children.size(); i += 2) {
      pairs.emplace_back(YamlNode(t->tree, children[i]), YamlNode(t->tree, children[i + 1]));
    }
    return pairs;
  }
  const YAML::Node& node = std::get<YAML::Node>(node_);
  if (!node.IsMap()) return pairs;
  for (auto it = node.begin(); it != node.end(); ++it) {
    pairs.emplace_back(YamlNode(it->first), YamlNode(it->second));
  }
  return pairs;
}

}  // namespace dnsd::config
