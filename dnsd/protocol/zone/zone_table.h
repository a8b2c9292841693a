// Every zone and node of a snapshot, and the lookup the query path does.
//
// Built once on the control plane, then read-only: any number of threads may
// call Find() concurrently. Keys are lower-case wire names, so a lookup is a
// hash of the bytes the gate already lower-cased; finding the zone of a name
// without a node walks up at most one hash probe per label.
//
// Owner names are copied once into the table's own arena, and an empty
// non-terminal's key is a suffix of its child's: at 100k domains a reload
// builds half a million keys, and a heap string for each would double both
// the time and the memory the table takes.
#ifndef DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_
#define DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

  // Stores an RRset and returns a pointer that stays valid for the table's
  // life; identical RRsets may be interned by the caller and shared.
  const RRset* Keep(RRset rrset);

  // Room for this many zones and nodes, so that building does not rehash.
  void Reserve(size_t zones, size_t nodes);

  // Adds a zone and its apex node. Fails if the apex is taken.
  absl::StatusOr<Zone*> AddZone(absl::string_view apex, ZoneKind kind, const ZoneCommon* common);

  // Adds `rrset` at `owner` in `zone`, creating empty non-terminals between
  // the owner and the apex. Fails on a second RRset of one type at a name,
  // on CNAME beside other data (RFC 1034 §3.6.2), and outside the zone.
  absl::Status AddRRset(Zone* zone, absl::string_view owner, const RRset* rrset);

  // Checks what can only be checked once all zones are in: every node lies
  // in the closest zone that encloses it (no zone hides another's names).
  absl::Status Validate() const;

  // ---- lookup (query path) ----

  struct Match {
    const Zone* zone = nullptr;  // null: no zone encloses the name
    const Node* node = nullptr;  // null: the name does not exist in zone
  };
  Match Find(const wire::Name& lower_name) const;

  // The most labels of any owner that has records (0 with none). A name
  // with more labels has no records of its own, whatever its zone: the SPF
  // macro names, 10 to 40 labels long, skip hashing themselves for a node
  // lookup that cannot succeed.
  uint8_t max_owner_labels() const { return max_owner_labels_; }

  size_t zone_count() const { return zones_.size(); }
  size_t node_count() const { return nodes_.size(); }
  const Zone* FindZoneByApex(absl::string_view apex) const;
  const Node* FindNode(absl::string_view owner) const;

  template <typename F>  // F(const Zone&)
  void ForEachZone(F&& f) const {
    for (const Zone& zone : zone_storage_) f(zone);
  }

  template <typename F>  // F(absl::string_view owner, const Node&)
  void ForEachNode(F&& f) const {
    for (const auto& [owner, node] : nodes_) f(owner, node);
  }

 private:
  // Owner names, copied end to end into blocks that never move.
  class NameArena {
   public:
    absl::string_view Copy(absl::string_view name);

   private:
    static constexpr size_t kBlock = 64 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;
    size_t left_ = 0;
  };

  const Zone* ClosestZone(const wire::Name& name, int first_label) const;

  std::deque<Zone> zone_storage_;  // a deque: growing never moves the elements
  absl::flat_hash_map<absl::string_view, Zone*> zones_;  // keys: Zone::apex
  absl::flat_hash_map<absl::string_view, Node> nodes_;  // keys: in names_ or Zone::apex
  NameArena names_;
  std::deque<RRset> rrsets_;  // deque: growing never moves the elements
  uint8_t max_owner_labels_ = 0;
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_ZONE_TABLE_H_
