#include "config/delegation.h"

#include "absl/strings/str_cat.h"

namespace dnsd::config {

std::string PublishLine(absl::string_view owner, absl::string_view type,
                        absl::string_view value) {
  return absl::StrCat(owner, ".\t", kCustomerTtl, "\tIN\t", type, "\t", value);
}

void PublishNs(absl::string_view owner, const std::vector<std::string>& nameservers,
               std::vector<std::string>& lines) {
  for (const std::string& ns : nameservers) lines.push_back(PublishLine(owner, "NS", ns + "."));
}

}  // namespace dnsd::config
