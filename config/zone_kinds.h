// Every kind of zone dnsd serves, in one list: the record families name
// their zones' kinds here, and the metrics label responses with them.
//
// A zone kind is an index into this list (dnsd/protocol/zone/zone.h). A
// family takes its index at compile time with KindOf("name"), which does
// not compile for a name that is not listed, so the list and the families
// cannot drift apart. Append only: the indices size per-worker counters,
// and the labels are what dashboards and alerts select on.
#ifndef DNSD_CONFIG_ZONE_KINDS_H_
#define DNSD_CONFIG_ZONE_KINDS_H_

#include <array>
#include <string_view>

#include "dnsd/protocol/zone/zone.h"

namespace dnsd::config {

inline constexpr auto kZoneKinds = std::to_array<std::string_view>({
    "dmarc",            // _dmarc.<domain>, delegated to us
    "domainkey",        // _domainkey.<domain>, delegated to us
    "dmarc_targets",    // <dmarc zone>: the DMARC CNAME targets
    "report",           // _report._dmarc.<report domain>: report authorisations
    "spf",              // <spf zone>: the SPF macro zone and _nspf
    "dkim_targets",     // <dkim zone>: the DKIM CNAME targets
    "bimi",             // _bimi.<domain>, delegated to us
    "tls_rpt",          // _smtp._tls.<domain>, delegated to us
    "tls_rpt_targets",  // <tls_rpt zone>: the TLS-RPT CNAME targets
    "mta_sts",          // _mta-sts.<domain>, delegated to us
    "mta_sts_targets",  // <mta_sts zone>: the MTA-STS CNAME targets
});
inline constexpr int kZoneKindCount = static_cast<int>(kZoneKinds.size());

// The index of `name`; not a constant expression (so not compiled) when
// the list does not have it.
consteval ZoneKind KindOf(std::string_view name) {
  for (size_t i = 0; i < kZoneKinds.size(); ++i) {
    if (kZoneKinds[i] == name) return static_cast<ZoneKind>(i);
  }
  throw "unknown zone kind: add it to config/zone_kinds.h";
}

// The metrics label of `kind`.
inline std::string_view ZoneKindName(ZoneKind kind) {
  return kind < kZoneKinds.size() ? kZoneKinds[kind] : "unknown";
}

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_ZONE_KINDS_H_
