#include "absl/strings/string_view.h"
#include "dnsd/protocol/zone/zone_table.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {

absl::string_view ZoneTable::NameArena::Copy(absl::string_view name) {
  if (name.size() > left_) {
    size_t size = std::max(kBlock, name.size());
    blocks_.push_back(std::make_unique<char[]>(size));
    next_ = blocks_.back().get();
    left_ = size;
  }
  char* at = next_;
  std::memcpy(at, name.data(), name.size());
  next_ += name.size();
  left_ -= name.size();
  return absl::string_view(at, name.size());
}

void ZoneTable::Reserve(size_t zones, size_t nodes) {
  zones_.reserve(zones);
  nodes_.reserve(nodes);
}

const RRset* ZoneTable::Keep(RRset rrset) {
  rrsets_.push_back(std::move(rrset));
  return &rrsets_.back();
}

absl::StatusOr<Zone*> ZoneTable::AddZone(absl::string_view apex, ZoneKind kind,
                                         const ZoneCommon* common) {
  if (zones_.contains(apex)) {
    return absl::AlreadyExistsError(
        absl::StrCat("zone ", wire::NameToText(apex), " is configured twice"));
  }
  if (auto it = nodes_.find(apex); it != nodes_.end() && !it->second.rrsets.empty()) {
    return absl::AlreadyExistsError(absl::StrCat("zone apex ", wire::NameToText(apex),
                                                 " is also a name in zone ",
                                                 wire::NameToText(it->second.zone->apex)));
  }
  Zone* raw = &zone_storage_.emplace_back();
  raw->apex = std::string(apex);
  raw->apex_labels = static_cast<uint8_t>(wire::CountLabels(apex));
  raw->kind = kind;
  raw->common = common;
  zones_.emplace(raw->apex, raw);
  auto it = nodes_.find(apex);
  if (it == nodes_.end()) it = nodes_.try_emplace(raw->apex).first;
  it->second.zone = raw;
  it->second.apex = true;
  return raw;
}

absl::Status ZoneTable::AddRRset(Zone* zone, absl::string_view owner, const RRset* rrset) {
  if (!wire::IsSubdomain(owner, zone->apex)) {
    return absl::InvalidArgumentError(absl::StrCat(
        wire::NameToText(owner), " is outside zone ", wire::NameToText(zone->apex)));
  }
  auto it = nodes_.find(owner);
  if (it == nodes_.end()) it = nodes_.try_emplace(names_.Copy(owner)).first;
  Node& node = it->second;
  if (node.zone == nullptr) node.zone = zone;
  if (node.zone != zone) {
    return absl::AlreadyExistsError(absl::StrCat(wire::NameToText(owner),
                                                 " is in two zones"));
  }
  bool has_cname = node.Find(wire::kTypeCname) != nullptr;
  bool adds_cname = rrset->type == wire::kTypeCname;
  if (node.Find(rrset->type) != nullptr || ((has_cname || adds_cname) && !node.rrsets.empty()) ||
      (adds_cname && node.apex)) {
    return absl::AlreadyExistsError(absl::StrCat(
        wire::NameToText(owner), " already has data that conflicts with this record"));
  }
  node.rrsets.push_back(rrset);
  uint8_t labels = 0;
  for (size_t i = 0; i < owner.size() && owner[i] != 0; i += static_cast<uint8_t>(owner[i]) + 1) {
    ++labels;
  }
  max_owner_labels_ = std::max(max_owner_labels_, labels);
  // Empty non-terminals: the names between owner and apex exist (RFC 8020).
  // Each is a suffix of the stored owner, so its key costs no copy.
  absl::string_view parent = it->first;
  while (parent.size() > zone->apex.size()) {
    parent.remove_prefix(static_cast<uint8_t>(parent[0]) + 1);
    Node& ent = nodes_[parent];
    if (ent.zone == nullptr) ent.zone = zone;
  }
  return absl::OkStatus();
}

absl::Status ZoneTable::Validate() const {
  for (const auto& [owner, node] : nodes_) {
    // The closest enclosing zone of the owner must be the node's own zone.
    absl::string_view name = owner;
    while (true) {
      auto it = zones_.find(name);
      if (it != zones_.end()) {
        if (it->second != node.zone) {
          return absl::FailedPreconditionError(absl::StrCat(
              wire::NameToText(owner), " in zone ", wire::NameToText(node.zone->apex),
              " is hidden by zone ", wire::NameToText(it->first)));
        }
        break;
      }
      if (name.size() <= 1) break;
      name.remove_prefix(static_cast<uint8_t>(name[0]) + 1);
    }
  }
  return absl::OkStatus();
}

const Zone* ZoneTable::ClosestZone(const wire::Name& name, int first_label) const {
  for (int i = first_label; i <= name.label_count; ++i) {
    auto it = zones_.find(name.Suffix(i));
    if (it != zones_.end()) return it->second;
  }
  return nullptr;
}

ZoneTable::Match ZoneTable::Find(const wire::Name& name) const {
  if (auto it = nodes_.find(name.view()); it != nodes_.end()) {
    return {it->second.zone, &it->second};
  }
  // No node: the name's own label cannot be an apex either.
  return {ClosestZone(name, 1), nullptr};
}

const Zone* ZoneTable::FindZoneByApex(absl::string_view apex) const {
  auto it = zones_.find(apex);
  return it == zones_.end() ? nullptr : it->second;
}

const Node* ZoneTable::FindNode(absl::string_view owner) const {
  auto it = nodes_.find(owner);
  return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace dnsd
