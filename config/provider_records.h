// What every domain's records share, compiled from the provider settings
// alone: the SOA and NS every zone answers, the provider's zone names in
// wire form, and the few records thousands of domains answer with.
//
// Snapshots and the domains compiled against it (config/compiled_domain.h)
// hold it by shared pointer, so it lives as long as anything points into it;
// a reload builds a new one only when the server file changes the settings.
#ifndef DNSD_CONFIG_PROVIDER_RECORDS_H_
#define DNSD_CONFIG_PROVIDER_RECORDS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/model.h"
#include "dnsd/protocol/zone/rrset.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd::config {

struct ProviderRecords {
  ProviderSettings settings;  // what it was compiled from
  ZoneCommon common;          // SOA and NS of every zone
  // The provider's zones, lower-case wire form.
  std::string dmarc_zone;     // <domain>._dmarc.<provider>: CNAME targets
  std::string report_zone;    // _report._dmarc.<report domain>
  std::string spf_zone;
  std::string nspf_zone;      // _nspf.<spf zone>
  // ProviderSettings::family_zones in wire form, by key.
  std::map<std::string, std::string> family_zones;
  // Records shared by many domains.
  RRset revoked_dkim;         // "v=DKIM1; p=" (RFC 6376 §3.6.1)
  RRset report_authorised;    // "v=DMARC1" (RFC 7489 §7.1)
  RRset spf_soft;             // "v=spf1 ~all"
  RRset spf_fail;             // "v=spf1 -all"
  RRset spf_unknown;          // "v=spf1 ?all"
};

// Fails if the settings cannot form zones (no name servers, a name too long).
absl::StatusOr<std::shared_ptr<const ProviderRecords>> CompileProviderRecords(
    const ProviderSettings& settings);

// The wire form of the family zone `key` ("dkim_zone"), or null when the
// provider does not serve one.
const std::string* FamilyZone(const ProviderRecords& provider, absl::string_view key);

// A TXT RRset of one record.
RRset TxtRRset(absl::string_view text, uint32_t ttl);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_PROVIDER_RECORDS_H_
