// A YAML document parsed into one compact tree.
//
// yaml-cpp builds a YAML::Node per scalar, list and mapping, each several
// heap blocks, and its scanner matches characters through regular
// expressions: at a million domain files that was most of dnsd's start-up
// CPU (bench/README.md, "Reload and scale"). This tree is three arrays (the
// nodes, the children of each list and mapping, the scalars' text) filled
// in one pass.
//
// Two parsers fill it, and give the same tree of any text both take: a
// hand-written scanner for the plain YAML domain files are written in
// (yaml_scanner.h; most files, several times faster), and for what it is
// not sure of, libyaml's event API (yaml_libyaml.h).
//
// It takes only the plain subset of YAML that configuration files are
// written in, and declines everything else, so that the caller parses
// those files with yaml-cpp as before and every diagnostic stays
// yaml-cpp's: anything but printable ASCII and newlines, a byte order mark,
// a line starting with "---", "..." or "%", anchors, aliases, tags, block
// scalars ("|", ">"), scalars over several lines, backslash escapes,
// a key that is not a scalar or is "<<", an empty document, nesting deeper
// than kMaxDepth, and every syntax error.
#ifndef DNSD_CONFIG_YAML_TREE_H_
#define DNSD_CONFIG_YAML_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace dnsd::config {

class YamlTree {
 public:
  static constexpr int kMaxDepth = 64;

  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };

  struct Node {
    Kind kind = Kind::kNull;
    // A scalar written without quotes (so "100" is a string, 100 may be an
    // integer); nulls are plain too.
    bool plain = true;
    // Where the node starts, from 0, as YAML::Mark counts.
    uint32_t line = 0;
    uint32_t column = 0;
    // A scalar: its bytes in text_. A list: its items in children_; a
    // mapping: its keys and values there, alternating (`size` counts pairs).
    uint32_t begin = 0;
    uint32_t size = 0;

    bool operator==(const Node&) const = default;
  };

  // The tree of `text`'s one document, or nullopt when the text is outside
  // the subset above or is not valid YAML: the caller then parses it with
  // yaml-cpp. The scanner's if it is sure of the text, else libyaml's.
  static std::optional<YamlTree> Parse(absl::string_view text);

  uint32_t root() const { return 0; }
  const Node& node(uint32_t index) const { return nodes_[index]; }
  absl::string_view Scalar(const Node& node) const {
    return absl::string_view(text_).substr(node.begin, node.size);
  }
  // A list's items; a mapping's keys and values, alternating.
  absl::Span<const uint32_t> Children(const Node& node) const {
    if (node.kind == Kind::kSequence) return {children_.data() + node.begin, node.size};
    if (node.kind == Kind::kMap) return {children_.data() + node.begin, 2 * size_t{node.size}};
    return {};
  }

  // The same arrays: what the two parsers must give of one text.
  bool operator==(const YamlTree&) const = default;

 private:
  friend class YamlTreeBuilder;

  std::vector<Node> nodes_;
  std::vector<uint32_t> children_;
  std::string text_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_TREE_H_
