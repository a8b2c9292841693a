#include "config/yaml_scanner.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "config/yaml_tree_builder.h"

namespace dnsd::config {

namespace {

// What each byte may be, one bit a role. A byte outside every role (a tab,
// a carriage return, a control character, anything over 0x7e) is met only
// in comments, or the text goes to libyaml.
constexpr uint8_t kPlainFirst = 1;   // starts a plain scalar
constexpr uint8_t kBlockPlain = 2;   // in a plain scalar outside flow collections
constexpr uint8_t kFlowPlain = 4;    // in a plain scalar inside one
constexpr uint8_t kQuoted = 8;       // between quotes outside flow collections
constexpr uint8_t kFlowQuoted = 16;  // between quotes inside one

constexpr std::array<uint8_t, 256> MakeRoles() {
  std::array<uint8_t, 256> roles{};
  auto add = [&roles](const char* chars, uint8_t role) {
    for (; *chars != '\0'; ++chars) roles[static_cast<uint8_t>(*chars)] |= role;
  };
  for (int c = 0x20; c < 0x7f; ++c) {
    // Backslashes: libyaml and yaml-cpp do not know the same escapes, and
    // libyaml's path leaves them to yaml-cpp. "?" in a flow collection:
    // yaml-cpp refuses it unquoted, and libyaml's path declines it
    // anywhere in one.
    if (c != '\\') roles[c] |= kQuoted;
    if (c != '\\' && c != '?') roles[c] |= kFlowQuoted;
  }
  for (int c = '0'; c <= '9'; ++c) roles[c] |= kPlainFirst | kBlockPlain | kFlowPlain;
  for (int c = 'a'; c <= 'z'; ++c) roles[c] |= kPlainFirst | kBlockPlain | kFlowPlain;
  for (int c = 'A'; c <= 'Z'; ++c) roles[c] |= kPlainFirst | kBlockPlain | kFlowPlain;
  add("_./~+", kPlainFirst);
  // "#" only after a character that is not a space (" #" starts a
  // comment); ":" only before one that is not a space (": " ends a key),
  // and in a flow collection only before one of kFlowPlain (Plain()).
  add("-_./~+=#@%$^();", kBlockPlain | kFlowPlain);
  add(":'\"?", kBlockPlain);
  return roles;
}

constexpr std::array<uint8_t, 256> kRoles = MakeRoles();

bool Is(char c, uint8_t role) { return (kRoles[static_cast<uint8_t>(c)] & role) != 0; }

// One pass over the text, a recursive descent over its lines. Every
// function returns false when the text leaves what the scanner is sure of
// (or the builder refuses a node); the whole text then goes to libyaml.
//
// Block structure is read off each line's indentation, as libyaml's
// scanner reads it: after a node, the scanner moves on to the next line
// holding content (not blank, not only a comment) and notes its
// indentation in `indent_`; each block collection takes the lines indented
// as its first, ends at one indented less, and refuses one indented more
// (the continuation of a plain scalar, or an error).
class Scanner {
 public:
  Scanner(absl::string_view text, YamlTree& tree)
      : s_(text.data()), size_(text.size()), builder_(tree, text.size()) {}

  bool Run() {
    // The end of the text reads as '\0', so the text may hold none; and
    // positions must fit the tree's 32 bits.
    if (size_ >= (size_t{1} << 30) || std::memchr(s_, '\0', size_) != nullptr) return false;
    if (!NextContentLine() || indent_ != 0) return false;  // no document, or an indented root
    bool ok = DashEntry(pos_) ? BlockSequence(0, /*indentless=*/false) : BlockMapping(0);
    return ok && indent_ < 0 && builder_.Finished();
  }

 private:
  // libyaml's path declines deeper nesting at 64; anything this deep is
  // not a configuration file.
  static constexpr int kMaxDepth = 32;
  // libyaml forgets a simple key more than 1024 characters before its ":".
  static constexpr size_t kMaxKey = 1000;

  char At(size_t i) const { return i < size_ ? s_[i] : '\0'; }
  char Cur() const { return At(pos_); }
  uint32_t Column(size_t at) const { return static_cast<uint32_t>(at - line_start_); }
  // A space, a line break or the end: what must follow ":" and "-" as
  // indicators (libyaml's IS_BLANKZ, without the tabs and carriage returns
  // this scanner never takes).
  bool Blank(size_t i) const {
    char c = At(i);
    return c == ' ' || c == '\n' || c == '\0';
  }
  // "- " or "-" at the end of a line: a block sequence's entry.
  bool DashEntry(size_t i) const { return At(i) == '-' && Blank(i + 1); }
  // libyaml starts a plain scalar on any character but its indicators, and
  // on "-" followed by something else than a space; this scanner, on fewer.
  bool PlainStart(size_t i) const {
    return Is(At(i), kPlainFirst) || (At(i) == '-' && Is(At(i + 1), kPlainFirst));
  }

  // At a '\n': on to the next line.
  void NewLine() {
    ++line_;
    line_start_ = ++pos_;
  }

  // At a '#': to the end of its line. A comment may hold UTF-8, but only
  // characters libyaml reads as printable and not as line breaks, and no
  // byte order mark: libyaml's path declines the rest.
  bool SkipComment() {
    for (;;) {
      auto c = static_cast<uint8_t>(Cur());
      if (c == '\n' || pos_ >= size_) return true;
      if (c >= 0x20 && c < 0x7f) {
        ++pos_;
        continue;
      }
      if (!SkipUtf8()) return false;
    }
  }

  // One UTF-8 character of U+00A0..U+D7FF, U+E000..U+FFFD or
  // U+10000..U+10FFFF, in its shortest form, but U+2028, U+2029 (line
  // breaks to libyaml, not to yaml-cpp) and U+FEFF (a byte order mark).
  bool SkipUtf8() {
    auto b = [this](size_t k) { return static_cast<uint8_t>(At(pos_ + k)); };
    auto continuation = [&b](size_t k) { return (b(k) & 0xc0) == 0x80; };
    uint8_t lead = b(0);
    uint32_t cp;
    size_t length;
    if (lead >= 0xc2 && lead <= 0xdf) {
      if (!continuation(1)) return false;
      cp = (uint32_t{lead} & 0x1f) << 6 | (b(1) & 0x3f);
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      if (!continuation(1) || !continuation(2)) return false;
      cp = (uint32_t{lead} & 0x0f) << 12 | (uint32_t{b(1)} & 0x3f) << 6 | (b(2) & 0x3f);
      length = 3;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      if (!continuation(1) || !continuation(2) || !continuation(3)) return false;
      cp = (uint32_t{lead} & 0x07) << 18 | (uint32_t{b(1)} & 0x3f) << 12 |
           (uint32_t{b(2)} & 0x3f) << 6 | (b(3) & 0x3f);
      length = 4;
    } else {
      return false;
    }
    bool printable = (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
                     (cp >= 0x10000 && cp <= 0x10ffff);
    bool shortest = length == 2 || (length == 3 && cp >= 0x800) || (length == 4 && cp >= 0x10000);
    if (!printable || !shortest || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff) return false;
    pos_ += length;
    return true;
  }

  // At the start of a line: past blank lines and comment lines to the
  // first character of one with content, whose indentation goes to
  // `indent_`; at the end of the text, `indent_` is -1. Every line of the
  // text starts here, so here are refused the lines libyaml's path
  // declines: a document marker ("---", "...") or a directive ("%").
  bool NextContentLine() {
    for (;;) {
      char c = Cur();
      if (c == '%' || (c == '-' && At(pos_ + 1) == '-' && At(pos_ + 2) == '-') ||
          (c == '.' && At(pos_ + 1) == '.' && At(pos_ + 2) == '.')) {
        return false;
      }
      while (Cur() == ' ') ++pos_;
      c = Cur();
      if (c == '#') {
        if (!SkipComment()) return false;
        c = Cur();
      }
      if (c == '\n') {
        NewLine();
        continue;
      }
      if (pos_ >= size_) {
        indent_ = -1;
        return true;
      }
      indent_ = static_cast<int>(Column(pos_));
      return true;
    }
  }

  // After a node: spaces, perhaps a comment, the end of the line; then on
  // to the next line with content. A "#" right after a quote or bracket
  // is a comment to libyaml, not to yaml-cpp: not here.
  bool EndOfLine() {
    while (Cur() == ' ') ++pos_;
    if (Cur() == '#') {
      if (s_[pos_ - 1] != ' ' || !SkipComment()) return false;
    }
    if (Cur() == '\n') {
      NewLine();
      return NextContentLine();
    }
    if (pos_ < size_) return false;
    indent_ = -1;
    return true;
  }

  // At the first key of a block mapping, in `column`.
  bool BlockMapping(uint32_t column) {
    if (++depth_ > kMaxDepth) return false;
    if (!builder_.Open(YamlTree::Kind::kMap, line_, column)) return false;
    for (;;) {
      if (!BlockKey()) return false;
      // An empty value's position is the end of the ":", as libyaml gives.
      if (!ValueAfterIndicator(column, /*map_value=*/true, line_, Column(pos_))) return false;
      if (indent_ == static_cast<int>(column)) continue;
      if (indent_ < static_cast<int>(column)) break;
      return false;
    }
    --depth_;
    return builder_.Close();
  }

  // At the first "-" of a block sequence, in `column`. `indentless`: the
  // value of a mapping's key in the same column, which ends at the first
  // line there that is not an entry (libyaml's indentless sequence).
  bool BlockSequence(uint32_t column, bool indentless) {
    if (++depth_ > kMaxDepth) return false;
    if (!builder_.Open(YamlTree::Kind::kSequence, line_, column)) return false;
    for (;;) {
      ++pos_;  // the "-"
      // An empty entry's position is the end of the "-".
      if (!ValueAfterIndicator(column, /*map_value=*/false, line_, Column(pos_))) return false;
      if (indent_ == static_cast<int>(column)) {
        if (DashEntry(pos_)) continue;
        if (indentless) break;
        return false;
      }
      if (indent_ < static_cast<int>(column)) break;
      return false;
    }
    --depth_;
    return builder_.Close();
  }

  // At a key: the scalar, its ":", and past it.
  bool BlockKey() {
    size_t start = pos_;
    uint32_t column = Column(start);
    absl::string_view text;
    bool plain = false;
    if (!Scalar(/*flow=*/false, text, plain)) return false;
    while (Cur() == ' ') ++pos_;
    if (Cur() != ':' || !Blank(pos_ + 1) || pos_ - start > kMaxKey) return false;
    ++pos_;
    return builder_.Scalar(text, plain, line_, column);
  }

  // Past a key's ":" or a sequence's "-" (`parent`: the column of its
  // mapping or sequence): the value on this line, or below it, or none.
  bool ValueAfterIndicator(uint32_t parent, bool map_value, uint32_t empty_line,
                           uint32_t empty_column) {
    while (Cur() == ' ') ++pos_;
    char c = Cur();
    if (c != '\n' && c != '#' && pos_ < size_) return InlineValue(map_value);
    if (!EndOfLine()) return false;
    if (indent_ > static_cast<int>(parent)) {
      auto column = static_cast<uint32_t>(indent_);
      return DashEntry(pos_) ? BlockSequence(column, /*indentless=*/false) : BlockMapping(column);
    }
    if (map_value && indent_ == static_cast<int>(parent) && DashEntry(pos_)) {
      return BlockSequence(parent, /*indentless=*/true);
    }
    return builder_.Scalar("", /*plain=*/true, empty_line, empty_column);
  }

  // A value on the line of its key or "-": a scalar or a flow collection,
  // or after "- " the first key of a mapping.
  bool InlineValue(bool map_value) {
    size_t start = pos_;
    uint32_t column = Column(start);
    if (Cur() == '[' || Cur() == '{') return Flow() && EndOfLine();
    absl::string_view text;
    bool plain = false;
    if (!Scalar(/*flow=*/false, text, plain)) return false;
    size_t after = pos_;
    while (At(after) == ' ') ++after;
    if (At(after) == ':' && Blank(after + 1)) {
      if (map_value) return false;  // "a: b: c"
      pos_ = start;
      return BlockMapping(column);  // "- key: value"
    }
    return builder_.Scalar(text, plain, line_, column) && EndOfLine();
  }

  // At "[" or "{": the collection, which must close on this line.
  bool Flow() {
    if (++depth_ > kMaxDepth) return false;
    bool map = Cur() == '{';
    char close = map ? '}' : ']';
    if (!builder_.Open(map ? YamlTree::Kind::kMap : YamlTree::Kind::kSequence, line_,
                       Column(pos_))) {
      return false;
    }
    ++pos_;
    SkipSpaces();
    while (Cur() != close) {
      size_t start = pos_;
      if (!FlowNode(/*key=*/map)) return false;
      SkipSpaces();
      if (map) {
        // A key and its value: "key: value", never an empty one.
        if (Cur() != ':' || At(pos_ + 1) != ' ' || pos_ - start > kMaxKey) return false;
        pos_ += 2;
        SkipSpaces();
        if (!FlowNode(/*key=*/false)) return false;
        SkipSpaces();
      }
      if (Cur() == ',') {
        ++pos_;
        SkipSpaces();
      } else if (Cur() != close) {
        return false;  // ":" after a list's item (a one-pair mapping), a comment, a line break
      }
    }
    ++pos_;
    --depth_;
    return builder_.Close();
  }

  bool FlowNode(bool key) {
    if (Cur() == '[' || Cur() == '{') return !key && Flow();
    uint32_t column = Column(pos_);
    absl::string_view text;
    bool plain = false;
    return Scalar(/*flow=*/true, text, plain) && builder_.Scalar(text, plain, line_, column);
  }

  void SkipSpaces() {
    while (Cur() == ' ') ++pos_;
  }

  // At a scalar: a quoted or plain one, whose text goes to `text`.
  bool Scalar(bool flow, absl::string_view& text, bool& plain) {
    size_t start = pos_;
    if (Cur() == '"' || Cur() == '\'') {
      plain = false;
      return Quoted(flow, text);
    }
    if (!PlainStart(pos_)) return false;  // indicators, "- ", "? ", anchors, tags, ...
    plain = true;
    if (!Plain(flow)) return false;
    text = absl::string_view(s_ + start, pos_ - start);
    return true;
  }

  // A plain scalar on one line, up to what ends it: ": " (in a flow
  // collection also " :"), " #", the end of the line, and in a flow
  // collection "," and the closing bracket. Spaces between words belong to
  // it, those after the last do not. Stops there.
  bool Plain(bool flow) {
    uint8_t role = flow ? kFlowPlain : kBlockPlain;
    for (;;) {
      char c = Cur();
      if (c == ' ') {
        size_t next = pos_;
        while (At(next) == ' ') ++next;
        char d = At(next);
        if (d == '\n' || d == '\0' || d == '#' || (d == ':' && (flow || Blank(next + 1))) ||
            (flow && (d == ',' || d == ']' || d == '}'))) {
          return true;
        }
        pos_ = next;
        continue;
      }
      if (c == '\n' || c == '\0' || (c == ':' && Blank(pos_ + 1)) ||
          (flow && (c == ',' || c == ']' || c == '}'))) {
        return true;
      }
      // In a flow collection libyaml 0.2.5 reads "a:b" as one scalar, but
      // refuses ":" before a flow indicator; this scanner also leaves
      // quotes and "?" there to it.
      if (c == ':' && flow && !Is(At(pos_ + 1), kFlowPlain)) return false;
      if (!Is(c, role) && !(c == ':' && flow)) return false;
      ++pos_;
    }
  }

  // A single- or double-quoted scalar on one line, without backslashes
  // ("''" in single quotes is one quote). Past its closing quote.
  bool Quoted(bool flow, absl::string_view& text) {
    char quote = Cur();
    uint8_t role = flow ? kFlowQuoted : kQuoted;
    size_t start = ++pos_;
    bool doubled = false;
    for (;;) {
      // Most of a domain file's bytes are a DKIM key's, in quotes: this
      // loop is the scanner's inner one.
      while (pos_ < size_ && s_[pos_] != quote && Is(s_[pos_], role)) ++pos_;
      char c = Cur();
      if (c != quote) return false;  // a line break, the end, a backslash, ...
      if (quote == '\'' && At(pos_ + 1) == '\'') {
        doubled = true;
        pos_ += 2;
        continue;
      }
      break;
    }
    text = absl::string_view(s_ + start, pos_ - start);
    ++pos_;
    if (doubled) {
      unquoted_.clear();
      for (size_t i = 0; i < text.size(); ++i) {
        unquoted_ += text[i];
        if (text[i] == '\'') ++i;
      }
      text = unquoted_;
    }
    return true;
  }

  const char* s_;
  size_t size_;
  size_t pos_ = 0;
  uint32_t line_ = 0;
  size_t line_start_ = 0;
  // The indentation of the line with content the scanner is at; -1 at the
  // end of the text.
  int indent_ = -1;
  int depth_ = 0;
  YamlTreeBuilder builder_;
  // A single-quoted scalar's text with "''" made "'".
  std::string unquoted_;
};

}  // namespace

std::optional<YamlTree> ScanYaml(absl::string_view text) {
  YamlTree tree;
  Scanner scanner(text, tree);
  if (!scanner.Run()) return std::nullopt;
  return tree;
}

}  // namespace dnsd::config
