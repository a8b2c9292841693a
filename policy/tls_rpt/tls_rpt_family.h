// The TLS-RPT family (RFC 8460): `_smtp._tls.<domain> TXT "v=TLSRPTv1;
// rua=…"`, where sending MTAs report TLS failures. Served in
// `_smtp._tls.<domain>` when the customer NS-delegates it, and at
// `<domain>.<tls_rpt zone>` for the CNAME variant (provider key
// `tls_rpt_zone`).
#ifndef DNSD_POLICY_TLS_RPT_TLS_RPT_FAMILY_H_
#define DNSD_POLICY_TLS_RPT_TLS_RPT_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kTlsRptZone = KindOf("tls_rpt");
inline constexpr ZoneKind kTlsRptTargetsZone = KindOf("tls_rpt_targets");

const RecordFamily& TlsRptFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_TLS_RPT_TLS_RPT_FAMILY_H_
