// The DMARC report authorisation family (RFC 7489 §7.1, RFC 9989): a
// domain whose rua or ruf addresses are at the provider's report domain
// needs `<domain>._report._dmarc.<report domain> TXT "v=DMARC1"`, or
// receivers will not send it reports. It has no section of its own: it
// follows from the DMARC family's rua and ruf.
#ifndef DNSD_POLICY_DMARC_REPORT_REPORT_FAMILY_H_
#define DNSD_POLICY_DMARC_REPORT_REPORT_FAMILY_H_

#include "config/family.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

inline constexpr ZoneKind kReportZone = KindOf("report");

const RecordFamily& DmarcReportFamily();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_REPORT_REPORT_FAMILY_H_
