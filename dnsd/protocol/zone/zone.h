// A served zone and the nodes (owner names) in it.
//
// What every zone of a snapshot has in common (the SOA template, the NS set,
// the zone TTL) is stored once, in the snapshot, and given to the answer
// with the zone; a zone keeps only its apex, its kind and its serial. At
// 100k customer domains that is the difference between a few hundred and a
// few dozen bytes per zone, and a change of the provider's SOA, NS or TTL
// compiles no domain again.
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
  // What a record whose TTL field holds kZoneTtl (rrset.h) is served with.
  uint32_t ttl = 0;
  // The digest of all of the above: a zone's serial digests its own
  // content, and the serial it is served with mixes this in (ServedSerial),
  // so that it changes with the SOA, the NS set or the TTL as well.
  uint32_t serial_mix = 0;
};

// 24 octets: a compiled domain holds two or three, a million domains at
// a time.
struct Zone {
  // Lower-case wire form, held by whoever holds the zone: a compiled
  // domain's names (config/compiled_domain.h), or the table's own for the
  // zones it makes. Kept as a pointer and a length of one octet (a name
  // has at most 255), not a view's 16 octets.
  absl::string_view apex() const { return absl::string_view(apex_, apex_size_); }
  void set_apex(absl::string_view apex) {
    apex_ = apex.data();
    apex_size_ = static_cast<uint8_t>(apex.size());
  }

 private:
  const char* apex_ = nullptr;
  uint8_t apex_size_ = 0;

 public:
  uint8_t apex_labels = 0;
  ZoneKind kind = 0;
  // A zone of the provider's own (shared by every customer: the SPF zone,
  // _dmarc.<provider>, ...): its nodes outlive one snapshot, its serial
  // does not. Nodes point at a stand-in with `slot` >= 0 and the table
  // gives this snapshot's zone in that slot (ZoneTable::ZoneOf).
  int8_t slot = -1;
  // The digest of the zone's own content (config/serial_digest.h); it is
  // served as ServedSerial.
  uint32_t serial = 0;
  // Data for every name below the apex that has no node of its own, as a
  // wildcard at `*.<apex>` would give (RFC 4592); empty when there is none.
  // A list in one pointer: a compiled domain holds two or three zones.
  RRsetList wildcard;
};
static_assert(sizeof(Zone) == 24);

// The SOA serial `zone` is served with under `common`.
inline uint32_t ServedSerial(const Zone& zone, const ZoneCommon& common) {
  return zone.serial ^ common.serial_mix;
}

// 16 octets: every slot of the zone table holds one, several a domain,
// and two slots share a cache line. How many names lie below a node, which
// only an edit of the table needs, the table keeps apart (ZoneTable::Below).
struct Node {
  RRsetList rrsets;  // empty: an empty non-terminal

  // A stand-in for a provider zone: see Zone::slot.
  const Zone* zone() const { return reinterpret_cast<const Zone*>(zone_ & ~kApex); }
  bool apex() const { return (zone_ & kApex) != 0; }  // SOA and NS come from the zone
  void set_zone(const Zone* zone) { zone_ = reinterpret_cast<uintptr_t>(zone) | (zone_ & kApex); }
  void set_apex(bool apex) { zone_ = (zone_ & ~kApex) | (apex ? kApex : 0); }

  const RRset* Find(uint16_t type) const {
    for (const RRset* r : rrsets) {
      if (r->type == type) return r;
    }
    return nullptr;
  }

 private:
  // The zone's address, and in its low bit (a Zone is aligned to 8) the
  // apex flag.
  static constexpr uintptr_t kApex = 1;
  static_assert(alignof(Zone) > 1);
  uintptr_t zone_ = 0;
};
static_assert(sizeof(Node) == 16);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_ZONE_H_
