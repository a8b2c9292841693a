// DMARC records (RFC 9989 §4.7, and RFC 7489's historic pct, ri and rf):
// the checks on each tag's value, the effect of a domain's mode, and the
// record text.
//
// The checks are plain functions over strings so that the YAML reader and
// tests can use them alike. Thread-safe: no state.
#ifndef DNSD_POLICY_DMARC_DMARC_H_
#define DNSD_POLICY_DMARC_DMARC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/timeline.h"

namespace dnsd::config {

// One rua/ruf entry (RFC 7489 §6.2): "mailto:" + an address, optionally
// followed by "!" and a size limit ("!10m"). Commas and semicolons would split
// the record's tag list, so they are refused even where URIs allow them.
absl::Status CheckDmarcUri(absl::string_view uri);

// The size limit of a checked URI ("!10m"), RFC 9989's obs-dmarc-report-size;
// "" if it has none.
absl::string_view DmarcUriSizeLimit(absl::string_view uri);

// The domain of a mailto: URI, lower case without a trailing dot; "" if the
// URI is not one.
std::string DmarcUriDomain(absl::string_view uri);

// fo (RFC 7489 §6.3): a colon-separated subset of 0, 1, d and s.
absl::Status CheckDmarcFo(absl::string_view fo);

// The policy the domain publishes once its mode is applied:
//   monitor  p=none (sp and np too, if set)
//   enforce  as configured
//   blocked  p=sp=np=reject, adkim=aspf=s, pct left at its default of 100,
//            never t (RFC 9989: t=y would apply quarantine only);
//            reporting addresses and the rest are kept.
DmarcPolicy EffectiveDmarcPolicy(Mode mode, const DmarcPolicy& policy);

// The TXT record text. RFC 9989 §4.8 requires only that v=DMARC1 come
// first; the rest follow the order of its tag table (p t psd np sp adkim
// aspf rua ruf fo, so p is second as RFC 7489's grammar had it), then the
// historic pct, ri and rf. Absent tags are left out; with rfc7489_tags
// false, so are pct, ri, rf and the URIs' size limits.
// "v=DMARC1; p=reject; rua=mailto:...".
// The section as written, without its schedule.
std::string RenderDmarcRecord(const DomainConfig& domain);
std::string RenderDmarcRecord(Mode mode, const DmarcPolicy& policy);

// The policy at `now`: the tags of every step at or before it applied in
// turn (config/timeline.h).
DmarcPolicy DmarcPolicyAt(const DmarcPolicy& policy, UtcSeconds now);

// True from `ttl_ramp` before a step until the step: the record is then
// served with `ramp_ttl`.
bool InTtlRamp(const DmarcPolicy& policy, UtcSeconds now);

// What a step sets, as tags: "p=quarantine t=y".
std::string DescribeStep(const DmarcStep& step);

// True if a rua or ruf mailto: address is at `report_domain` or a name below
// it (compared case-insensitively). Such a domain needs the RFC 7489 §7.1
// authorisation record "<domain>._report._dmarc.<report_domain>".
bool RuaPointsAtProvider(const DmarcPolicy& policy,
                         absl::string_view report_domain);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_H_
