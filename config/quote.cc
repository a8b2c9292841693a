#include "config/quote.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace dnsd::config {

namespace {
constexpr size_t kMaxQuoted = 80;
}  // namespace

std::string Quoted(absl::string_view text) {
  if (text.size() <= kMaxQuoted) {
    return absl::StrCat("'", absl::CHexEscape(text), "'");
  }
  return absl::StrCat("'", absl::CHexEscape(text.substr(0, kMaxQuoted)),
                      "...'");
}

std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto octet = static_cast<unsigned char>(c);
    if (octet >= 0x20 && octet < 0x7f) {
      out += c;
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(octet, absl::kZeroPad2));
    }
  }
  return out;
}

}  // namespace dnsd::config
