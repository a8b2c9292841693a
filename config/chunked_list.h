// A list kept sorted by a string key, whose copies share its storage.
//
// The lists a reload hands on (the domains a load found, the domains a
// compile made, the versions being served) hold a million items at a
// million domains, and a reload changes a few of them. Copying or
// rebuilding a million shared pointers costs a million reference counts, a
// cache miss each: about a tenth of a second a pass. So the items live in
// chunks of a few hundred, each held by shared pointer: a copy of the list
// copies the chunk pointers (a few thousand), and an edit copies the one
// chunk it changes, if another list still shares it.
//
// Items are appended in key order when a list is built (`push_back`), or put
// in their place by key (`Set`, `Erase`). Thread-compatible; a chunk that
// two lists share is never written.
#ifndef DNSD_CONFIG_CHUNKED_LIST_H_
#define DNSD_CONFIG_CHUNKED_LIST_H_

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"

namespace dnsd::config {

// `KeyOf` is a type whose `operator()(const T&)` gives the item's key as
// something comparable with absl::string_view.
template <typename T, typename KeyOf>
class ChunkedList {
  using Chunk = std::vector<T>;

 public:
  // Chunks split past twice this; an edit copies at most that many items.
  static constexpr size_t kChunk = 256;

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;

    const_iterator() = default;
    reference operator*() const { return (*(*chunks_)[chunk_])[item_]; }
    pointer operator->() const { return &**this; }
    const_iterator& operator++() {
      if (++item_ == (*chunks_)[chunk_]->size()) ++chunk_, item_ = 0;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.chunk_ == b.chunk_ && a.item_ == b.item_;
    }

   private:
    friend class ChunkedList;
    const_iterator(const std::vector<std::shared_ptr<Chunk>>* chunks, size_t chunk, size_t item)
        : chunks_(chunks), chunk_(chunk), item_(item) {}
    const std::vector<std::shared_ptr<Chunk>>* chunks_ = nullptr;
    size_t chunk_ = 0, item_ = 0;
  };

  size_t size() const { return ends_.empty() ? 0 : ends_.back(); }
  bool empty() const { return size() == 0; }
  const_iterator begin() const { return const_iterator(&chunks_, 0, 0); }
  const_iterator end() const { return const_iterator(&chunks_, chunks_.size(), 0); }

  // The i-th item: a binary search over the chunks.
  const T& operator[](size_t i) const {
    size_t c = std::upper_bound(ends_.begin(), ends_.end(), i) - ends_.begin();
    return (*chunks_[c])[i - (c == 0 ? 0 : ends_[c - 1])];
  }

  // The item with `key`, or null.
  const T* Find(absl::string_view key) const {
    auto [c, i] = Position(key);
    if (c == chunks_.size() || i == chunks_[c]->size()) return nullptr;
    const T& item = (*chunks_[c])[i];
    return absl::string_view(KeyOf()(item)) == key ? &item : nullptr;
  }

  // Appends `item`, whose key must not be below the last item's.
  void push_back(T item) {
    if (chunks_.empty() || chunks_.back()->size() >= kChunk) {
      chunks_.push_back(std::make_shared<Chunk>());
      chunks_.back()->reserve(kChunk);
      ends_.push_back(size());
    }
    Mutable(chunks_.size() - 1).push_back(std::move(item));
    ++ends_.back();
  }

  // Puts `item` in its place by key, replacing the item with that key.
  void Set(T item) {
    absl::string_view key = KeyOf()(item);
    auto [c, i] = Position(key);
    if (c == chunks_.size()) {  // past the last key, or the list is empty
      if (chunks_.empty()) {
        push_back(std::move(item));
        return;
      }
      c = chunks_.size() - 1;
      i = chunks_[c]->size();
    }
    Chunk& chunk = Mutable(c);
    if (i < chunk.size() && absl::string_view(KeyOf()(chunk[i])) == key) {
      chunk[i] = std::move(item);
      return;
    }
    chunk.insert(chunk.begin() + i, std::move(item));
    if (chunk.size() > 2 * kChunk) {
      auto rest = std::make_shared<Chunk>(std::make_move_iterator(chunk.begin() + kChunk),
                                          std::make_move_iterator(chunk.end()));
      chunk.resize(kChunk);
      chunks_.insert(chunks_.begin() + c + 1, std::move(rest));
      ends_.insert(ends_.begin() + c + 1, 0);
    }
    Recount(c);
  }

  // Removes the item with `key`; false if there is none.
  bool Erase(absl::string_view key) {
    auto [c, i] = Position(key);
    if (c == chunks_.size() || i == chunks_[c]->size() ||
        absl::string_view(KeyOf()((*chunks_[c])[i])) != key) {
      return false;
    }
    Chunk& chunk = Mutable(c);
    chunk.erase(chunk.begin() + i);
    if (chunk.empty()) {
      chunks_.erase(chunks_.begin() + c);
      ends_.erase(ends_.begin() + c);
    }
    Recount(c);
    return true;
  }

 private:
  // The chunk that holds `key` or would, and the item's place in it: the
  // first chunk whose last key is not below `key` (chunks_.size() if none).
  std::pair<size_t, size_t> Position(absl::string_view key) const {
    auto chunk = std::partition_point(chunks_.begin(), chunks_.end(), [&](const auto& c) {
      return absl::string_view(KeyOf()(c->back())) < key;
    });
    size_t c = chunk - chunks_.begin();
    if (c == chunks_.size()) return {c, 0};
    const Chunk& items = **chunk;
    auto item = std::partition_point(items.begin(), items.end(), [&](const T& t) {
      return absl::string_view(KeyOf()(t)) < key;
    });
    return {c, static_cast<size_t>(item - items.begin())};
  }

  // Chunk `c`, copied first if another list shares it.
  Chunk& Mutable(size_t c) {
    if (chunks_[c].use_count() > 1) chunks_[c] = std::make_shared<Chunk>(*chunks_[c]);
    return *chunks_[c];
  }

  void Recount(size_t from) {
    for (size_t c = from; c < chunks_.size(); ++c) {
      ends_[c] = (c == 0 ? 0 : ends_[c - 1]) + chunks_[c]->size();
    }
  }

  std::vector<std::shared_ptr<Chunk>> chunks_;  // none empty
  std::vector<size_t> ends_;                     // items up to and including chunk c
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_CHUNKED_LIST_H_
