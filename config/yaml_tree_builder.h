// Fills a YamlTree from a parser's events: a scalar, the start of a list
// or mapping, the end of the innermost one open.
//
// Both parsers of the tree build through it (libyaml's events,
// yaml_libyaml.h; the scanner of yaml_scanner.h): given the same events
// they make the same tree, array for array, so that which parser read a
// file never shows. It also holds the rules of the subset that are about
// the tree, not the text: a key is a scalar that is neither null nor "<<",
// there is one root and it is not null, nesting stops at kMaxDepth.
#ifndef DNSD_CONFIG_YAML_TREE_BUILDER_H_
#define DNSD_CONFIG_YAML_TREE_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/yaml_tree.h"

namespace dnsd::config {

class YamlTreeBuilder {
 public:
  // `text_size`: the length of the text parsed, to size the tree's arrays.
  YamlTreeBuilder(YamlTree& tree, size_t text_size);
  YamlTreeBuilder(const YamlTreeBuilder&) = delete;
  YamlTreeBuilder& operator=(const YamlTreeBuilder&) = delete;

  // Each returns false when the document leaves the subset; the tree is
  // then to be dropped. `line` and `column` count from 0, in bytes.
  //
  // A scalar: `plain` if written without quotes (a plain "", "~" or
  // "null" is a null node).
  bool Scalar(absl::string_view text, bool plain, uint32_t line, uint32_t column);
  // A list (kSequence) or mapping (kMap) starts.
  bool Open(YamlTree::Kind kind, uint32_t line, uint32_t column);
  // The innermost open list or mapping ends.
  bool Close();

  // The document had one root that is not null, and every list and
  // mapping was closed.
  bool Finished() const;

 private:
  struct OpenNode {
    uint32_t node;
    size_t first_child;  // in pending_
  };

  // Whether the next node is a mapping's key.
  bool AtKey() const;
  bool Place(YamlTree::Node node, uint32_t line, uint32_t column, uint32_t& index);

  YamlTree& tree_;
  // The children of every open list and mapping wait here, and move to the
  // tree's children array, side by side, when it closes.
  std::vector<OpenNode> open_;
  std::vector<uint32_t> pending_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_TREE_BUILDER_H_
