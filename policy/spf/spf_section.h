// The `spf:` section of a domain file, as plain data (config/model.h holds
// one per domain). Validated and normalised by the SPF family's reader.
#ifndef DNSD_POLICY_SPF_SPF_SECTION_H_
#define DNSD_POLICY_SPF_SPF_SECTION_H_

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::config {

enum class AllQualifier { kSoftfail, kFail };

// Where the section's parts are, for the checks that need the catalog
// (policy/spf/spf_budget.h, CheckSenderIds). `senders` and `terms` are
// parallel to the section's lists (entries with errors are left out of both).
struct SpfPositions {
  SourcePos section;
  std::vector<SourcePos> senders;
  std::vector<SourcePos> terms;
  std::optional<SourcePos> published_lookups;
};

struct SpfSection {
  std::vector<std::string> senders;   // catalog ids
  std::vector<IpPrefix> netblocks;
  std::vector<std::string> terms;     // raw SPF mechanisms (policy/spf/terms_answer.h)
  AllQualifier all = AllQualifier::kSoftfail;
  // DNS-querying terms the customer's published record spends besides its
  // include of dnsd's macro name (which dnsd counts itself).
  int published_lookups = 0;
  SpfPositions positions;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_SPF_SECTION_H_
