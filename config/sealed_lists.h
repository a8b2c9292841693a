// Lists built once, from vectors, and never grown, kept in one allocation
// with some bytes after them: what a compiled domain keeps of its compile.
//
// A compiled domain has six lists and a block of names, and there are a
// million domains. Kept apart, each list cost its own allocation (rounded
// up to the allocator's class) and 16 octets of pointer and count in the
// domain; here they cost one allocation and one pointer. The block starts
// with the lists' counts, then each list, aligned for its type, then the
// bytes. Empty lists and no bytes allocate nothing; the block is the block
// heap's (config/block_heap.h), sized to 16 octets, not the allocator's
// class.
//
//   SealedLists<A, B> lists(std::move(as), std::move(bs), /*bytes=*/12);
//   for (A& a : lists.get<0>()) ...
//   std::memcpy(lists.bytes(), ..., 12);
#ifndef DNSD_CONFIG_SEALED_LISTS_H_
#define DNSD_CONFIG_SEALED_LISTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "config/block_heap.h"

namespace dnsd::config {

template <typename... T>
class SealedLists {
 public:
  static constexpr size_t kLists = sizeof...(T);
  template <size_t I>
  using Element = std::tuple_element_t<I, std::tuple<T...>>;

  SealedLists() = default;
  // Moves every element of `lists` in (the vectors are left empty), and
  // leaves `bytes` octets after them for bytes() to fill.
  explicit SealedLists(std::vector<T>&&... lists, size_t bytes) {
    Header header{{static_cast<uint32_t>(lists.size())...}, static_cast<uint32_t>(bytes)};
    if (((lists.empty()) && ...) && bytes == 0) return;
    block_ = static_cast<std::byte*>(BlockAlloc(Layout(header).back()));
    new (block_) Header(header);
    MoveIn(std::index_sequence_for<T...>{}, lists...);
  }
  SealedLists(SealedLists&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SealedLists& operator=(SealedLists&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SealedLists() {
    if (block_ == nullptr) return;
    size_t size = Layout(header()).back();
    Destroy(std::index_sequence_for<T...>{});
    BlockFree(block_, size);
  }

  template <size_t I>
  std::span<Element<I>> get() {
    if (block_ == nullptr) return {};
    return {reinterpret_cast<Element<I>*>(block_ + Layout(header())[I]), header().count[I]};
  }
  template <size_t I>
  std::span<const Element<I>> get() const {
    return const_cast<SealedLists*>(this)->template get<I>();
  }
  char* bytes() {
    if (block_ == nullptr) return nullptr;
    return reinterpret_cast<char*>(block_ + Layout(header())[kLists]);
  }
  const char* bytes() const { return const_cast<SealedLists*>(this)->bytes(); }
  size_t bytes_size() const { return block_ == nullptr ? 0 : header().bytes; }

 private:
  struct Header {
    std::array<uint32_t, kLists> count;
    uint32_t bytes;
  };
  const Header& header() const { return *reinterpret_cast<const Header*>(block_); }

  // Where each list begins, then the bytes, then the end of the block.
  static std::array<size_t, kLists + 2> Layout(const Header& h) {
    constexpr std::array<size_t, kLists> kSize{sizeof(T)...};
    constexpr std::array<size_t, kLists> kAlign{alignof(T)...};
    static_assert(((alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__) && ...));
    std::array<size_t, kLists + 2> at;
    size_t end = sizeof(Header);
    for (size_t i = 0; i < kLists; ++i) {
      at[i] = (end + kAlign[i] - 1) / kAlign[i] * kAlign[i];
      end = at[i] + kSize[i] * h.count[i];
    }
    at[kLists] = end;
    at[kLists + 1] = end + h.bytes;
    return at;
  }

  template <size_t... I>
  void MoveIn(std::index_sequence<I...>, std::vector<T>&... lists) {
    (std::uninitialized_move(lists.begin(), lists.end(), get<I>().data()), ...);
    (lists.clear(), ...);
  }
  template <size_t... I>
  void Destroy(std::index_sequence<I...>) {
    (std::destroy(get<I>().begin(), get<I>().end()), ...);
  }

  std::byte* block_ = nullptr;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SEALED_LISTS_H_
