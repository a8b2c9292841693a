#include "dnsd/protocol/zone/zone_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

// The name one label up; `name` must not be the root.
absl::string_view Parent(absl::string_view name) {
  return name.substr(static_cast<uint8_t>(name[0]) + 1);
}

}  // namespace

ZoneTable ZoneTable::Fork() const {
  ZoneTable fork;
  fork.nodes_ = nodes_;
  fork.below_ = below_;
  fork.zone_count_ = zone_count_;
  fork.stand_ins_ = stand_ins_;
  fork.apexes_ = apexes_;
  fork.provider_zones_ = provider_zones_;
  fork.owners_by_labels_ = owners_by_labels_;
  fork.max_owner_labels_ = max_owner_labels_;
  return fork;
}

const RRset* ZoneTable::Keep(RRset rrset) {
  rrsets_.push_back(std::move(rrset));
  return &rrsets_.back();
}

const Zone* ZoneTable::ApexZone(absl::string_view apex) const {
  const Node* node = nodes_.Find(apex);
  return node != nullptr && node->apex() ? node->zone() : nullptr;
}

absl::Status ZoneTable::AddZone(const Zone* zone) {
  absl::string_view apex = zone->apex();
  // One look-up: a link at start adds millions of zones.
  if (const Node* node = nodes_.Find(apex); node != nullptr) {
    if (node->apex()) {
      return absl::AlreadyExistsError(
          absl::StrCat("zone ", wire::NameToText(apex), " is configured twice"));
    }
    const Zone& other = ZoneOf(*node);
    if (!node->rrsets.empty()) {
      return absl::AlreadyExistsError(absl::StrCat("zone apex ", wire::NameToText(apex),
                                                   " is also a name in zone ",
                                                   wire::NameToText(other.apex())));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "names below ", wire::NameToText(apex), " in zone ", wire::NameToText(other.apex()),
        " would be hidden by zone ", wire::NameToText(apex)));
  }
  Node& node = *nodes_.Insert(apex, KeyBytes::kView).value;
  node.set_zone(zone);
  node.set_apex(true);
  ++zone_count_;
  return absl::OkStatus();
}

absl::StatusOr<Zone*> ZoneTable::AddZone(absl::string_view apex, ZoneKind kind) {
  Zone& zone = owned_zones_.emplace_back();
  zone.set_apex(apexes_->emplace_back(apex));
  zone.apex_labels = static_cast<uint8_t>(wire::CountLabels(apex));
  zone.kind = kind;
  if (absl::Status s = AddZone(&zone); !s.ok()) {
    owned_zones_.pop_back();
    apexes_->pop_back();
    return s;
  }
  return &zone;
}

void ZoneTable::RemoveZone(const Zone* zone) {
  Node* node = nodes_.Mutable(zone->apex());
  if (node == nullptr || !node->apex()) return;
  node->set_apex(false);
  --zone_count_;
  if (node->rrsets.empty() && Below(zone->apex()) == 0) {
    nodes_.Erase(zone->apex());
  } else {
    nodes_.CopyKey(zone->apex());
  }
}

absl::StatusOr<const Zone*> ZoneTable::AddProviderZone(absl::string_view apex, ZoneKind kind) {
  if (const Zone* made = ApexZone(apex); made != nullptr && made->slot >= 0) return made;
  Zone& stand_in = stand_ins_->emplace_back();
  stand_in.set_apex(apexes_->emplace_back(apex));
  stand_in.apex_labels = static_cast<uint8_t>(wire::CountLabels(apex));
  stand_in.kind = kind;
  stand_in.slot = static_cast<int8_t>(stand_ins_->size() - 1);
  if (absl::Status s = AddZone(&stand_in); !s.ok()) {
    stand_ins_->pop_back();
    apexes_->pop_back();
    return s;
  }
  provider_zones_.push_back(stand_in);
  return &stand_in;
}

Zone* ZoneTable::ProviderZone(absl::string_view apex) {
  const Zone* zone = ApexZone(apex);
  if (zone == nullptr || zone->slot < 0) return nullptr;
  return &provider_zones_[zone->slot];
}

// A name must lie in the closest zone that encloses it: no other zone's
// apex may sit between it and its own zone's apex.
absl::Status ZoneTable::CheckNotHidden(const Zone* zone, absl::string_view owner) const {
  for (absl::string_view name = owner; name.size() > 1;) {
    name = Parent(name);
    if (const Zone* other = ApexZone(name); other != nullptr) {
      if (other == zone) return absl::OkStatus();
      return absl::FailedPreconditionError(
          absl::StrCat(wire::NameToText(owner), " in zone ", wire::NameToText(zone->apex()),
                       " is hidden by zone ", wire::NameToText(name)));
    }
  }
  return absl::OkStatus();
}

absl::Status ZoneTable::AddRRset(const Zone* zone, absl::string_view owner, const RRset* rrset,
                                 KeyBytes owner_bytes) {
  if (!wire::IsSubdomain(owner, zone->apex())) {
    return absl::InvalidArgumentError(absl::StrCat(
        wire::NameToText(owner), " is outside zone ", wire::NameToText(zone->apex())));
  }
  const Node* existing = nodes_.Find(owner);
  if (existing != nullptr) {
    if (existing->zone() != zone) {
      return absl::AlreadyExistsError(absl::StrCat(wire::NameToText(owner),
                                                   " is in two zones"));
    }
    bool has_cname = existing->Find(wire::kTypeCname) != nullptr;
    bool adds_cname = rrset->type == wire::kTypeCname;
    if (existing->Find(rrset->type) != nullptr ||
        ((has_cname || adds_cname) && !existing->rrsets.empty()) ||
        (adds_cname && existing->apex())) {
      return absl::AlreadyExistsError(absl::StrCat(
          wire::NameToText(owner), " already has data that conflicts with this record"));
    }
  } else if (owner != zone->apex()) {
    if (absl::Status hidden = CheckNotHidden(zone, owner); !hidden.ok()) return hidden;
  }
  PersistentMap<Node>::Slot slot = nodes_.Insert(owner, owner_bytes);
  Node& node = *slot.value;
  node.set_zone(zone);
  bool first = node.rrsets.empty();
  node.rrsets.push_back(rrset);
  if (!first) return absl::OkStatus();
  CountOwner(owner, +1);
  // Empty non-terminals: the names between owner and apex exist (RFC 8020).
  for (absl::string_view name = owner; name.size() > zone->apex().size();) {
    name = Parent(name);
    if (name.size() <= zone->apex().size()) break;
    nodes_.Insert(name).value->set_zone(zone);
    ++*below_.Insert(name).value;
  }
  return absl::OkStatus();
}

void ZoneTable::RemoveRRset(absl::string_view owner, uint16_t type) {
  Node* node = nodes_.Mutable(owner);
  if (node == nullptr || !node->rrsets.Erase(type)) return;
  // A node that stays may have been keyed by a view of the bytes going. An
  // apex node's key is its zone's (AddZone made the node), which stays.
  if (!node->rrsets.empty()) {
    if (!node->apex()) nodes_.CopyKey(owner);
    return;
  }
  const Zone* zone = node->zone();
  CountOwner(owner, -1);
  if (!node->apex() && Below(owner) == 0) {
    nodes_.Erase(owner);
  } else if (!node->apex()) {
    nodes_.CopyKey(owner);
  }
  for (absl::string_view name = owner; name.size() > zone->apex().size();) {
    name = Parent(name);
    if (name.size() <= zone->apex().size()) break;
    uint32_t* below = below_.Mutable(name);
    if (below == nullptr || --*below != 0) continue;
    below_.Erase(name);
    const Node* ent = nodes_.Find(name);
    if (ent != nullptr && ent->rrsets.empty() && !ent->apex()) nodes_.Erase(name);
  }
}

void ZoneTable::CountOwner(absl::string_view owner, int delta) {
  int labels = wire::CountLabels(owner);
  if (labels < 0 || labels > static_cast<int>(wire::kMaxLabels)) return;
  owners_by_labels_[labels] += delta;
  if (delta > 0) {
    max_owner_labels_ = std::max(max_owner_labels_, static_cast<uint8_t>(labels));
    return;
  }
  // Only the last owner at the bound moves it down: look for the next.
  while (max_owner_labels_ > 0 && owners_by_labels_[max_owner_labels_] == 0) --max_owner_labels_;
}

// The first node up from the name is in the zone that encloses it: had
// another zone's apex been between them, its node would have come first.
const Zone* ZoneTable::ClosestZone(const wire::Name& name, int first_label) const {
  for (int i = first_label; i <= name.label_count; ++i) {
    if (const Node* node = nodes_.Find(name.Suffix(i)); node != nullptr) {
      return &Resolve(*node->zone());
    }
  }
  return nullptr;
}

ZoneTable::Match ZoneTable::Find(const wire::Name& name) const { return Find(name, KeyOf(name)); }

ZoneTable::Match ZoneTable::Find(const wire::Name& name, const NodeKey& key) const {
  if (const Node* node = nodes_.Find(key); node != nullptr) {
    return {&Resolve(*node->zone()), node};
  }
  // No node: the name's own label cannot be an apex either.
  return {ClosestZone(name, 1), nullptr};
}

const Zone* ZoneTable::FindZoneByApex(absl::string_view apex) const {
  const Zone* zone = ApexZone(apex);
  return zone == nullptr ? nullptr : &Resolve(*zone);
}

}  // namespace dnsd
