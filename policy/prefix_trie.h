// IP prefixes to ids, for "which netblocks or sender ranges contain this
// address": a path-compressed binary trie over the 128-bit space (IPv4 as
// ::ffff:0:0/96). A lookup walks at most one node per distinct prefix on
// the address's path, so its cost does not grow with how many prefixes are
// stored; there is no scan of a list.
//
// Built once on the control plane; Lookup is read-only and thread-safe.
#ifndef DNSD_POLICY_PREFIX_TRIE_H_
#define DNSD_POLICY_PREFIX_TRIE_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "dnsd/net/ip.h"

namespace dnsd::policy {

class PrefixTrie {
 public:
  // Building. Ids of one prefix are kept sorted and unique.
  void Insert(const IpPrefix& prefix, uint32_t id);
  // Packs the ids; call once after the last Insert, before any Lookup.
  void Finish();

  // Calls `visit(ids)` for each stored prefix that contains `ip`, shortest
  // first. Stops early if visit returns true.
  template <typename F>
  bool Lookup(const IpAddress& ip, F&& visit) const {
    for (int32_t i = root_; i >= 0;) {
      const Node& n = nodes_[i];
      if (!Covers(n, ip)) return false;
      if (n.ids_end > n.ids_begin &&
          visit(absl::MakeConstSpan(ids_.data() + n.ids_begin, n.ids_end - n.ids_begin))) {
        return true;
      }
      if (n.length == 128) return false;
      i = n.child[Bit(ip, n.length)];
    }
    return false;
  }

  // True if a prefix holding `id` contains `ip`.
  bool Contains(const IpAddress& ip, uint32_t id) const;

  size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    IpAddress prefix;
    uint8_t length = 0;
    int32_t child[2] = {-1, -1};
    uint32_t ids_begin = 0, ids_end = 0;
  };

  static int Bit(const IpAddress& ip, int i) { return (ip.bytes[i / 8] >> (7 - i % 8)) & 1; }
  static bool Covers(const Node& n, const IpAddress& ip);
  int32_t NewNode(const IpAddress& prefix, int length);

  std::vector<Node> nodes_;
  int32_t root_ = -1;
  std::vector<std::vector<uint32_t>> pending_;  // per node, until Finish()
  std::vector<uint32_t> ids_;
};

}  // namespace dnsd::policy

#endif  // DNSD_POLICY_PREFIX_TRIE_H_
