#include "config/yaml_reader.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/did_you_mean.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

// Mappings up to this many keys look for duplicates by scanning.
constexpr size_t kScannedKeys = 16;

// What a node is, for "expected X, got Y" messages.
std::string Describe(const YamlNode& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return Quoted(node.Scalar());
  return "nothing";
}

// Quoted scalars ('...', "...", !!str) are strings even when they look like
// numbers.
bool IsPlainScalar(const YamlNode& node) { return node.IsPlainScalar(); }

bool IsDecimal(absl::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

std::string GotQuoted(const YamlNode& node) {
  if (node.IsScalar() && !IsPlainScalar(node)) {
    return absl::StrCat("the quoted string ", Quoted(node.Scalar()),
                        "; remove the quotes");
  }
  return Describe(node);
}

}  // namespace

std::string JoinPath(absl::string_view parent, absl::string_view key) {
  // A key is the file's text, and a path goes into messages.
  if (parent.empty()) return Printable(key);
  return absl::StrCat(parent, ".", Printable(key));
}

const Value* Fields::Get(absl::string_view key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry.value;
  }
  return nullptr;
}

SourcePos YamlReader::Pos(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) {
    return SourcePos{file_};
  }
  return SourcePos{file_, mark.line + 1, mark.column + 1};
}

std::vector<Diagnostic> YamlReader::TakeErrors() {
  SortDiagnostics(errors_);  // all of one file: by line and column
  return std::move(errors_);
}

void YamlReader::Error(const SourcePos& pos, std::string message) {
  errors_.push_back(Diagnostic{pos, std::move(message)});
}

void YamlReader::ValueError(const Value& value, absl::string_view message) {
  if (value.path.empty()) {
    Error(value.pos, std::string(message));
  } else {
    Error(value.pos, absl::StrCat(value.path, ": ", message));
  }
}

void YamlReader::Warning(const SourcePos& pos, std::string message) {
  errors_.push_back(Diagnostic{pos, std::move(message), Severity::kWarning});
}

void YamlReader::ValueWarning(const Value& value, absl::string_view message) {
  Warning(value.pos, value.path.empty() ? std::string(message)
                                        : absl::StrCat(value.path, ": ", message));
}

std::optional<std::vector<Entry>> YamlReader::Entries(const Value& value) {
  if (!value.node.IsMap()) {
    ValueError(value,
               absl::StrCat("expected a mapping, got ", Describe(value.node)));
    return std::nullopt;
  }
  std::vector<Entry> entries;
  std::vector<std::pair<YamlNode, YamlNode>> pairs = value.node.Pairs();
  entries.reserve(pairs.size());
  // A domain file's mappings have a handful of keys: a scan of those taken
  // finds a duplicate faster than a hash map is built. Long ones (a
  // catalog's senders) are indexed.
  absl::flat_hash_map<absl::string_view, size_t> index;
  bool indexed = pairs.size() > kScannedKeys;
  auto taken = [&](absl::string_view key) -> const Entry* {
    if (indexed) {
      auto it = index.find(key);
      return it == index.end() ? nullptr : &entries[it->second];
    }
    for (const Entry& e : entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  };
  for (const auto& [key_node, value_node] : pairs) {
    SourcePos key_pos = Pos(key_node.Mark());
    if (!key_node.IsScalar()) {
      Error(key_pos, "keys must be strings");
      continue;
    }
    std::string key(key_node.Scalar());
    if (const Entry* first = taken(key)) {
      Error(key_pos, absl::StrCat("duplicate key ", Quoted(key),
                                  " (first at line ", first->key_pos.line, ")"));
      continue;
    }
    // An empty value's mark is wherever the next token starts, often the
    // next line; the key is the better place to point at.
    SourcePos pos = value_node.IsNull() ? key_pos : Pos(value_node.Mark());
    std::string path = JoinPath(value.path, key);
    entries.push_back(Entry{std::move(key), key_pos, Value{value_node, pos, std::move(path)}});
    // `entries` never grows past its reserve: the views stay valid.
    if (indexed) index.emplace(entries.back().key, entries.size() - 1);
  }
  return entries;
}

std::optional<Fields> YamlReader::Map(
    const Value& value, absl::Span<const absl::string_view> known) {
  std::optional<std::vector<Entry>> entries = Entries(value);
  if (!entries) return std::nullopt;
  std::vector<Entry> kept;
  std::vector<const Entry*> unknown;
  for (Entry& entry : *entries) {
    if (std::find(known.begin(), known.end(), entry.key) != known.end()) {
      kept.push_back(std::move(entry));
    } else {
      unknown.push_back(&entry);
    }
  }
  // A file whose top level has no key we know is not ours (another
  // program's file, or one linked in by mistake): quote none of it, so that
  // its content never reaches logs and pages (its first "key" may be a
  // password hash).
  if (value.path.empty() && kept.empty() && unknown.size() > 1) {
    Error(unknown[0]->key_pos, absl::StrCat("none of the ", unknown.size(),
                                            " keys here is known: is this a dnsd file?"));
    return Fields(value.pos, value.path, std::move(kept));
  }
  for (const Entry* entry : unknown) {
    Error(entry->key_pos, absl::StrCat("unknown key ", Quoted(entry->key),
                                       DidYouMean(entry->key, known)));
  }
  return Fields(value.pos, value.path, std::move(kept));
}

const Value* YamlReader::Require(const Fields& fields, absl::string_view key) {
  const Value* value = fields.Get(key);
  if (value != nullptr) return value;
  std::string message = absl::StrCat("missing required key '", key, "'");
  if (!fields.path().empty())
    message = absl::StrCat(fields.path(), ": ", message);
  Error(fields.pos(), std::move(message));
  return nullptr;
}

std::optional<std::vector<Value>> YamlReader::List(const Value& value) {
  if (!value.node.IsSequence()) {
    ValueError(value,
               absl::StrCat("expected a list, got ", Describe(value.node)));
    return std::nullopt;
  }
  std::vector<Value> items;
  std::vector<YamlNode> nodes = value.node.Items();
  items.reserve(nodes.size());
  for (YamlNode& item : nodes) {
    SourcePos pos = item.IsNull() ? value.pos : Pos(item.Mark());
    items.push_back(Value{std::move(item), pos, value.path});
  }
  return items;
}

std::optional<std::vector<StringItem>> YamlReader::StringList(
    const Value& value) {
  if (!value.node.IsSequence()) {
    ValueError(value, absl::StrCat("expected a list of strings, got ",
                                   Describe(value.node)));
    return std::nullopt;
  }
  std::vector<StringItem> items;
  std::optional<std::vector<Value>> values = List(value);
  for (const Value& item : *values) {
    if (std::optional<std::string> text = String(item)) {
      items.push_back(StringItem{std::move(*text), item.pos});
    }
  }
  return items;
}

std::optional<std::string> YamlReader::String(const Value& value) {
  if (!value.node.IsScalar()) {
    ValueError(value,
               absl::StrCat("expected a string, got ", Describe(value.node)));
    return std::nullopt;
  }
  return std::string(value.node.Scalar());
}

std::optional<int64_t> YamlReader::Integer(const Value& value, int64_t min,
                                           int64_t max) {
  int64_t n = 0;
  if (IsPlainScalar(value.node) && IsDecimal(value.node.Scalar()) &&
      absl::SimpleAtoi(value.node.Scalar(), &n) && n >= min && n <= max) {
    return n;
  }
  ValueError(value, absl::StrCat("expected an integer from ", min, " to ", max,
                                 ", got ", GotQuoted(value.node)));
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const Value& value) {
  if (IsPlainScalar(value.node)) {
    // The YAML 1.2 core schema only: "yes", "on" and "y" are YAML 1.1
    // booleans that surprise people ("n" is also a DMARC value).
    absl::string_view text = value.node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  ValueError(value, absl::StrCat("expected true or false, got ",
                                 GotQuoted(value.node)));
  return std::nullopt;
}

std::optional<std::string> YamlReader::OneOf(
    const Value& value, absl::Span<const absl::string_view> choices) {
  if (value.node.IsScalar()) {
    absl::string_view text = value.node.Scalar();
    if (std::find(choices.begin(), choices.end(), text) != choices.end()) {
      return std::string(text);
    }
  }
  ValueError(value,
             absl::StrCat("expected one of ", absl::StrJoin(choices, ", "),
                          ", got ", Describe(value.node),
                          value.node.IsScalar()
                              ? DidYouMean(value.node.Scalar(), choices)
                              : ""));
  return std::nullopt;
}

}  // namespace dnsd::config
