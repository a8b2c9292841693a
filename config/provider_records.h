// What every domain's records share, compiled from the provider settings
// alone: the provider's zone names in wire form, and the few records
// thousands of domains answer with.
//
// Snapshots and the domains compiled against it (config/compiled_domain.h)
// hold it by shared pointer, so it lives as long as anything points into it;
// a reload builds a new one only when the server file changes the settings
// a domain's compile reads (RecordSettings). The SOA, NS and TTL every zone
// answers with are not among them: each snapshot has its own (ZoneCommon,
// CompileZoneCommon), and a domain's records hold kZoneTtl where the
// provider's TTL is served, so that a change of those compiles nothing.
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
  ProviderSettings settings;  // what it was compiled from: RecordSettings'
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

// Fails if the settings cannot form zones (a name too long).
absl::StatusOr<std::shared_ptr<const ProviderRecords>> CompileProviderRecords(
    const ProviderSettings& settings);

// `settings` with what ZoneCommon is made of (name servers, hostmaster,
// TTLs, SOA timers) set to their defaults: what a domain's compile may
// read, and what decides whether the last ProviderRecords still serve.
ProviderSettings RecordSettings(ProviderSettings settings);

// The SOA, NS and TTL every zone of a snapshot answers with. Fails if the
// settings name no name server, or a name that is not one.
absl::StatusOr<ZoneCommon> CompileZoneCommon(const ProviderSettings& settings);

// The wire form of the family zone `key` ("dkim_zone"), or null when the
// provider does not serve one.
const std::string* FamilyZone(const ProviderRecords& provider, absl::string_view key);

// A TXT RRset of one record.
RRset TxtRRset(absl::string_view text, uint32_t ttl);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_PROVIDER_RECORDS_H_
