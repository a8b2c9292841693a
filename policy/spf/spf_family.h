// The SPF family: the SPF macro zone (<ip>._ip.<helo>._ehlo.<domain>.<spf
// zone>, answered per query by the rules in policy/spf/decide.h) and each
// domain's macro-free `_nspf` chain (policy/spf/nspf.h).
//
// Reads the `spf:` section, checks sender ids and RFC 7208's look-up
// budget, compiles each domain's policy and _nspf records, and links the
// snapshot's macro zone (spf::MacroZone) from every domain's policy.
#ifndef DNSD_POLICY_SPF_SPF_FAMILY_H_
#define DNSD_POLICY_SPF_SPF_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kSpfZone = KindOf("spf");

const RecordFamily& SpfFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_SPF_FAMILY_H_
