// Pre-rendered records as zone-file text, through ldns: the same parser a
// third party would use reads our wire bytes, so `dnsd records` shows what
// resolvers will see, not what we meant to send.
#ifndef DNSD_CLI_ZONE_TEXT_H_
#define DNSD_CLI_ZONE_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd::cli {

// One line per record of `rrset` at `owner` (lower-case wire form), as
// served: a record kept with kZoneTtl shows `zone_ttl`. If `serial` is
// set, SOA records show it instead of the template's.
absl::StatusOr<std::string> RRsetToText(absl::string_view owner, const RRset& rrset,
                                        const uint32_t* serial, uint32_t zone_ttl);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_ZONE_TEXT_H_
