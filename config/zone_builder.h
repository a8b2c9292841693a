// Adds zones and records to a Snapshot being assembled, and digests each of
// the provider's zones' content into its serial. Records of the snapshot's
// own (the senders' answers) are interned, so identical ones are stored once.
// Control plane only; one builder per compile.
//
// A provider zone's serial digests what the snapshot adds to it as a whole
// (Digest: the SPF template, the senders) and the sum of every domain's
// share (Snapshot::link.shares), which a reload updates by subtracting the
// shares of the domains it removes and adding those it adds: the serial of
// a zone of a million names costs what changed.
#ifndef DNSD_CONFIG_ZONE_BUILDER_H_
#define DNSD_CONFIG_ZONE_BUILDER_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/serial_digest.h"
#include "config/snapshot.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

class ZoneBuilder {
 public:
  explicit ZoneBuilder(Snapshot& snapshot) : snap_(snapshot) {}

  // A TXT RRset of one record served with the zone TTL (kZoneTtl), stored
  // in the snapshot; identical ones shared.
  const RRset* Txt(absl::string_view text);

  // The provider's zone of `kind` at `apex`: made, or after a fork found
  // again. Returns the stand-in that names are added to (ZoneTable).
  absl::StatusOr<const Zone*> AddProviderZone(absl::string_view apex, ZoneKind kind);
  // The stand-in of the provider zone of `kind`, or null if there is none.
  const Zone* StandIn(ZoneKind kind) const { return stand_ins_[kind]; }
  // This snapshot's copy of the provider zone of `kind` (its serial), or null.
  Zone* ProviderZone(ZoneKind kind);

  // Content a provider zone answers from outside the zone table that is
  // the snapshot's as a whole (the SPF template and senders), in order.
  void Digest(Zone* zone, absl::string_view bytes) { digests_[zone->kind].Add(bytes); }
  // A domain's share of the provider zone of `kind`, added or taken away.
  void Share(ZoneKind kind, uint64_t share, bool add) {
    if (add) {
      snap_.link.shares[kind] += share;
    } else {
      snap_.link.shares[kind] -= share;
    }
  }

  ZoneTable& zones() { return snap_.zones; }

  // Every provider zone's serial digests its apex, what Digest added, and
  // the domains' shares; the SOA and NS every zone shares are mixed in as
  // it is served (ServedSerial).
  void SetSerials();

 private:
  const RRset* Intern(RRset rrset);

  Snapshot& snap_;
  std::array<const Zone*, kZoneKindCount> stand_ins_{};
  std::array<SerialDigest, kZoneKindCount> digests_{};
  // Records (type fields included, so types cannot collide) to the RRset.
  absl::flat_hash_map<absl::string_view, const RRset*> interned_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_ZONE_BUILDER_H_
