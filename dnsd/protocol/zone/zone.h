// A served zone and the nodes (owner names) in it.
//
// What every zone of a snapshot has in common (the SOA template, the NS set)
// is stored once and shared; a zone keeps only its apex, its kind and its
// serial. At 100k customer domains that is the difference between a few
// hundred and a few dozen bytes per zone.
#ifndef DNSD_PROTOCOL_ZONE_ZONE_H_
#define DNSD_PROTOCOL_ZONE_ZONE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/zone/rrset.h"
#include "dnsd/protocol/zone/rrset_list.h"

namespace dnsd {

// What a zone is for: an index into the list of zone kinds the record
// families serve (config/zone_kinds.h). The protocol library answers every
// zone alike and does not know the families; the metrics tell kinds apart.
using ZoneKind = uint8_t;

// Records every zone of one snapshot shares.
struct ZoneCommon {
  RRset soa;           // one SOA record with serial 0, the zone TTL
  RRset soa_negative;  // the same with TTL min(ttl, MINIMUM) (RFC 2308 §3)
  RRset ns;
};

struct Zone {
  // Lower-case wire form, held by whoever holds the zone: a compiled
  // domain's names (config/compiled_domain.h), or the table's own for the
  // zones it makes.
  absl::string_view apex;
  uint8_t apex_labels = 0;
  ZoneKind kind = 0;
  // A zone of the provider's own (shared by every customer: the SPF zone,
  // _dmarc.<provider>, ...): its nodes outlive one snapshot, its serial
  // does not. Nodes point at a stand-in with `slot` >= 0 and the table
  // gives this snapshot's zone in that slot (ZoneTable::ZoneOf).
  int8_t slot = -1;
  uint32_t serial = 0;
  const ZoneCommon* common = nullptr;
  // Data for every name below the apex that has no node of its own, as a
  // wildcard at `*.<apex>` would give (RFC 4592); empty when there is none.
  // A list in one pointer: a compiled domain holds two or three zones.
  RRsetList wildcard;
};

// 24 octets: every slot of the zone table holds one, several a domain.
struct Node {
  const Zone* zone = nullptr;  // a stand-in for a provider zone: see Zone::slot
  RRsetList rrsets;            // empty: an empty non-terminal
  // Names with records below this one in its zone: while there are any,
  // the node exists (an empty non-terminal if it has no records itself).
  uint32_t below = 0;
  bool apex = false;  // SOA and NS come from the zone

  const RRset* Find(uint16_t type) const {
    for (const RRset* r : rrsets) {
      if (r->type == type) return r;
    }
    return nullptr;
  }
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_ZONE_H_
