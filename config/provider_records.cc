#include "config/provider_records.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "config/names.h"
#include "config/serial_digest.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {

const std::string* FamilyZone(const ProviderRecords& provider, absl::string_view key) {
  auto it = provider.family_zones.find(std::string(key));
  return it == provider.family_zones.end() ? nullptr : &it->second;
}

RRset TxtRRset(absl::string_view text, uint32_t ttl) {
  return RRsetBuilder(wire::kTypeTxt, ttl).Add(TxtRdata(text)).Build();
}

absl::StatusOr<std::shared_ptr<const ProviderRecords>> CompileProviderRecords(
    const ProviderSettings& p) {
  auto r = std::make_shared<ProviderRecords>();
  r->settings = RecordSettings(p);
  DNSD_ASSIGN_OR_RETURN(r->dmarc_zone, wire::NameFromText(p.dmarc_zone));
  DNSD_ASSIGN_OR_RETURN(std::string report_domain, wire::NameFromText(p.report_domain));
  DNSD_ASSIGN_OR_RETURN(r->report_zone, Prepend("_report._dmarc", report_domain));
  DNSD_ASSIGN_OR_RETURN(r->spf_zone, wire::NameFromText(p.spf_zone));
  DNSD_ASSIGN_OR_RETURN(r->nspf_zone, Prepend("_nspf", r->spf_zone));
  for (const auto& [key, zone] : p.family_zones) {
    DNSD_ASSIGN_OR_RETURN(r->family_zones[key], wire::NameFromText(zone));
  }
  r->revoked_dkim = TxtRRset("v=DKIM1; p=", kZoneTtl);
  r->report_authorised = TxtRRset("v=DMARC1", kZoneTtl);
  r->spf_soft = TxtRRset("v=spf1 ~all", kZoneTtl);
  r->spf_fail = TxtRRset("v=spf1 -all", kZoneTtl);
  r->spf_unknown = TxtRRset("v=spf1 ?all", kZoneTtl);
  return std::shared_ptr<const ProviderRecords>(std::move(r));
}

ProviderSettings RecordSettings(ProviderSettings settings) {
  const ProviderSettings defaults;
  settings.nameservers = defaults.nameservers;
  settings.hostmaster = defaults.hostmaster;
  settings.ttl = defaults.ttl;
  settings.negative_ttl = defaults.negative_ttl;
  settings.soa_refresh = defaults.soa_refresh;
  settings.soa_retry = defaults.soa_retry;
  settings.soa_expire = defaults.soa_expire;
  return settings;
}

absl::StatusOr<ZoneCommon> CompileZoneCommon(const ProviderSettings& p) {
  if (p.nameservers.empty()) return absl::InvalidArgumentError("provider.nameservers is empty");
  DNSD_ASSIGN_OR_RETURN(std::string mname, wire::NameFromText(p.nameservers.front()));
  DNSD_ASSIGN_OR_RETURN(std::string rname, wire::NameFromText(p.hostmaster));
  std::string soa =
      SoaRdata(mname, rname, 0, p.soa_refresh, p.soa_retry, p.soa_expire, p.negative_ttl);
  ZoneCommon common;
  common.soa = RRsetBuilder(wire::kTypeSoa, p.ttl).Add(soa).Build();
  common.soa_negative =
      RRsetBuilder(wire::kTypeSoa, std::min(p.ttl, p.negative_ttl)).Add(soa).Build();
  RRsetBuilder ns(wire::kTypeNs, p.ttl);
  for (const std::string& host : p.nameservers) {
    DNSD_ASSIGN_OR_RETURN(std::string wire_name, wire::NameFromText(host));
    ns.Add(wire_name);
  }
  common.ns = ns.Build();
  common.ttl = p.ttl;
  SerialDigest mix;
  mix.Add(common.soa);
  mix.Add(common.soa_negative);
  mix.Add(common.ns);
  mix.AddNumber(common.ttl);
  common.serial_mix = mix.serial();
  return common;
}

}  // namespace dnsd::config
