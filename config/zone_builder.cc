#include "config/zone_builder.h"

#include "absl/strings/str_cat.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {

const RRset* ZoneBuilder::Txt(absl::string_view text) {
  RRsetBuilder b(wire::kTypeTxt, ttl_);
  b.Add(TxtRdata(text));
  return Intern(b.Build());
}

absl::StatusOr<Zone*> ZoneBuilder::AddZone(absl::string_view apex,
                                           ZoneKind kind) {
  DNSD_ASSIGN_OR_RETURN(Zone * zone,
                        snap_.zones.AddZone(apex, kind, &snap_.provider->common));
  digests_[zone].Add(apex);
  return zone;
}

absl::StatusOr<Zone*> ZoneBuilder::AddZone(absl::string_view apex, ZoneKind kind,
                                           uint32_t serial) {
  DNSD_ASSIGN_OR_RETURN(Zone * zone,
                        snap_.zones.AddZone(apex, kind, &snap_.provider->common));
  zone->serial = serial;
  return zone;
}

absl::Status ZoneBuilder::Add(Zone* zone, absl::string_view owner, const RRset* rrset) {
  return snap_.zones.AddRRset(zone, owner, rrset);
}

void ZoneBuilder::SetSerials() {
  for (auto& [zone, digest] : digests_) zone->serial = ZoneSerial(digest, snap_.provider->common);
}

const RRset* ZoneBuilder::Intern(RRset rrset) {
  // Keyed by a view of the stored bytes (the deque never moves them), so
  // interning costs no second copy of every record.
  if (auto it = interned_.find(rrset.records); it != interned_.end() &&
                                               it->second->type == rrset.type) {
    return it->second;
  }
  const RRset* kept = snap_.zones.Keep(std::move(rrset));
  interned_.emplace(kept->records, kept);
  return kept;
}

}  // namespace dnsd::config
