#include "config/zone_builder.h"

#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd::config {

const RRset* ZoneBuilder::Txt(absl::string_view text) {
  RRsetBuilder b(wire::kTypeTxt, kZoneTtl);
  b.Add(TxtRdata(text));
  return Intern(b.Build());
}

absl::StatusOr<const Zone*> ZoneBuilder::AddProviderZone(absl::string_view apex, ZoneKind kind) {
  DNSD_ASSIGN_OR_RETURN(stand_ins_[kind],
                        snap_.zones.AddProviderZone(apex, kind));
  return stand_ins_[kind];
}

Zone* ZoneBuilder::ProviderZone(ZoneKind kind) {
  return stand_ins_[kind] == nullptr ? nullptr : snap_.zones.ProviderZone(stand_ins_[kind]->apex());
}

void ZoneBuilder::SetSerials() {
  for (int kind = 0; kind < kZoneKindCount; ++kind) {
    Zone* zone = ProviderZone(static_cast<ZoneKind>(kind));
    if (zone == nullptr) continue;
    SerialDigest digest;
    digest.Add(zone->apex());
    digest.AddNumber(digests_[kind].value());
    digest.AddNumber(snap_.link.shares[kind]);
    zone->serial = digest.serial();
  }
}

const RRset* ZoneBuilder::Intern(RRset rrset) {
  // Keyed by a view of the stored bytes (the deque never moves them), so
  // interning costs no second copy of every record. A record whose RDATA
  // is kept apart has only its header there: it is kept as it is.
  if (rrset.rdata != nullptr) return snap_.zones.Keep(std::move(rrset));
  if (auto it = interned_.find(rrset.records); it != interned_.end() &&
                                               it->second->type == rrset.type) {
    return it->second;
  }
  const RRset* kept = snap_.zones.Keep(std::move(rrset));
  interned_.emplace(kept->records, kept);
  return kept;
}

}  // namespace dnsd::config
