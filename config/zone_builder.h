// Adds zones and records to a Snapshot being assembled, and digests each of
// the provider's zones' content into its serial. Records of the snapshot's
// own (the senders' answers) are interned, so identical ones are stored once.
// Control plane only; one builder per compile.
#ifndef DNSD_CONFIG_ZONE_BUILDER_H_
#define DNSD_CONFIG_ZONE_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/serial_digest.h"
#include "config/snapshot.h"

namespace dnsd::config {

class ZoneBuilder {
 public:
  ZoneBuilder(Snapshot& snapshot, uint32_t ttl) : snap_(snapshot), ttl_(ttl) {}

  // A TXT RRset of one record, stored in the snapshot; identical ones shared.
  const RRset* Txt(absl::string_view text);

  // A zone whose serial SetSerials() computes from what is added to it.
  absl::StatusOr<Zone*> AddZone(absl::string_view apex, ZoneKind kind);
  // A zone whose serial is already known (a customer domain's, computed
  // when the domain was compiled).
  absl::StatusOr<Zone*> AddZone(absl::string_view apex, ZoneKind kind, uint32_t serial);
  // Adds the RRset. Its records are not digested here: the caller gives
  // Digest() a summary (a compiled domain's precomputed share).
  absl::Status Add(Zone* zone, absl::string_view owner, const RRset* rrset);
  void AddWildcard(Zone* zone, const RRset* rrset) { zone->wildcard.push_back(rrset); }
  // Content a zone answers from outside the zone table (the SPF policy),
  // or a summary of records added with Add().
  void Digest(Zone* zone, absl::string_view bytes) {
    digests_[zone].Add(bytes);
  }
  void Digest(Zone* zone, uint64_t digest) { digests_[zone].AddNumber(digest); }

  const ZoneTable& zones() const { return snap_.zones; }

  // Every zone's serial digests the shared SOA and NS data and its own.
  void SetSerials();

 private:
  const RRset* Intern(RRset rrset);

  Snapshot& snap_;
  uint32_t ttl_;
  // Records (type fields included, so types cannot collide) to the RRset.
  absl::flat_hash_map<absl::string_view, const RRset*> interned_;
  absl::flat_hash_map<Zone*, SerialDigest> digests_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_ZONE_BUILDER_H_
