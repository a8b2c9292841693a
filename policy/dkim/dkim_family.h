// The DKIM family: `<selector>._domainkey.<domain>` keys, CNAMEs to
// vendor-hosted keys and revoked keys (RFC 6376 §3.6.1, RFC 8463), served
// in `_domainkey.<domain>` when the customer NS-delegates it, and at
// `<selector>.<domain>.<dkim zone>` for customers who CNAME selectors one
// by one instead (provider key `dkim_zone`).
#ifndef DNSD_POLICY_DKIM_DKIM_FAMILY_H_
#define DNSD_POLICY_DKIM_DKIM_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kDomainkeyZone = KindOf("domainkey");
inline constexpr ZoneKind kDkimTargetsZone = KindOf("dkim_targets");

const RecordFamily& DkimFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_FAMILY_H_
