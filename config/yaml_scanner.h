// A hand-written reader for the plain YAML that domain files are written
// in, YamlTree::Parse's first try.
//
// At a million domain files libyaml's scanner and parser were a third of
// dnsd's start-up CPU (bench/README.md, "Start-up at 100k and 1M"): it
// reads a character at a time through a decoding buffer, and keeps a queue
// of tokens and a stack of states for every event. This reader takes one
// pass over the bytes and builds the tree through the same builder
// (yaml_tree_builder.h) with the same events libyaml gives, so that the
// tree is exactly the one libyaml's path (yaml_libyaml.h) would build:
// the same nodes in the same order, kinds, quoting, text and positions.
//
// It reads only what it is sure of, and hands everything else back:
//
//   - comment lines and trailing comments (" # ..."; UTF-8 there too);
//   - block mappings whose keys are one-line plain or quoted scalars, with
//     the value on the key's line or nested below it;
//   - block sequences ("- item", "-" with the item below; "- key: value"
//     opening a mapping), indented or not under their key;
//   - flow lists and mappings that open and close on one line, nested;
//   - plain scalars that start with a letter, a digit or one of "_./~+"
//     (or "-" and one of those) and go on with those and "-=#@%$^();:"
//     (outside flow collections also "'\"?"), and single- or
//     double-quoted scalars on one line without backslashes.
//
// Tabs, carriage returns, control characters, "&", "*", "!", "|", ">",
// "<", "`", "\", "[", "]", "{", "}", "," in a plain scalar outside a flow
// collection, a "?" or quote in one inside, "? " keys, empty values in flow
// collections, a scalar or collection spanning lines, a line starting
// "---", "..." or "%", non-ASCII outside comments, keys over 1000
// characters, nesting deeper than 32: all go to libyaml.
#ifndef DNSD_CONFIG_YAML_SCANNER_H_
#define DNSD_CONFIG_YAML_SCANNER_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "config/yaml_tree.h"

namespace dnsd::config {

// The tree libyaml's path would build of `text`, or nullopt when this
// reader is not sure of the text: the caller then hands it to
// ParseWithLibyaml, which builds it or declines it.
std::optional<YamlTree> ScanYaml(absl::string_view text);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_YAML_SCANNER_H_
