// A read-only node of a parsed YAML document: of the compact tree
// (config/yaml_tree.h) when the fast parser took the file, of yaml-cpp's
// YAML::Node when it declined. YamlReader reads through this and nothing
// else, so both parsers give the same values and the same diagnostics.
#ifndef DNSD_CONFIG_YAML_NODE_H_
#define DNSD_CONFIG_YAML_NODE_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/yaml_tree.h"
#include "yaml-cpp/yaml.h"

namespace dnsd::config {

class YamlNode {
 public:
  YamlNode() = default;
  explicit YamlNode(YAML::Node node) : node_(std::move(node)) {}
  // Node `index` of `tree`, which the node shares.
  YamlNode(std::shared_ptr<const YamlTree> tree, uint32_t index)
      : node_(TreeNode{std::move(tree), index}) {}

  bool IsNull() const;
  bool IsScalar() const;
  bool IsSequence() const;
  bool IsMap() const;
  // A scalar written without quotes and without a tag, which may be read as
  // an integer or a boolean.
  bool IsPlainScalar() const;
  // The text of a scalar; empty for anything else.
  absl::string_view Scalar() const;
  // Where the node starts.
  YAML::Mark Mark() const;
  // A list's items, a mapping's pairs; 0 for anything else.
  size_t size() const;
  // A list's items in order; empty for anything else.
  std::vector<YamlNode> Items() const;
  // A mapping's keys and values in file order; empty for anything else.
  std::vector<std::pair<YamlNode, YamlNode>> Pairs() const;

 private:
  struct TreeNode {
    std::shared_ptr<const YamlTree> tree;
    uint32_t index = 0;
    const YamlTree::Node& node() const { return tree->node(index); }
  };

  std::variant<YAML::Node, TreeNode> node_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_NODE_H_
