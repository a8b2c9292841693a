// What every fuzz target asks of a message it is given: one line of text,
// whatever octets the input held, as config/quote.h promises for
// diagnostics and as logs need. Header-only, for the targets.
#ifndef DNSD_TESTS_FUZZ_ONE_LINE_H_
#define DNSD_TESTS_FUZZ_ONE_LINE_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace dnsd::fuzz {

// Printable ASCII, or valid UTF-8 past it (our own messages write "§");
// no control octet, so no line break and no terminal escape.
inline bool IsOneLine(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto octet = static_cast<unsigned char>(text[i]);
    if (octet < 0x20 || octet == 0x7f) return false;
    size_t more;
    if (octet < 0x80) {
      more = 0;
    } else if (octet >= 0xc2 && octet < 0xe0) {
      more = 1;
    } else if (octet >= 0xe0 && octet < 0xf0) {
      more = 2;
    } else if (octet >= 0xf0 && octet < 0xf5) {
      more = 3;
    } else {
      return false;
    }
    if (i + more >= text.size()) return false;
    for (size_t k = 1; k <= more; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += more + 1;
  }
  return true;
}

}  // namespace dnsd::fuzz

#endif  // DNSD_TESTS_FUZZ_ONE_LINE_H_
