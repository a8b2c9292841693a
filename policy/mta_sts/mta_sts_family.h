// The MTA-STS family (RFC 8461): `_mta-sts.<domain> TXT "v=STSv1; id=…"`,
// whose id is derived from the policy (policy/mta_sts/mta_sts_policy.h), so
// it changes exactly when the policy does and is the same on every name
// server. Served in `_mta-sts.<domain>` when the customer NS-delegates it,
// and at `<domain>.<mta_sts zone>` for the CNAME variant (provider key
// `mta_sts_zone`).
#ifndef DNSD_POLICY_MTA_STS_MTA_STS_FAMILY_H_
#define DNSD_POLICY_MTA_STS_MTA_STS_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kMtaStsZone = KindOf("mta_sts");
inline constexpr ZoneKind kMtaStsTargetsZone = KindOf("mta_sts_targets");

// A week: long enough that a sender keeps the policy across outages of
// the HTTPS host, short enough to retire it (RFC 8461 §8.3).
inline constexpr uint32_t kDefaultMaxAge = 604800;

const RecordFamily& MtaStsFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_MTA_STS_MTA_STS_FAMILY_H_
