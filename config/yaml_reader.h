// Reading one YAML configuration file into typed values, with diagnostics.
//
// The parser hands back a loose tree of nodes (config/yaml_node.h: libyaml's
// compact tree, or yaml-cpp's for what that declines); this layer turns it into checked
// values and records, rather than throws, everything that is wrong: unknown
// keys (with a did-you-mean hint), duplicate keys, wrong types and values out
// of range, each at the line:column of the node that caused it. Every check
// keeps going after an error, so one run of `dnsd check` lists all of them.
//
// A YamlReader is used by one thread for one file.
#ifndef DNSD_CONFIG_YAML_READER_H_
#define DNSD_CONFIG_YAML_READER_H_

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "config/diagnostic.h"
#include "config/yaml_node.h"
#include "yaml-cpp/yaml.h"

namespace dnsd::config {

// A node, the place in the file to blame for it, and its key path
// ("provider.ttl") for messages.
struct Value {
  YamlNode node;
  SourcePos pos;
  std::string path;
};

// One `key: value` pair of a mapping.
struct Entry {
  std::string key;
  SourcePos key_pos;
  Value value;
};

// The entries of a mapping whose keys were all known and unique.
class Fields {
 public:
  Fields(SourcePos pos, std::string path, std::vector<Entry> entries)
      : pos_(std::move(pos)),
        path_(std::move(path)),
        entries_(std::move(entries)) {}

  // The value of `key`, or nullptr when the mapping does not have it.
  const Value* Get(absl::string_view key) const;
  // Where the mapping starts; missing keys are reported here.
  const SourcePos& pos() const { return pos_; }
  const std::string& path() const { return path_; }

 private:
  SourcePos pos_;
  std::string path_;
  std::vector<Entry> entries_;
};

// A string from a list, with its position.
struct StringItem {
  std::string text;
  SourcePos pos;
};

class YamlReader {
 public:
  // Files larger than this are refused before parsing.
  static constexpr uintmax_t kMaxFileBytes = 16 << 20;

  // Every position this reader makes shares `file`. `read_from`, if set,
  // is where the bytes are read; `file` still names them in diagnostics
  // (config/pinned_folders.h: the configured path, read through the folder
  // a load resolved once).
  explicit YamlReader(FileName file, std::string read_from = {})
      : file_(std::move(file)),
        read_from_(read_from.empty() ? file_.string() : std::move(read_from)) {}

  // Reads `file` and parses its one YAML document. On failure (unreadable,
  // too large, syntax error, more than one document) records why and
  // returns nullopt. Never throws.
  std::optional<Value> LoadFile();
  // LoadFile's first half: the bytes of `file`, or nullopt with the reason
  // recorded (unreadable, too large).
  std::optional<std::string> ReadText();
  // The same for text already in memory; `file` names it in diagnostics.
  std::optional<Value> Parse(const std::string& text);

  void Error(const SourcePos& pos, std::string message);
  // "path: message", or just the message at the top level.
  void ValueError(const Value& value, absl::string_view message);
  // The same as warnings (config/diagnostic.h): served as written.
  void Warning(const SourcePos& pos, std::string message);
  void ValueWarning(const Value& value, absl::string_view message);

  // Shape and type checks. Each records an error and returns nullopt (or
  // false) when the value is not what was asked for.

  // A mapping with string keys, each at most once, in file order.
  std::optional<std::vector<Entry>> Entries(const Value& value);
  // A mapping whose keys are all in `known`.
  std::optional<Fields> Map(const Value& value,
                            absl::Span<const absl::string_view> known);
  // `fields` has `key`; reports "missing required key" otherwise.
  const Value* Require(const Fields& fields, absl::string_view key);

  std::optional<std::vector<Value>> List(const Value& value);
  std::optional<std::vector<StringItem>> StringList(const Value& value);
  std::optional<std::string> String(const Value& value);
  std::optional<int64_t> Integer(const Value& value, int64_t min, int64_t max);
  std::optional<bool> Bool(const Value& value);
  // A string that must be one of `choices`; hints at the closest one.
  std::optional<std::string> OneOf(const Value& value,
                                   absl::Span<const absl::string_view> choices);

  absl::string_view file() const { return file_.str(); }
  SourcePos Pos(const YAML::Mark& mark) const;
  // No errors so far (warnings do not count).
  bool ok() const { return CountErrors(errors_) == 0; }
  // The errors and warnings in file order (line, then column).
  std::vector<Diagnostic> TakeErrors();

 private:
  std::optional<Value> ParseUnguarded(const std::string& text);

  FileName file_;
  std::string read_from_;
  std::vector<Diagnostic> errors_;
};


// Joins key paths: "provider" + "ttl" = "provider.ttl". The key's octets
// outside printable ASCII are escaped (Printable, config/quote.h): a path
// is for messages, and a key is whatever the file holds.
std::string JoinPath(absl::string_view parent, absl::string_view key);

// Loads `path` and lets `read(reader, root)` read the document; every
// problem is left on the returned errors. An exception that escapes `read`
// (a bug, or memory exhaustion) becomes a diagnostic too: a configuration
// file must never take the server down.
// `read_from`: as YamlReader's.
template <typename ReadFn>
std::vector<Diagnostic> ReadYamlFile(const std::string& path, ReadFn read,
                                     const std::string& read_from = {}) {
  YamlReader reader(path, read_from);
  try {
    if (std::optional<Value> root = reader.LoadFile()) {
      read(reader, *root);
    }
  } catch (const std::exception& e) {
    reader.Error(SourcePos{path},
                 absl::StrCat("internal error reading the file: ", e.what()));
  }
  return reader.TakeErrors();
}

// ReadYamlFile with `read(reader, root, value)` filling `value`, which is
// kept only if there was no error (warnings are kept apart).
template <typename T, typename ReadFn>
Loaded<T> LoadWith(const std::string& path, T value, ReadFn read,
                   const std::string& read_from = {}) {
  Loaded<T> loaded;
  loaded.errors = ReadYamlFile(
      path, [&](YamlReader& reader, const Value& root) { read(reader, root, value); },
      read_from);
  MoveWarnings(loaded.errors, loaded.warnings);
  if (loaded.ok()) loaded.value = std::move(value);
  return loaded;
}

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_READER_H_
