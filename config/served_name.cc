#include "config/served_name.h"

#include "absl/strings/str_cat.h"
#include "config/names.h"

namespace dnsd::config {

void CheckServedName(YamlReader& r, const DomainConfig& d, absl::string_view suffix,
                     absl::string_view what) {
  size_t length = d.domain.size() + 1 + suffix.size();
  if (length <= kMaxNameLength) return;
  r.Error(d.pos, absl::StrCat("the domain's ", what, " ", d.domain, ".", suffix, " would be ",
                              length, " characters; the limit is 253"));
}

}  // namespace dnsd::config
