// Every zone and node of a snapshot, and the lookup the query path does.
//
// Built on the control plane, then read-only: any number of threads may
// call Find() concurrently. Keys are lower-case wire names, so a lookup is a
// hash of the bytes the gate already lower-cased; finding the zone of a name
// without a node walks up at most one hash probe per label.
//
// The tables are persistent (dnsd/protocol/base/persistent_map.h): a
// reload starts from a Fork() of the table it replaces, which shares every
// shard, and adds and removes only what changed, so a reload that changes
// one domain among a million costs a few shards, not the table. Hence the
// removals, and the counts that make them exact: how many names with
// records lie below each node (its empty non-terminals live while there
// are any; kept beside the nodes, not in them), and how many owners have
// each label count.
//
// Zones are not owned by the table but by what outlives it: a customer's
// zone by its compiled domain, which every snapshot serving it shares.
// The provider's own zones change serial with every reload that touches a
// customer in them, so nodes point at a stand-in that stays (Zone::slot)
// and the table holds this snapshot's zone for each slot.
#ifndef DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_
#define DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/base/persistent_map.h"
#include "dnsd/protocol/wire/name.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd {

class ZoneTable {
 public:
  ZoneTable() = default;
  ZoneTable(const ZoneTable&) = delete;
  ZoneTable& operator=(const ZoneTable&) = delete;
  ZoneTable(ZoneTable&&) = default;
  ZoneTable& operator=(ZoneTable&&) = default;

  // ---- building (control plane) ----

  // A table that shares every zone and node of this one, and the provider
  // zones' stand-ins, but not their serials or the RRsets kept here: the
  // starting point of the next snapshot's table.
  ZoneTable Fork() const;
  // Compacts what this table's edits wrote (PersistentMap::Freeze, and
  // its `let_go`), once it is built and before it is published. Node
  // pointers taken before do not hold.
  void Freeze(const std::function<void()>& let_go = nullptr) {
    nodes_.Freeze(let_go);
    below_.Freeze();
  }

  // Stores an RRset and returns a pointer that stays valid for the table's
  // life (not its forks'); identical RRsets may be interned by the caller.
  const RRset* Keep(RRset rrset);

  // Adds a zone the table owns, and its apex node: for tests, and for the
  // provider's zones through AddProviderZone.
  absl::StatusOr<Zone*> AddZone(absl::string_view apex, ZoneKind kind);

  // Adds a zone owned elsewhere (it must outlive the table and its forks)
  // and its apex node, both keyed by a view of the zone's apex. Fails if
  // the apex is taken: by another zone, by a name with records, or by an
  // empty non-terminal of another zone (whose names below the new apex it
  // would hide).
  absl::Status AddZone(const Zone* zone);
  // Removes a zone added with AddZone(const Zone*) once its names are
  // gone; an apex node that stays (names of another zone below it, records)
  // takes a copy of its key.
  void RemoveZone(const Zone* zone);

  // A provider zone: its stand-in, made on the first call and shared by
  // every fork, which is what names in the zone are added to. Each table
  // has its own copy of the zone, whose serial it sets: ProviderZone().
  absl::StatusOr<const Zone*> AddProviderZone(absl::string_view apex, ZoneKind kind);
  // This table's own copy of the provider zone at `apex`, or null.
  Zone* ProviderZone(absl::string_view apex);

  // Adds `rrset` at `owner` in `zone`, creating empty non-terminals between
  // the owner and the apex. Fails on a second RRset of one type at a name,
  // on CNAME beside other data (RFC 1034 §3.6.2), outside the zone, and
  // below another zone's apex (that zone would hide it). With
  // KeyBytes::kView a new node is keyed by a view of `owner`, whose bytes
  // must then live as long as `rrset` must: a compiled domain's names, as
  // its records, live while any table serves them. (Empty non-terminals
  // always hold copies: they outlive the names that made them.)
  absl::Status AddRRset(const Zone* zone, absl::string_view owner, const RRset* rrset,
                        KeyBytes owner_bytes = KeyBytes::kCopy);
  // Removes the RRset of `type` at `owner`, and the empty non-terminals
  // nothing needs any more. The owner must be as added. A node that stays
  // for other records or names below it takes a copy of its key: it may
  // have viewed the bytes of the records going. (A zone's apex node views
  // the zone's apex, which stays.)
  void RemoveRRset(absl::string_view owner, uint16_t type);

  // ---- lookup (query path) ----

  struct Match {
    const Zone* zone = nullptr;  // null: no zone encloses the name
    const Node* node = nullptr;  // null: the name does not exist in zone
  };
  Match Find(const wire::Name& lower_name) const;

  // The same look-up in steps, for a batch (PersistentMap's steps): the
  // name's node key, its prefetches, then Find(name, key) or
  // FindNode(key), which equal Find(name) and FindNode(name.view()).
  // Only the node probe is prefetched: a name without a node walks up the
  // zones by itself.
  using NodeKey = PersistentMap<Node>::Key;
  static NodeKey KeyOf(const wire::Name& lower_name) {
    return PersistentMap<Node>::Hash(lower_name.view());
  }
  void Prefetch(PrefetchStep step, const NodeKey& key) const { nodes_.Prefetch(step, key); }
  // REQUIRES: key == KeyOf(lower_name).
  Match Find(const wire::Name& lower_name, const NodeKey& key) const;
  const Node* FindNode(const NodeKey& key) const { return nodes_.Find(key); }

  // The zone a node belongs to, as this snapshot serves it.
  const Zone& ZoneOf(const Node& node) const { return Resolve(*node.zone()); }

  // The most labels of any owner that has records (0 with none). A name
  // with more labels has no records of its own, whatever its zone: the SPF
  // macro names, 10 to 40 labels long, skip hashing themselves for a node
  // lookup that cannot succeed.
  uint8_t max_owner_labels() const { return max_owner_labels_; }

  size_t zone_count() const { return zone_count_; }
  size_t node_count() const { return nodes_.size(); }
  const Zone* FindZoneByApex(absl::string_view apex) const;
  const Node* FindNode(absl::string_view owner) const { return nodes_.Find(owner); }
  // How many names with records lie below `owner` in its zone, not
  // counting its zone's apex: while there are any, its node stays (an
  // empty non-terminal if it has no records of its own).
  uint32_t Below(absl::string_view owner) const {
    const uint32_t* below = below_.Find(owner);
    return below != nullptr ? *below : 0;
  }

  template <typename F>  // F(const Zone&), in no particular order
  void ForEachZone(F&& f) const {
    nodes_.ForEach([&](absl::string_view, const Node& node) {
      if (node.apex()) f(Resolve(*node.zone()));
    });
  }

  template <typename F>  // F(const Zone&): this table's copies of the provider zones
  void ForEachProviderZone(F&& f) const {
    for (const Zone& zone : provider_zones_) f(zone);
  }

  template <typename F>  // F(absl::string_view owner, const Node&), in no particular order
  void ForEachNode(F&& f) const {
    nodes_.ForEach(f);
  }

 private:
  const Zone& Resolve(const Zone& zone) const {
    return zone.slot < 0 ? zone : provider_zones_[zone.slot];
  }
  const Zone* ClosestZone(const wire::Name& name, int first_label) const;
  // The zone whose apex is `apex` (a stand-in for a provider zone), or null.
  const Zone* ApexZone(absl::string_view apex) const;
  absl::Status CheckNotHidden(const Zone* zone, absl::string_view owner) const;
  void CountOwner(absl::string_view owner, int delta);

  // Every name with records, every empty non-terminal and every zone's
  // apex: a zone is found through its apex node (Node::apex), not a map
  // of its own, which cost every zone a slot of its own.
  PersistentMap<Node> nodes_;
  // Below(), for the nodes it is not 0 for: a few, where names are more
  // than one label under their zone's apex. Kept apart from the nodes,
  // which the query path reads, as only an edit of the table reads it.
  PersistentMap<uint32_t> below_;
  size_t zone_count_ = 0;
  // The provider zones' stand-ins, by slot: made once, shared by forks.
  std::shared_ptr<std::deque<Zone>> stand_ins_ = std::make_shared<std::deque<Zone>>();
  std::deque<Zone> provider_zones_;  // this table's, by slot
  std::deque<Zone> owned_zones_;     // AddZone(apex, ...)'s
  // The apexes of the zones this table made (stand-ins and its own): a
  // deque never moves them, and forks share it as they share the stand-ins.
  std::shared_ptr<std::deque<std::string>> apexes_ = std::make_shared<std::deque<std::string>>();
  std::deque<RRset> rrsets_;         // a deque: growing never moves the elements
  // Owners with records, by label count: max_owner_labels_ follows removals.
  std::array<uint32_t, wire::kMaxLabels + 1> owners_by_labels_{};
  uint8_t max_owner_labels_ = 0;
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_
