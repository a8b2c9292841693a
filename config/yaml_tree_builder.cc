#include "config/yaml_tree_builder.h"

#include <limits>

namespace dnsd::config {

namespace {

// yaml-cpp's null: a plain scalar that is empty, "~" or "null".
bool IsNullText(absl::string_view text) {
  if (text.size() > 4) return false;
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

}  // namespace

YamlTreeBuilder::YamlTreeBuilder(YamlTree& tree, size_t text_size) : tree_(tree) {
  tree_.nodes_.reserve(64);
  tree_.children_.reserve(64);
  tree_.text_.reserve(text_size);
  open_.reserve(8);
  pending_.reserve(64);
}

bool YamlTreeBuilder::AtKey() const {
  return !open_.empty() && tree_.nodes_[open_.back().node].kind == YamlTree::Kind::kMap &&
         (pending_.size() - open_.back().first_child) % 2 == 0;
}

bool YamlTreeBuilder::Place(YamlTree::Node node, uint32_t line, uint32_t column,
                            uint32_t& index) {
  if (tree_.nodes_.size() >= std::numeric_limits<uint32_t>::max()) return false;
  // A second root: not one document.
  if (open_.empty() && !tree_.nodes_.empty()) return false;
  node.line = line;
  node.column = column;
  index = static_cast<uint32_t>(tree_.nodes_.size());
  tree_.nodes_.push_back(node);
  if (!open_.empty()) pending_.push_back(index);
  return true;
}

bool YamlTreeBuilder::Scalar(absl::string_view text, bool plain, uint32_t line,
                             uint32_t column) {
  YamlTree::Node node;
  node.plain = plain;
  node.kind = plain && IsNullText(text) ? YamlTree::Kind::kNull : YamlTree::Kind::kScalar;
  if (AtKey() && (node.kind != YamlTree::Kind::kScalar || (plain && text == "<<"))) {
    return false;  // a null key, or a merge key
  }
  if (tree_.text_.size() + text.size() >= std::numeric_limits<uint32_t>::max()) return false;
  node.begin = static_cast<uint32_t>(tree_.text_.size());
  node.size = static_cast<uint32_t>(text.size());
  tree_.text_.append(text.data(), text.size());
  uint32_t index;
  return Place(node, line, column, index);
}

bool YamlTreeBuilder::Open(YamlTree::Kind kind, uint32_t line, uint32_t column) {
  if (AtKey()) return false;  // a list or mapping as a key
  if (open_.size() >= YamlTree::kMaxDepth) return false;
  YamlTree::Node node;
  node.kind = kind;
  uint32_t index;
  if (!Place(node, line, column, index)) return false;
  open_.push_back(OpenNode{index, pending_.size()});
  return true;
}

bool YamlTreeBuilder::Close() {
  if (open_.empty()) return false;
  OpenNode open = open_.back();
  open_.pop_back();
  size_t count = pending_.size() - open.first_child;
  YamlTree::Node& node = tree_.nodes_[open.node];
  if (node.kind == YamlTree::Kind::kMap && count % 2 != 0) return false;
  node.begin = static_cast<uint32_t>(tree_.children_.size());
  node.size = static_cast<uint32_t>(node.kind == YamlTree::Kind::kMap ? count / 2 : count);
  tree_.children_.insert(tree_.children_.end(), pending_.begin() + open.first_child,
                         pending_.end());
  pending_.resize(open.first_child);
  return true;
}

bool YamlTreeBuilder::Finished() const {
  return open_.empty() && !tree_.nodes_.empty() &&
         tree_.nodes_[0].kind != YamlTree::Kind::kNull;
}

}  // namespace dnsd::config
