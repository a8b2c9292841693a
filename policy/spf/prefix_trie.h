// IP prefixes to ids, for "which netblocks or sender ranges contain this
// address": a path-compressed binary trie over the 128-bit space (IPv4 as
// ::ffff:0:0/96). A lookup walks at most one node per distinct prefix on
// the address's path, so its cost does not grow with how many prefixes are
// stored; there is no scan of a list.
//
// Contains(ip, id) does not walk the trie: Finish() also files every prefix
// under its ids, and a domain has only a few netblocks, so checking them
// directly costs one or two cache misses instead of one per trie node
// (at 100k domains the netblock trie has ~225k nodes and a walk ~20).
//
// Built once on the control plane; Lookup is read-only and thread-safe.
#ifndef DNSD_POLICY_SPF_PREFIX_TRIE_H_
#define DNSD_POLICY_SPF_PREFIX_TRIE_H_

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

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
  bool Contains(const IpAddress& ip, uint32_t id) const {
    if (by_id_begin_.empty() || id >= by_id_begin_.size() - 1) return false;
    for (uint32_t i = by_id_begin_[id]; i < by_id_begin_[id + 1]; ++i) {
      if (Covers(by_id_[i].prefix, by_id_[i].length, ip)) return true;
    }
    return false;
  }

  size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    IpAddress prefix;
    uint8_t length = 0;
    int32_t child[2] = {-1, -1};
    uint32_t ids_begin = 0, ids_end = 0;
  };

  struct Filed {
    IpAddress prefix;
    uint8_t length = 0;
  };

  static int Bit(const IpAddress& ip, int i) { return (ip.bytes[i / 8] >> (7 - i % 8)) & 1; }
  // The first (half 0) or last 64 bits of `a`, most significant first.
  static uint64_t Half(const IpAddress& a, int half) {
    uint64_t v;
    std::memcpy(&v, a.bytes.data() + 8 * half, 8);
    return __builtin_bswap64(v);
  }
  // The top `bits` bits set, for bits in any range.
  static uint64_t Mask(int bits) {
    return bits <= 0 ? 0 : bits >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - bits);
  }
  // Two masked 64-bit compares: no memcmp call, no loop over octets.
  static bool Covers(const IpAddress& prefix, int length, const IpAddress& ip) {
    return ((Half(ip, 0) ^ Half(prefix, 0)) & Mask(length)) == 0 &&
           ((Half(ip, 1) ^ Half(prefix, 1)) & Mask(length - 64)) == 0;
  }
  static bool Covers(const Node& n, const IpAddress& ip) { return Covers(n.prefix, n.length, ip); }
  int32_t NewNode(const IpAddress& prefix, int length);

  std::vector<Node> nodes_;
  int32_t root_ = -1;
  // (node, id) pairs until Finish(): one flat vector, not one per node,
  // because a reload at 100k domains builds a trie of ~225k nodes.
  std::vector<std::pair<int32_t, uint32_t>> pending_;
  std::vector<uint32_t> ids_;
  // Every prefix again, grouped by id: those of id k are
  // by_id_[by_id_begin_[k] .. by_id_begin_[k + 1]).
  std::vector<Filed> by_id_;
  std::vector<uint32_t> by_id_begin_;
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_PREFIX_TRIE_H_
