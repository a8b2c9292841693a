// The BIMI family: `<selector>._bimi.<domain> TXT "v=BIMI1; l=…; a=…"`
// (draft-brand-indicators-for-message-identification), served in
// `_bimi.<domain>`, which the customer NS-delegates to us.
#ifndef DNSD_POLICY_BIMI_BIMI_FAMILY_H_
#define DNSD_POLICY_BIMI_BIMI_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kBimiZone = KindOf("bimi");

const RecordFamily& BimiFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_BIMI_BIMI_FAMILY_H_
