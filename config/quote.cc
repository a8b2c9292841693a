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

}  // namespace dnsd::config
