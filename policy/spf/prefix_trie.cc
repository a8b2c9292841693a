#include "policy/spf/prefix_trie.h"

#include <algorithm>
#include <cstring>

namespace dnsd::spf {
namespace {

// Number of leading bits `a` and `b` share, up to `limit`.
int CommonBits(const IpAddress& a, const IpAddress& b, int limit) {
  int bits = 0;
  for (int i = 0; i < 16 && bits < limit; ++i) {
    uint8_t diff = a.bytes[i] ^ b.bytes[i];
    if (diff == 0) {
      bits += 8;
      continue;
    }
    bits += __builtin_clz(diff) - 24;
    break;
  }
  return std::min(bits, limit);
}

IpAddress Masked(const IpAddress& ip, int length) {
  IpAddress out = ip;
  for (int i = 0; i < 16; ++i) {
    int keep = length - i * 8;
    out.bytes[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return out;
}

}  // namespace

int32_t PrefixTrie::NewNode(const IpAddress& prefix, int length) {
  Node n;
  n.prefix = Masked(prefix, length);
  n.length = static_cast<uint8_t>(length);
  nodes_.push_back(n);
  return static_cast<int32_t>(nodes_.size() - 1);
}

void PrefixTrie::Insert(const IpPrefix& p, uint32_t id) {
  int32_t target = -1;
  // `slot` names the link to follow as (parent node, side); -1 is the root.
  int32_t parent = -1;
  int side = 0;
  while (true) {
    int32_t at = parent < 0 ? root_ : nodes_[parent].child[side];
    if (at < 0) {
      target = NewNode(p.address, p.length);
      (parent < 0 ? root_ : nodes_[parent].child[side]) = target;
      break;
    }
    int common = CommonBits(nodes_[at].prefix, p.address, std::min<int>(nodes_[at].length, p.length));
    if (common < nodes_[at].length) {
      // Split: a node for the shared part takes `at`'s place.
      int32_t mid = NewNode(p.address, common);
      nodes_[mid].child[Bit(nodes_[at].prefix, common)] = at;
      (parent < 0 ? root_ : nodes_[parent].child[side]) = mid;
      if (common == p.length) {
        target = mid;
      } else {
        target = NewNode(p.address, p.length);
        nodes_[mid].child[Bit(p.address, common)] = target;
      }
      break;
    }
    if (nodes_[at].length == p.length) {
      target = at;
      break;
    }
    parent = at;
    side = Bit(p.address, nodes_[at].length);
  }
  pending_.emplace_back(target, id);
}

void PrefixTrie::Finish() {
  ids_.clear();
  std::sort(pending_.begin(), pending_.end());
  pending_.erase(std::unique(pending_.begin(), pending_.end()), pending_.end());
  ids_.reserve(pending_.size());
  size_t next_pending = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    nodes_[i].ids_begin = static_cast<uint32_t>(ids_.size());
    for (; next_pending < pending_.size() &&
           pending_[next_pending].first == static_cast<int32_t>(i);
         ++next_pending) {
      ids_.push_back(pending_[next_pending].second);
    }
    nodes_[i].ids_end = static_cast<uint32_t>(ids_.size());
  }
  // File each prefix under its ids (a counting sort by id).
  uint32_t max_id = 0;
  for (uint32_t id : ids_) max_id = std::max(max_id, id);
  by_id_begin_.assign(ids_.empty() ? 0 : max_id + 2, 0);
  for (uint32_t id : ids_) ++by_id_begin_[id + 1];
  for (size_t k = 1; k < by_id_begin_.size(); ++k) by_id_begin_[k] += by_id_begin_[k - 1];
  by_id_.assign(ids_.size(), Filed{});
  std::vector<uint32_t> next(by_id_begin_.begin(), by_id_begin_.end());
  for (const Node& n : nodes_) {
    for (uint32_t k = n.ids_begin; k < n.ids_end; ++k) by_id_[next[ids_[k]]++] = {n.prefix, n.length};
  }
  pending_.clear();
  pending_.shrink_to_fit();
}

}  // namespace dnsd::spf
