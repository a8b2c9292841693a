// An immutable, compiled configuration: everything the query path reads.
//
// Built by CompileSnapshot() on the control plane, then never modified, so
// any number of workers can read one without locks. A reload builds a new
// Snapshot and publishes it; the old one lives until no worker can see it.
#ifndef DNSD_CONFIG_SNAPSHOT_H_
#define DNSD_CONFIG_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/compiled_domain.h"
#include "config/provider_records.h"
#include "config/timeline.h"
#include "config/zone_kinds.h"
#include "dnsd/protocol/zone/zone_table.h"
#include "policy/mta_sts/policy_table.h"
#include "policy/spf/macro_zone.h"

namespace dnsd::config {

// What linking the domains into a snapshot sums up, kept with it so that
// the next reload can subtract the domains it removes and add those it adds
// instead of summing every domain again (config/compile.cc).
struct LinkTotals {
  // The sum of every customer zone's digest (ZoneDigest): ConfigDigest's
  // share of the customers' zones.
  uint64_t zones_digest = 0;
  // Per provider zone kind, the sum of the domains' shares of its serial.
  std::array<uint64_t, kZoneKindCount> shares{};
  // Parts left out when linking (a name another zone already serves): the
  // next reload links everything again, since which of two claimants gets
  // a name depends on the order of all of them.
  size_t part_errors = 0;
};

struct Snapshot {
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  uint64_t generation = 0;   // increases with every published snapshot
  // What it serves, as one number: the same on every name server loaded
  // with the same files, different as soon as any answer would differ
  // (config/compile.h, ConfigDigest).
  uint64_t digest = 0;
  uint16_t udp_payload = 1232;
  // The instant it was compiled for (config/timeline.h), and the first
  // instant after it at which some domain's records change by themselves:
  // the control thread compiles again then.
  UtcSeconds as_of = 0;
  std::optional<UtcSeconds> next_change;
  // The first changes due, earliest first (at most kUpcomingShown), for
  // the status page.
  static constexpr size_t kUpcomingShown = 20;
  std::vector<std::pair<std::string, ScheduledChange>> upcoming;  // domain, change
  // The server file's `identity`, rendered once for the query path: its
  // octets for the NSID option (RFC 5001) and one CH TXT record (TTL 0)
  // for `id.server` and `hostname.bind`. Empty when it is not set: then
  // neither is answered (NSD's hide-identity).
  std::string identity;
  RRset identity_txt;
  // What the zones and the policy point into. Shared with the snapshot
  // before and after this one wherever a reload did not change them.
  std::shared_ptr<const ProviderRecords> provider;
  // The SOA, NS and zone TTL every zone answers with, from the server
  // file's provider settings (ZoneCommon). Made for each snapshot, as it
  // costs nothing, and compiled into no domain: a change of them is a
  // reload that compiles nothing again.
  ZoneCommon common;
  CompiledDomainList domains;  // as config.domains
  ZoneTable zones;
  // The SPF macro zone: its apex lives in `zones` (SOA, NS); every name
  // below it, the macro-free <domain>._nspf chains included, is answered
  // from `spf`.
  const Zone* spf_zone = nullptr;
  spf::MacroZone spf;
  // The MTA-STS policy files served over HTTP (dnsd/mta_sts/), by domain:
  // from the same compile as the _mta-sts ids in `zones`.
  mta_sts::PolicyTable mta_sts_policies;
  LinkTotals link;  // control plane only
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SNAPSHOT_H_
