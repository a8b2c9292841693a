#include "policy/spf/rfc7208/match_set.h"

#include <algorithm>
#include <tuple>

namespace dnsd::spf {
namespace {

int Bit(const IpAddress& a, int i) { return (a.bytes[i / 8] >> (7 - i % 8)) & 1; }

IpAddress WithBit(IpAddress a, int i) {
  a.bytes[i / 8] = static_cast<uint8_t>(a.bytes[i / 8] | (0x80 >> (i % 8)));
  return a;
}

}  // namespace

IpPrefix MaskedPrefix(const IpAddress& address, int length) {
  length = std::clamp(length, 0, 128);
  IpPrefix p;
  p.length = static_cast<uint8_t>(length);
  for (int byte = 0; byte < 16; ++byte) {
    int keep = std::clamp(length - byte * 8, 0, 8);
    uint8_t mask = keep == 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - keep));
    p.address.bytes[byte] = address.bytes[byte] & mask;
  }
  return p;
}

void FirstMatchSet::Add(const IpPrefix& prefix, bool pass) {
  int32_t n = 0;
  for (int depth = 0; depth < prefix.length; ++depth) {
    if (nodes_[n].label != kUnclaimed) return;  // all of it was claimed earlier
    int bit = Bit(prefix.address, depth);
    if (nodes_[n].child[bit] < 0) {
      nodes_[n].child[bit] = static_cast<int32_t>(nodes_.size());
      nodes_.emplace_back();  // may move nodes_: index again below
    }
    n = nodes_[n].child[bit];
  }
  // Labelled descendants were claimed earlier and, being deeper, keep
  // their result.
  if (nodes_[n].label == kUnclaimed) nodes_[n].label = pass ? kPass : kOther;
}

// Appends the pass prefixes below `node`, unless all of `node`'s range
// passes: then it appends nothing and returns true, for the caller to
// merge.
bool FirstMatchSet::Collect(int32_t node, const IpAddress& address, int depth, Label inherited,
                            std::vector<IpPrefix>& out) const {
  const Node& n = nodes_[node];
  Label label = n.label != kUnclaimed ? n.label : inherited;
  if (n.child[0] < 0 && n.child[1] < 0) return label == kPass;
  bool full[2];
  IpAddress half[2] = {address, WithBit(address, depth)};
  for (int b = 0; b < 2; ++b) {
    full[b] = n.child[b] >= 0 ? Collect(n.child[b], half[b], depth + 1, label, out)
                              : label == kPass;
  }
  if (full[0] && full[1]) return true;
  for (int b = 0; b < 2; ++b) {
    if (full[b]) out.push_back(IpPrefix{half[b], static_cast<uint8_t>(depth + 1)});
  }
  return false;
}

std::vector<IpPrefix> FirstMatchSet::PassPrefixes() const {
  std::vector<IpPrefix> out;
  if (Collect(0, IpAddress{}, 0, kUnclaimed, out)) out.push_back(IpPrefix{IpAddress{}, 0});
  std::sort(out.begin(), out.end(), [](const IpPrefix& a, const IpPrefix& b) {
    return std::tie(a.address.bytes, a.length) < std::tie(b.address.bytes, b.length);
  });
  return out;
}

}  // namespace dnsd::spf
