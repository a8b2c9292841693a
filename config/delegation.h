// How a customer points one of its names at dnsd, and the zone-file lines
// `dnsd records` prints for it.
//
// Both ways are always served where the provider has the zone for the
// CNAME variant; a domain file's `<family>_delegation` key only decides
// which one `dnsd records` tells the customer to publish.
#ifndef DNSD_CONFIG_DELEGATION_H_
#define DNSD_CONFIG_DELEGATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dnsd::config {

enum class Delegation { kNs, kCname };

// The TTL we advise for the records a customer publishes in their own zone.
inline constexpr uint32_t kCustomerTtl = 3600;

// "owner.\tTTL\tIN\tTYPE\tvalue" for a record the customer publishes.
std::string PublishLine(absl::string_view owner, absl::string_view type,
                        absl::string_view value);

// An NS line for `owner` per name server.
void PublishNs(absl::string_view owner, const std::vector<std::string>& nameservers,
               std::vector<std::string>& lines);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DELEGATION_H_
