// The records dnsd serves, as zone-file lines through ldns (zone_text.h):
// one domain's, for `dnsd records` and `dnsd diff`, and the provider's own
// zone apexes, for `dnsd diff`. Plain functions over a compiled snapshot.
#ifndef DNSD_CLI_SERVED_TEXT_H_
#define DNSD_CLI_SERVED_TEXT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/compiled_domain.h"
#include "config/snapshot.h"
#include "dnsd/protocol/zone/zone_table.h"

namespace dnsd::cli {

// Every name the domain's compiled parts put in the snapshot's zones, with
// what dnsd answers there: zone by zone, each apex first, as a zone file
// would; then the names in the provider's shared zones; then the parts of
// its _nspf chain, which the query path writes per query. One record a
// line, without the trailing newline. Without `with_soa` the zones' SOA
// records are left out: their serial changes with every edit of the zone,
// and the rest of them is the provider's (ProviderLines).
absl::StatusOr<std::vector<std::string>> ServedLines(const config::CompiledDomain& d,
                                                     const config::Snapshot& snapshot,
                                                     bool with_soa);

// The apexes of the provider's own zones (DMARC, report, SPF and family
// zones): SOA, with serial 0 since it follows the content, and NS.
absl::StatusOr<std::vector<std::string>> ProviderLines(const config::Snapshot& snapshot);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_SERVED_TEXT_H_
