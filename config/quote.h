// Quoting user text inside diagnostics.
//
// Configuration files can hold anything, including control characters and
// binary junk; a diagnostic must still print as one readable line, so the
// quoted text is C-escaped and cut short when it is long.
#ifndef DNSD_CONFIG_QUOTE_H_
#define DNSD_CONFIG_QUOTE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace dnsd::config {

// 'text', escaped, at most about 80 characters ("..." marks a cut).
std::string Quoted(absl::string_view text);

// `text` as it is, but for octets outside printable ASCII, written as
// \xNN: for a library's message, which may hold an octet of the file
// (yaml-cpp's "unknown escape character: " and the octet).
std::string Printable(absl::string_view text);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_QUOTE_H_
