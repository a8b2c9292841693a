#include "config/yaml_libyaml.h"

#include <yaml.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "config/yaml_tree_builder.h"

namespace dnsd::config {

namespace {

// Printable ASCII and newlines only, no line that starts a document, ends
// one or is a directive. Everything else (tabs, carriage returns, byte
// order marks, a second document) is yaml-cpp's to judge: where the two
// parsers differ, and where they may, the fast one does not go. Bytes over
// 0x7e (UTF-8, in comments mostly) are let through but for the characters
// libyaml takes as line breaks and yaml-cpp does not (NEL, LS, PS) and byte
// order marks; `wide_from` notes, for each line, the column of its first
// such byte (or UINT32_MAX): libyaml counts columns in characters, yaml-cpp
// in bytes, so no node may reach it. `line_starts`: the offset of each
// line, to turn a mark into bytes.
bool InSubset(absl::string_view text, std::vector<uint32_t>& wide_from,
              std::vector<size_t>& line_starts) {
  if (text.size() >= std::numeric_limits<uint32_t>::max()) return false;
  if (absl::StrContains(text, "\xef\xbb\xbf") || absl::StrContains(text, "\xc2\x85") ||
      absl::StrContains(text, "\xe2\x80\xa8") || absl::StrContains(text, "\xe2\x80\xa9")) {
    return false;
  }
  bool line_start = true;
  line_starts.push_back(0);
  wide_from.push_back(std::numeric_limits<uint32_t>::max());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      line_start = true;
      line_starts.push_back(i + 1);
      wide_from.push_back(std::numeric_limits<uint32_t>::max());
      continue;
    }
    if (c >= 0x80) {
      uint32_t column = static_cast<uint32_t>(i - line_starts.back());
      wide_from.back() = std::min(wide_from.back(), column);
    } else if (c < 0x20 || c == 0x7f) {
      return false;
    }
    if (line_start) {
      absl::string_view rest = text.substr(i);
      if (c == '%' || absl::StartsWith(rest, "---") || absl::StartsWith(rest, "...")) {
        return false;
      }
      line_start = false;
    }
  }
  return true;
}

// libyaml's parser, deleted on every way out.
class Parser {
 public:
  explicit Parser(absl::string_view text) {
    ok_ = yaml_parser_initialize(&parser_) != 0;
    if (ok_) {
      yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size());
    }
  }
  ~Parser() {
    if (ok_) yaml_parser_delete(&parser_);
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // The next event into `event` (which the caller deletes); false on an
  // error.
  bool Next(yaml_event_t& event) { return ok_ && yaml_parser_parse(&parser_, &event) != 0; }

 private:
  yaml_parser_t parser_;
  bool ok_ = false;
};

// One event, deleted when it goes.
struct Event {
  yaml_event_t event;
  ~Event() { yaml_event_delete(&event); }
};

// Hands libyaml's events to the builder, and declines what only the events
// and the raw text show: a second document, directives, anchors, aliases,
// tags, block scalars, scalars over several lines, escapes, a "?" in a
// flow collection, and nodes past a byte libyaml counts differently.
class LibyamlEvents {
 public:
  // `raw`: the text parsed, for what libyaml's events do not say.
  LibyamlEvents(YamlTree& tree, absl::string_view raw, std::vector<uint32_t> wide_from,
                std::vector<size_t> line_starts)
      : raw_(raw),
        wide_from_(std::move(wide_from)),
        line_starts_(std::move(line_starts)),
        builder_(tree, raw.size()) {}

  // Handles one event; false when the document leaves the subset.
  bool Add(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_STREAM_END_EVENT:
        return true;
      case YAML_DOCUMENT_START_EVENT:
        if (documents_++ > 0) return false;
        return event.data.document_start.version_directive == nullptr &&
               event.data.document_start.tag_directives.start ==
                   event.data.document_start.tag_directives.end;
      case YAML_DOCUMENT_END_EVENT:
        return true;
      case YAML_ALIAS_EVENT:
        return false;
      case YAML_SCALAR_EVENT:
        return AddScalar(event);
      case YAML_SEQUENCE_START_EVENT:
        if (event.data.sequence_start.anchor != nullptr ||
            event.data.sequence_start.tag != nullptr) {
          return false;
        }
        return Open(event, YamlTree::Kind::kSequence,
                    event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
      case YAML_MAPPING_START_EVENT:
        if (event.data.mapping_start.anchor != nullptr ||
            event.data.mapping_start.tag != nullptr) {
          return false;
        }
        return Open(event, YamlTree::Kind::kMap,
                    event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return Close(event);
      case YAML_NO_EVENT:
        return false;
    }
    return false;
  }

  bool Finished() const { return builder_.Finished(); }

 private:
  struct Collection {
    bool flow;  // [...] or {...}
    bool map;
    yaml_mark_t start;
    size_t children = 0;
    size_t key_line = 0;  // a mapping's last key's
  };

  // Counts a node into its list or mapping. yaml-cpp refuses a key of a
  // flow mapping with no value whose "," or "}" comes on a later line
  // ("{a\n}"); libyaml gives it an empty value there, as it does for
  // "{a:\n}", which yaml-cpp reads: both are declined.
  bool Count(const yaml_mark_t& start, bool empty) {
    if (open_.empty()) return true;
    Collection& parent = open_.back();
    bool key = parent.map && parent.children % 2 == 0;
    ++parent.children;
    if (key) parent.key_line = start.line;
    return !(parent.map && parent.flow && !key && empty && start.line != parent.key_line);
  }

  // Whether the line of `from` is ASCII up to it, and that of `to` up to
  // it: where libyaml's columns are bytes, as yaml-cpp's are.
  bool Ascii(const yaml_mark_t& from, const yaml_mark_t& to) const {
    return from.line < wide_from_.size() && to.line < wide_from_.size() &&
           from.column < wide_from_[from.line] && to.column <= wide_from_[to.line];
  }

  // The bytes from `from` to `to`. Marks are taken on lines of ASCII
  // before them (the nodes') and count columns in bytes there.
  absl::string_view Between(const yaml_mark_t& from, const yaml_mark_t& to) const {
    if (from.line >= line_starts_.size() || to.line >= line_starts_.size()) return raw_;
    size_t begin = std::min(line_starts_[from.line] + from.column, raw_.size());
    size_t end = std::min(line_starts_[to.line] + to.column, raw_.size());
    return end >= begin ? raw_.substr(begin, end - begin) : raw_;
  }

  static uint32_t Line(const yaml_mark_t& mark) { return static_cast<uint32_t>(mark.line); }
  static uint32_t Column(const yaml_mark_t& mark) { return static_cast<uint32_t>(mark.column); }

  bool AddScalar(const yaml_event_t& event) {
    const auto& s = event.data.scalar;
    if (s.anchor != nullptr || s.tag != nullptr) return false;
    if (s.style != YAML_PLAIN_SCALAR_STYLE && s.style != YAML_SINGLE_QUOTED_SCALAR_STYLE &&
        s.style != YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
      return false;  // block scalars: "|" and ">"
    }
    if (event.start_mark.line != event.end_mark.line) return false;
    if (!Ascii(event.start_mark, event.end_mark)) return false;
    // Escapes: yaml-cpp and libyaml do not know the same ones.
    if (s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
        absl::StrContains(Between(event.start_mark, event.end_mark), '\\')) {
      return false;
    }
    bool empty = s.length == 0 && s.style == YAML_PLAIN_SCALAR_STYLE;
    if (!Count(event.start_mark, empty)) return false;
    absl::string_view text(reinterpret_cast<const char*>(s.value), s.length);
    return builder_.Scalar(text, s.style == YAML_PLAIN_SCALAR_STYLE, Line(event.start_mark),
                           Column(event.start_mark));
  }

  bool Open(const yaml_event_t& event, YamlTree::Kind kind, bool flow) {
    if (!Ascii(event.start_mark, event.start_mark)) return false;
    if (!Count(event.start_mark, /*empty=*/false)) return false;
    if (!builder_.Open(kind, Line(event.start_mark), Column(event.start_mark))) return false;
    open_.push_back(Collection{flow, kind == YamlTree::Kind::kMap, event.start_mark});
    return true;
  }

  bool Close(const yaml_event_t& event) {
    if (open_.empty()) return false;
    Collection open = open_.back();
    open_.pop_back();
    // yaml-cpp refuses a "?" anywhere in a flow collection but in quotes
    // ("[a?b]"); libyaml takes it.
    if (open.flow && (open_.empty() || !open_.back().flow) &&
        absl::StrContains(Between(open.start, event.end_mark), '?')) {
      return false;
    }
    return builder_.Close();
  }

  absl::string_view raw_;
  std::vector<uint32_t> wide_from_;
  std::vector<size_t> line_starts_;
  YamlTreeBuilder builder_;
  std::vector<Collection> open_;
  int documents_ = 0;
};

}  // namespace

std::optional<YamlTree> ParseWithLibyaml(absl::string_view text) {
  std::vector<uint32_t> wide_from;
  std::vector<size_t> line_starts;
  if (!InSubset(text, wide_from, line_starts)) return std::nullopt;
  YamlTree tree;
  LibyamlEvents events(tree, text, std::move(wide_from), std::move(line_starts));
  Parser parser(text);
  for (;;) {
    Event event;
    if (!parser.Next(event.event)) return std::nullopt;
    if (!events.Add(event.event)) return std::nullopt;
    if (event.event.type == YAML_STREAM_END_EVENT) break;
  }
  if (!events.Finished()) return std::nullopt;
  return tree;
}

}  // namespace dnsd::config
