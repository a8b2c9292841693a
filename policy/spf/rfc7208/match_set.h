// The addresses a sequence of SPF mechanisms decides, in order: the first
// mechanism that matches an address gives the result (RFC 7208 §4.6.2), so
// each prefix added claims only the addresses no earlier prefix claimed,
// whether for "pass" or for another result. What is left at the end passes
// exactly where a receiver's evaluation would stop at a pass mechanism.
//
// A binary trie over the 128-bit address space (IPv4 as ::ffff:0:0/96). A
// node labelled when no ancestor was, and later labels never go below an
// earlier one, so the deepest label on an address's path is its first
// match. Plain value; not thread-safe.
#ifndef DNSD_POLICY_SPF_RFC7208_MATCH_SET_H_
#define DNSD_POLICY_SPF_RFC7208_MATCH_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

// `address` with the bits past `length` (0..128) cleared.
IpPrefix MaskedPrefix(const IpAddress& address, int length);

class FirstMatchSet {
 public:
  FirstMatchSet() : nodes_(1) {}

  // The addresses of `prefix` that nothing added before claimed now give
  // pass (or, with `pass` false, some other result).
  void Add(const IpPrefix& prefix, bool pass);

  // The addresses whose first match was a pass: sorted, no overlaps, and
  // two halves of a prefix are merged into it.
  std::vector<IpPrefix> PassPrefixes() const;

 private:
  enum Label : uint8_t { kUnclaimed, kPass, kOther };
  struct Node {
    int32_t child[2] = {-1, -1};
    Label label = kUnclaimed;
  };

  bool Collect(int32_t node, const IpAddress& address, int depth, Label inherited,
               std::vector<IpPrefix>& out) const;

  std::vector<Node> nodes_;
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_MATCH_SET_H_
