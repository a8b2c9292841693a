// The RRsets at one owner name, in one pointer.
//
// A node sits in every slot of the zone table, several per domain, and
// almost every one has a single RRset (a TXT, a CNAME) or none (an empty
// non-terminal). So the list is that one RRset's pointer itself; only a
// name with two or more points, by a tagged pointer, at a heap block that
// holds the count and then the RRsets. Eight octets, not an inlined
// vector's twenty-four.
#ifndef DNSD_PROTOCOL_ZONE_RRSET_LIST_H_
#define DNSD_PROTOCOL_ZONE_RRSET_LIST_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "dnsd/protocol/zone/rrset.h"

namespace dnsd {

class RRsetList {
 public:
  using value_type = const RRset*;
  using const_iterator = const RRset* const*;
  using iterator = const_iterator;

  RRsetList() = default;
  RRsetList(const RRsetList& other)
      : head_(other.is_block() ? Block(other.begin(), other.size(), nullptr) : other.head_) {}
  RRsetList& operator=(const RRsetList& other) {
    if (this != &other) {
      RRsetList copy(other);
      std::swap(head_, copy.head_);
    }
    return *this;
  }
  RRsetList(RRsetList&& other) noexcept : head_(std::exchange(other.head_, nullptr)) {}
  RRsetList& operator=(RRsetList&& other) noexcept {
    std::swap(head_, other.head_);
    return *this;
  }
  ~RRsetList() { Reset(nullptr); }

  bool empty() const { return head_ == nullptr; }
  size_t size() const {
    if (is_block()) return reinterpret_cast<uintptr_t>(block()[0]);
    return head_ == nullptr ? 0 : 1;
  }
  const RRset* front() const { return *begin(); }
  const_iterator begin() const { return is_block() ? block() + 1 : &head_; }
  const_iterator end() const { return begin() + size(); }

  void push_back(const RRset* rrset) {
    if (head_ == nullptr) {
      head_ = rrset;
      return;
    }
    Reset(Block(begin(), size(), rrset));
  }

  // Removes the RRset of `type`; false if there is none.
  bool Erase(uint16_t type) {
    size_t n = size();
    const_iterator all = begin();
    size_t at = 0;
    while (at < n && all[at]->type != type) ++at;
    if (at == n) return false;
    if (n == 1) {
      Reset(nullptr);
    } else if (n == 2) {
      Reset(all[1 - at]);
    } else {
      const RRset** kept = block();
      std::copy(kept + 2 + at, kept + 1 + n, kept + 1 + at);
      kept[0] = reinterpret_cast<const RRset*>(uintptr_t{n - 1});
    }
    return true;
  }

 private:
  // An RRset is 8-aligned, so the low bit of its address is free to say
  // that head_ points at a block: block[0] is the count, the RRsets follow.
  static constexpr uintptr_t kBlock = 1;
  static_assert(alignof(RRset) >= 2);

  static const RRset* Tagged(const RRset** block) {
    return reinterpret_cast<const RRset*>(reinterpret_cast<uintptr_t>(block) | kBlock);
  }
  bool is_block() const { return (reinterpret_cast<uintptr_t>(head_) & kBlock) != 0; }
  const RRset** block() const {
    return reinterpret_cast<const RRset**>(reinterpret_cast<uintptr_t>(head_) & ~kBlock);
  }
  // A new block of the `n` RRsets at `rrsets`, then `more` unless null.
  static const RRset* Block(const_iterator rrsets, size_t n, const RRset* more) {
    size_t count = n + (more != nullptr ? 1 : 0);
    const RRset** block = new const RRset*[count + 1];
    block[0] = reinterpret_cast<const RRset*>(uintptr_t{count});
    std::copy(rrsets, rrsets + n, block + 1);
    if (more != nullptr) block[count] = more;
    return Tagged(block);
  }
  // Takes `head` (a pointer the caller computed before this frees the block).
  void Reset(const RRset* head) {
    if (is_block()) delete[] block();
    head_ = head;
  }

  const RRset* head_ = nullptr;  // null: empty; untagged: the one RRset
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_RRSET_LIST_H_
