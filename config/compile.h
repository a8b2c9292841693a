// Compiles loaded configuration into an immutable Snapshot.
//
// Every answer dnsd can give from static data is rendered here, once: DMARC
// and DKIM TXT records, CNAMEs, SOA and NS sets, the report authorisations.
// A domain that cannot be compiled (a name too long once "_domainkey." is
// prepended, say) is left out with a diagnostic; the rest still compile.
#ifndef DNSD_CONFIG_COMPILE_H_
#define DNSD_CONFIG_COMPILE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/model.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot.h"

namespace dnsd::config {

struct Compiled {
  std::unique_ptr<Snapshot> snapshot;
  std::vector<Diagnostic> errors;  // domains left out, and why
};

// Compiles the server settings, catalog and domains of `config` (its
// `errors` are not looked at). Fails only if the server-wide settings
// cannot form zones at all. `refreshed` (may be null) are the catalog
// refresher's ranges, which replace the senders' seeds (refreshed_ranges.h).
absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed = nullptr);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILE_H_
