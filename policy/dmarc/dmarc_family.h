// The DMARC family: `_dmarc.<domain>` (the customer NS-delegates it to us,
// and we serve the record at the zone apex) and `<domain>.<dmarc zone>`
// (the target of the CNAME variant), built from the `dmarc:` section and
// the domain's mode (policy/dmarc/dmarc.h).
#ifndef DNSD_POLICY_DMARC_DMARC_FAMILY_H_
#define DNSD_POLICY_DMARC_DMARC_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kDmarcZone = KindOf("dmarc");
inline constexpr ZoneKind kDmarcTargetsZone = KindOf("dmarc_targets");

const RecordFamily& DmarcFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_FAMILY_H_
