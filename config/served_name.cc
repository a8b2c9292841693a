#include "config/served_name.h"

#include "absl/strings/str_cat.h"
#include "config/names.h"

namespace dnsd::config {

void CheckServedName(YamlReader& r, const DomainConfig& d, absl::string_view suffix,
                     absl::string_view what) {
  size_t length = d.domain.size() + 1 + suffix.size();
  if (length <= kMaxNameLength) return;
  r.Error(d.pos(), absl::StrCat("the domain's ", what, " ", d.domain, ".", suffix, " would be ",
                              length, " characters; the limit is 253"));
}

void CheckCnameVariant(YamlReader& r, const DomainConfig& d, Delegation delegation,
                       absl::string_view family, absl::string_view zone_key,
                       const ProviderSettings& provider) {
  if (delegation != Delegation::kCname || provider.family_zones.contains(std::string(zone_key))) {
    return;
  }
  r.Error(d.pos(), absl::StrCat(family, "_delegation: cname needs provider.", zone_key,
                              " in the server file, the zone of the CNAME targets; without it "
                              "only NS delegation is served"));
}

}  // namespace dnsd::config
