// A hash map from byte strings (wire names) to small values, split into
// shards that copies share until one of them writes: copy-on-write per
// shard.
//
// A reload that changes one domain among a million must not rebuild a
// table of millions of names. A copy of the map copies only its shard
// pointers; an edit clones the one shard it touches (and compacts its
// keys) and leaves every other shard shared with the snapshots before it.
// So a reload costs the shards it touches, not the table.
//
// A map is edited by one thread and then published; once published it is
// never written again (a later edit goes to a copy), so any number of
// threads may read it without locks. Keys are copied into the shard that
// holds them, or viewed where the caller keeps them (KeyBytes::kView); a
// value's address is stable until its shard is next edited or frozen.
//
// A shard has two forms. A shard a map fills from nothing is a hash table
// (absl's), which grows by doubling: every shard of a map holds about as
// many keys as every other, so all of them sit at the same point of that
// growth, and at some sizes every table is half empty. Freeze(), called
// once the edits are done, rewrites each such shard into one array sized
// to what it holds (ordered linear probing, below): about 1.33 slots a key
// where the hash tables had 1.1 to 2.3. A frozen shard stays an array
// when it is edited: a clone is a copy of the array, and an edit moves
// the entries of one run. A reload that touches every shard (a change to
// a few thousand domains of a million is enough) so holds a second copy of
// the tables at their frozen size, not at a hash table's, and Freeze()
// lays out again only the arrays that edits filled or emptied.
#ifndef DNSD_PROTOCOL_BASE_PERSISTENT_MAP_H_
#define DNSD_PROTOCOL_BASE_PERSISTENT_MAP_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace dnsd {

// The steps of a look-up in steps (PersistentMap::Prefetch), in order.
enum class PrefetchStep : uint8_t { kShardPointer, kShard, kProbe, kEntry };

// How a map holds an inserted key's bytes: a copy of its own, or a view of
// the caller's. A view saves the copy when the caller holds the bytes
// anyway, as a compiled domain holds the names its entries are keyed by;
// the caller then keeps them valid, unchanged, for as long as any copy of
// the map holds the entry, or until CopyKey() takes a copy.
enum class KeyBytes : uint8_t { kCopy, kView };

template <typename V>
class PersistentMap {
 public:
  // 4,096 shards: at a million domains (several million names) a shard
  // holds about a thousand entries, cloned in well under a millisecond,
  // while the shard array stays small enough to copy on every reload.
  static constexpr int kShardBits = 12;
  static constexpr size_t kShards = size_t{1} << kShardBits;

  PersistentMap() : shards_(kShards), editor_(NextEditor()) {}
  // A copy shares every shard; the first write to a shard, by either map,
  // clones it.
  PersistentMap(const PersistentMap& other)
      : shards_(other.shards_), size_(other.size_), editor_(NextEditor()) {
    other.editor_ = NextEditor();
  }
  PersistentMap& operator=(const PersistentMap& other) {
    if (this != &other) {
      shards_ = other.shards_;
      size_ = other.size_;
      editor_ = NextEditor();
      other.editor_ = NextEditor();
    }
    return *this;
  }
  PersistentMap(PersistentMap&&) noexcept = default;
  PersistentMap& operator=(PersistentMap&&) noexcept = default;

  // ---- lookup (any thread, once published) ----

  const V* Find(absl::string_view key) const { return Find(Hash(key)); }

  // The same look-up in steps, for a batch of look-ups whose cache misses
  // should overlap: Hash() every key, PrefetchShardPointer() each (the
  // shard array is 64 KB: its line is rarely in cache), PrefetchShard()
  // each (it reads that pointer), then
  // PrefetchProbe() each (it reads the shard the step before fetched), then
  // PrefetchEntry() each (it reads the control bytes and slot the step
  // before fetched), then Find() each. Every prefetch step is optional;
  // Find(Hash(key)) == Find(key). The key's bytes must stay valid until
  // Find().
  struct Key {
    absl::string_view bytes;
    size_t hash;
    friend bool operator==(const Key& a, const Key& b) {
      return a.hash == b.hash && a.bytes == b.bytes;
    }
  };
  static Key Hash(absl::string_view bytes) { return Key{bytes, absl::HashOf(bytes)}; }
  // Fetches the shard's entry in the shard array.
  void PrefetchShardPointer(const Key& k) const { __builtin_prefetch(&shards_[ShardOf(k)]); }
  // Fetches the shard's header: a frozen shard's form and slots (32
  // octets, which may straddle two lines), or a hash table's header after
  // them.
  void PrefetchShard(const Key& k) const {
    const Shard* shard = shards_[ShardOf(k)].get();
    if (shard == nullptr) return;
    const char* header = reinterpret_cast<const char*>(shard);
    __builtin_prefetch(header);
    __builtin_prefetch(header + 63);
  }
  // Fetches the slots the probe for `k` starts at: a frozen shard's home
  // slot and the line after it, or a hash table's control bytes and first
  // slot (absl's own prefetch).
  void PrefetchProbe(const Key& k) const {
    const Shard* shard = shards_[ShardOf(k)].get();
    if (shard == nullptr) return;
    if (shard->frozen()) {
      const Entry* slot = shard->slots.data() + Home(InShard(k.hash), shard->capacity);
      const char* home = reinterpret_cast<const char*>(slot);
      __builtin_prefetch(home);
      __builtin_prefetch(home + 64);
      return;
    }
    shard->map.prefetch(k);
  }
  // Fetches the entry's value (all of it, `lines` cache lines) and its
  // key's bytes, once PrefetchProbe()'s lines have arrived: the probe
  // matches on the stored hash alone, so it reads no key bytes and stalls on
  // no miss the earlier steps did not start. In a map of pointers the
  // value is what the slot points at: the slot itself is the line the
  // probe just read. (A prefetch never faults, so a null one costs nothing.)
  void PrefetchEntry(const Key& k, int lines = 1) const {
    const Shard* shard = shards_[ShardOf(k)].get();
    if (shard == nullptr) return;
    const StoredKey* key;
    const V* found;
    if (shard->frozen()) {
      const Entry* entry = FrozenFind(*shard, InShard(k.hash), nullptr);
      if (entry == nullptr) return;
      key = &entry->first;
      found = &entry->second;
    } else {
      auto it = shard->map.find(HashOnly{k.hash});
      if (it == shard->map.end()) return;
      key = &it->first;
      found = &it->second;
    }
    __builtin_prefetch(key->data);
    const char* value;
    if constexpr (std::is_pointer_v<V>) {
      value = reinterpret_cast<const char*>(*found);
    } else {
      value = reinterpret_cast<const char*>(found);
    }
    for (int i = 0; i < lines; ++i) __builtin_prefetch(value + 64 * i);
  }
  // One of the four steps above, by name: a batch runs each step over all
  // of its keys before the next, whatever map each key is in.
  void Prefetch(PrefetchStep step, const Key& k, int lines = 1) const {
    switch (step) {
      case PrefetchStep::kShardPointer: return PrefetchShardPointer(k);
      case PrefetchStep::kShard: return PrefetchShard(k);
      case PrefetchStep::kProbe: return PrefetchProbe(k);
      case PrefetchStep::kEntry: return PrefetchEntry(k, lines);
    }
  }
  const V* Find(const Key& k) const {
    const Shard* shard = shards_[ShardOf(k)].get();
    if (shard == nullptr) return nullptr;
    if (shard->frozen()) {
      const Entry* entry = FrozenFind(*shard, InShard(k.hash), &k.bytes);
      return entry != nullptr ? &entry->second : nullptr;
    }
    auto it = shard->map.find(k);
    return it == shard->map.end() ? nullptr : &it->second;
  }
  bool contains(absl::string_view key) const { return Find(key) != nullptr; }
  size_t size() const { return size_; }
  // The slots its shards hold (a frozen shard's array, a hash table's
  // capacity), a shard shared with a copy counted in each: what Freeze
  // saves, for tests.
  size_t Slots() const {
    size_t slots = 0;
    for (const auto& shard : shards_) {
      if (shard != nullptr) slots += shard->frozen() ? shard->slots.size() : shard->map.capacity();
    }
    return slots;
  }
  bool empty() const { return size_ == 0; }

  // F(absl::string_view key, const V& value), in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& shard : shards_) {
      if (shard == nullptr) continue;
      ForEachEntry(*shard, [&f](const StoredKey& key, const V& value) { f(key.view(), value); });
    }
  }

  // ---- editing (one thread, before publishing) ----

  // The value at `key`, writable; null if there is none.
  V* Mutable(absl::string_view key) {
    Key k = Hashed(key);
    if (!Contains(k)) return nullptr;
    Shard& shard = Writable(ShardOf(k));
    if (shard.frozen()) return &OrderedFind(shard, k)->second;
    return &shard.map.find(k)->second;
  }

  // The value at `key`, default-constructed first if there is none; the
  // second member says whether it was inserted. The first member's key
  // view points at the bytes the map keys the entry by.
  struct Slot {
    absl::string_view key;
    V* value;
    bool inserted;
  };
  // A key already there keeps the bytes it has, whatever `bytes` says.
  Slot Insert(absl::string_view key, KeyBytes bytes = KeyBytes::kCopy) {
    Key k = Hashed(key);
    Shard& shard = Writable(ShardOf(k));
    if (shard.frozen()) {
      if (Entry* found = OrderedFind(shard, k)) return {found->first.view(), &found->second, false};
    } else if (auto it = shard.map.find(k); it != shard.map.end()) {
      return {it->first.view(), &it->second, false};
    }
    StoredKey stored = bytes == KeyBytes::kCopy ? StoredKey::Of(shard.keys.Copy(key), k.hash)
                                                : StoredKey::Viewing(key, k.hash);
    ++size_;
    if (shard.frozen()) {
      Entry& entry = OrderedInsert(shard, stored);
      return {entry.first.view(), &entry.second, true};
    }
    auto [it, inserted] = shard.map.try_emplace(stored);
    return {it->first.view(), &it->second, inserted};
  }

  // Makes the entry at `key` hold a copy of its key's bytes if it held a
  // view: for an entry that outlives what lent it the bytes. False if
  // there is no such entry.
  bool CopyKey(absl::string_view key) {
    Key k = Hashed(key);
    if (!Contains(k)) return false;
    Shard& shard = Writable(ShardOf(k));
    if (shard.frozen()) {
      Entry* entry = OrderedFind(shard, k);
      if (entry->first.viewed()) entry->first = StoredKey::Of(shard.keys.Copy(key), k.hash);
      return true;
    }
    auto it = shard.map.find(k);
    if (!it->first.viewed()) return true;
    // A key is const in its table: take the entry out to change it.
    auto entry = shard.map.extract(it);
    entry.key() = StoredKey::Of(shard.keys.Copy(key), k.hash);
    shard.map.insert(std::move(entry));
    return true;
  }

  // Removes `key`; false if it was not there.
  bool Erase(absl::string_view key) {
    Key k = Hashed(key);
    if (!Contains(k)) return false;
    Shard& shard = Writable(ShardOf(k));
    if (shard.frozen()) {
      OrderedErase(shard, OrderedFind(shard, k));
    } else {
      shard.map.erase(k);
    }
    --size_;
    return true;
  }

  // Rewrites every shard this map edited into the compact form look-ups
  // read (see the top of this file): for a map whose edits are done, before
  // it is published. Values move, so pointers into the map taken before do
  // not hold. A map never frozen answers the same, in more memory; so does
  // an edited frozen shard not laid out again, with longer runs.
  //
  // A freeze of a whole map (a table linked afresh) lets go of all its hash
  // tables, which the allocator keeps as free pages of their own size
  // classes, while the arrays it makes take new ones. `let_go`, if set, is
  // called after each sixteenth of the shards once half a sixteenth of the
  // entries, and kLetGoEntries or more, froze since the last call (so every
  // sixteenth, in a freeze of a whole large map), so that the caller can
  // give those pages back (dnsd/control/memory_release.h) before the next
  // sixteenth lands beside them, not under a reload's peak all at once.
  static constexpr size_t kLetGoEntries = 4096;
  void Freeze(const std::function<void()>& let_go = nullptr) {
    constexpr size_t kParts = 16;
    size_t frozen = 0;
    for (size_t i = 0; i < kShards; ++i) {
      std::shared_ptr<Shard>& shard = shards_[i];
      if (shard != nullptr && (!shard->frozen() || shard->moved)) {
        size_t count = shard->frozen() ? shard->count : shard->map.size();
        if (count == 0) {
          shard = nullptr;
        } else if (shard->frozen() && AtFrozenLoad(count, shard->capacity)) {
          shard->moved = false;  // laid out as Freeze would, give or take its capacity
        } else {
          frozen += count;
          FreezeShard(Writable(i));
        }
      }
      if (let_go && (i + 1) % (kShards / kParts) == 0 && frozen >= kLetGoEntries &&
          frozen * kParts * 2 >= size_) {
        let_go();
        frozen = 0;
      }
    }
  }

 private:
  // Key bytes, end to end in blocks that never move.
  class KeyArena {
   public:
    absl::string_view Copy(absl::string_view key) {
      if (key.size() > left_) {
        size_t size = std::max(next_block_, key.size());
        blocks_.push_back(std::make_unique<char[]>(size));
        next_ = blocks_.back().get();
        left_ = size;
        next_block_ = std::min<size_t>(next_block_ * 2, kMaxBlock);
      }
      char* at = next_;
      std::memcpy(at, key.data(), key.size());
      next_ += key.size();
      left_ -= key.size();
      return absl::string_view(at, key.size());
    }
    // Room for `bytes` more in one block (a clone knows its total).
    void Reserve(size_t bytes) {
      if (bytes > left_) {
        blocks_.push_back(std::make_unique<char[]>(bytes));
        next_ = blocks_.back().get();
        left_ = bytes;
      }
    }

   private:
    static constexpr size_t kMaxBlock = 16 * 1024;
    std::vector<std::unique_ptr<char[]>> blocks_;
    char* next_ = nullptr;
    size_t left_ = 0;
    size_t next_block_ = 256;
  };

  // Key (above) is a key with its hash, computed once per lookup: its top
  // bits choose the shard, and the shard's table uses its low 32 bits as
  // they are (hashing the name a second time cost the query path a few
  // percent). A shard holds a few thousand keys at most, so 32 bits place
  // them as well as 64 would.
  static uint32_t InShard(size_t hash) { return static_cast<uint32_t>(hash); }
  // A key as a shard's table keeps it: 16 octets, not a Key's 24, since
  // every slot of every table at a million domains holds one. The top bit
  // of `size_and_view` says whether the bytes are the caller's
  // (KeyBytes::kView), which a clone of the shard views too.
  struct StoredKey {
    static constexpr uint32_t kViewed = uint32_t{1} << 31;
    const char* data;
    uint32_t size_and_view;
    uint32_t hash;  // InShard() of the Key's
    static StoredKey Of(absl::string_view bytes, size_t hash) {
      return {bytes.data(), static_cast<uint32_t>(bytes.size()), InShard(hash)};
    }
    static StoredKey Viewing(absl::string_view bytes, size_t hash) {
      return {bytes.data(), static_cast<uint32_t>(bytes.size()) | kViewed, InShard(hash)};
    }
    uint32_t size() const { return size_and_view & ~kViewed; }
    bool viewed() const { return (size_and_view & kViewed) != 0; }
    absl::string_view view() const { return absl::string_view(data, size()); }
  };
  // A frozen shard's slot that holds no entry: a hash above every entry's
  // before it, and a size no key has.
  static constexpr StoredKey kNoKey{nullptr, uint32_t{1} << 30, UINT32_MAX};
  static bool IsNoKey(const StoredKey& k) {
    return k.data == nullptr && k.size_and_view == kNoKey.size_and_view;
  }
  // PrefetchEntry()'s look-up key: a hash, equal to every key with that
  // hash (for a prefetch, a collision costs nothing but the lines).
  struct HashOnly {
    size_t hash;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const StoredKey& k) const { return k.hash; }
    size_t operator()(const Key& k) const { return InShard(k.hash); }
    size_t operator()(HashOnly h) const { return InShard(h.hash); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(const StoredKey& a, const StoredKey& b) const {
      return a.hash == b.hash && a.view() == b.view();
    }
    bool operator()(const StoredKey& a, const Key& b) const {
      return a.hash == InShard(b.hash) && a.view() == b.bytes;
    }
    bool operator()(const Key& a, const StoredKey& b) const { return (*this)(b, a); }
    bool operator()(const StoredKey& a, HashOnly b) const { return a.hash == InShard(b.hash); }
    bool operator()(HashOnly a, const StoredKey& b) const { return (*this)(b, a); }
  };
  static Key Hashed(absl::string_view bytes) { return Hash(bytes); }

  using Entry = std::pair<StoredKey, V>;
  using Table = absl::flat_hash_map<StoredKey, V, KeyHash, KeyEq>;

  // A shard in one of two forms. Editing: `map`. Frozen: `slots`, ordered
  // linear probing. An entry whose InShard hash is h has its home slot at
  // Home(h, capacity), which grows with h, and the entries sit in order of
  // hash, each in its home slot or the first free one after it, with no
  // wrap-around (the array may run past `capacity`). So all of h's entries
  // lie in the run of filled slots from h's home slot on, and a look-up
  // stops at the first free slot or greater hash: a few consecutive slots
  // where the load is 3/4, found or not.
  struct Shard {
    // A frozen shard's look-up reads these, and nothing else of the shard:
    // first, in one line. A capacity is what says it is frozen (an edit
    // may empty it; Freeze then drops it).
    uint32_t capacity = 0;     // frozen: the home slots are [0, capacity)
    uint32_t count = 0;        // frozen: the entries
    std::vector<Entry> slots;  // frozen: kNoKey in the free ones
    bool frozen() const { return capacity != 0; }
    uint64_t editor = 0;       // the map that may still write it
    // Frozen, and an edit inserted or erased since its layout: Freeze looks
    // at its load again.
    bool moved = false;
    Table map;  // a shard filled from nothing, until frozen
    KeyArena keys;
  };

  static size_t Home(uint32_t hash, uint32_t capacity) {
    return static_cast<size_t>((uint64_t{hash} * capacity) >> 32);
  }
  // The entry of a frozen shard with this hash and these bytes; with no
  // bytes, the first with this hash.
  static const Entry* FrozenFind(const Shard& shard, uint32_t hash,
                                 const absl::string_view* bytes) {
    const Entry* slot = shard.slots.data() + Home(hash, shard.capacity);
    const Entry* end = shard.slots.data() + shard.slots.size();
    for (; slot != end && slot->first.hash <= hash; ++slot) {
      if (slot->first.hash != hash || IsNoKey(slot->first)) continue;
      if (bytes == nullptr || slot->first.view() == *bytes) return slot;
    }
    return nullptr;
  }
  // F(const StoredKey&, const V&) for each entry, in either form.
  template <typename F>
  static void ForEachEntry(const Shard& shard, F&& f) {
    if (shard.frozen()) {
      for (const auto& [key, value] : shard.slots) {
        if (!IsNoKey(key)) f(key, value);
      }
    } else {
      for (const auto& [key, value] : shard.map) f(key, value);
    }
  }
  // Lays `in_order` (entries in order of hash) out as `shard`'s array,
  // with `capacity` home slots (none fewer than the entries): each entry in
  // its home slot, or the next after the entry before; the array ends at
  // the last entry's slot if that is past `capacity`.
  static void LayOut(Shard& shard, std::vector<Entry>& in_order, size_t capacity) {
    auto home_slots = static_cast<uint32_t>(std::max(capacity, in_order.size() + 1));
    size_t end = 0;
    for (const Entry& e : in_order) end = std::max(end, Home(e.first.hash, home_slots)) + 1;
    std::vector<Entry> slots;
    slots.reserve(std::max<size_t>(home_slots, end));
    for (Entry& e : in_order) {
      size_t home = Home(e.first.hash, home_slots);
      while (slots.size() < home) slots.emplace_back(kNoKey, V{});
      slots.push_back(std::move(e));
    }
    while (slots.size() < home_slots) slots.emplace_back(kNoKey, V{});
    shard.count = static_cast<uint32_t>(in_order.size());
    std::vector<Entry>().swap(in_order);
    shard.slots = std::move(slots);
    shard.capacity = home_slots;
    shard.moved = false;
  }
  // An array shard's entries, moved out in order of hash, with room for
  // `extra` more: what LayOut takes.
  static std::vector<Entry> TakeInOrder(Shard& shard, size_t extra) {
    std::vector<Entry> in_order;
    in_order.reserve(shard.count + extra);
    for (Entry& e : shard.slots) {
      if (!IsNoKey(e.first)) in_order.push_back(std::move(e));
    }
    return in_order;
  }
  // The home slots a frozen shard of `n` entries has: a load of 3/4.
  static size_t FrozenCapacity(size_t n) { return n + n / 3 + 1; }
  // Whether an edited array holds `count` entries in `capacity` home
  // slots at about a frozen shard's load (5/8 to 7/8), and so needs no new
  // layout: an edit keeps the one a freeze makes (each entry in its home
  // slot or the next after the entry before), so a reload that replaces a
  // shard's entries by as many (a domain compiled again) leaves it as
  // Freeze would have, and copies nothing more.
  static bool AtFrozenLoad(size_t count, size_t capacity) {
    return count * 8 >= capacity * 5 && count * 8 <= capacity * 7;
  }
  // A shard this map edited, hash table or moved array, in the frozen form
  // look-ups read: its entries in order of hash, each moved once.
  static void FreezeShard(Shard& shard) {
    std::vector<Entry> in_order;
    if (shard.frozen()) {
      in_order = TakeInOrder(shard, 0);
    } else {
      using Item = typename Table::value_type;  // the key const, the value moved out
      std::vector<Item*> order;
      order.reserve(shard.map.size());
      for (Item& item : shard.map) order.push_back(&item);
      std::sort(order.begin(), order.end(),
                [](const Item* a, const Item* b) { return a->first.hash < b->first.hash; });
      in_order.reserve(order.size());
      for (Item* e : order) in_order.emplace_back(e->first, std::move(e->second));
      order = {};
      Table().swap(shard.map);
    }
    LayOut(shard, in_order, FrozenCapacity(in_order.size()));
  }

  // Edits of a frozen shard in place. The array stays in order of hash,
  // each entry at or after its home slot, with no free slot between an
  // entry and its home: what FrozenFind relies on.
  static Entry* OrderedFind(Shard& shard, const Key& k) {
    return const_cast<Entry*>(FrozenFind(shard, InShard(k.hash), &k.bytes));
  }
  // Puts `key` (not in the shard) after every entry of a hash at most its
  // own, moving the entries from there to the next free slot up by one.
  // More than 7/8 of the home slots full: laid out first at a load of 1/2,
  // so that runs stay short however much a reload adds.
  static Entry& OrderedInsert(Shard& shard, const StoredKey& key) {
    if ((shard.count + 1) * size_t{8} > shard.capacity * size_t{7}) {
      std::vector<Entry> in_order = TakeInOrder(shard, 1);
      LayOut(shard, in_order, 2 * (shard.count + 1));
    }
    std::vector<Entry>& slots = shard.slots;
    size_t at = Home(key.hash, shard.capacity);
    while (at < slots.size() && !IsNoKey(slots[at].first) && slots[at].first.hash <= key.hash) {
      ++at;
    }
    size_t free = at;
    while (free < slots.size() && !IsNoKey(slots[free].first)) ++free;
    if (free == slots.size()) {
      // The run reaches the end of the array: a slot more. A clone's array
      // is sized to the shard it copied, and a vector would double it.
      if (slots.size() == slots.capacity()) slots.reserve(slots.size() + slots.size() / 16 + 1);
      slots.emplace_back(kNoKey, V{});
    }
    for (size_t i = free; i > at; --i) slots[i] = std::move(slots[i - 1]);
    slots[at] = Entry(key, V{});
    ++shard.count;
    shard.moved = true;
    return slots[at];
  }
  // Frees `entry`'s slot, and moves each entry after it down by one while
  // that entry is past its home slot (backward-shift deletion), so no free
  // slot comes between an entry and its home.
  static void OrderedErase(Shard& shard, Entry* entry) {
    std::vector<Entry>& slots = shard.slots;
    size_t next = static_cast<size_t>(entry - slots.data()) + 1;
    while (next < slots.size() && !IsNoKey(slots[next].first) &&
           Home(slots[next].first.hash, shard.capacity) < next) {
      slots[next - 1] = std::move(slots[next]);
      ++next;
    }
    slots[next - 1] = Entry(kNoKey, V{});
    while (slots.size() > shard.capacity && IsNoKey(slots.back().first)) slots.pop_back();
    --shard.count;
    shard.moved = true;
  }

  static size_t ShardOf(const Key& key) { return key.hash >> (64 - kShardBits); }

  // Looked up without cloning the shard: an edit of a missing key copies nothing.
  bool Contains(const Key& k) const { return Find(k) != nullptr; }

  static uint64_t NextEditor() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }

  // The shard, cloned first unless this map made it since it was copied:
  // a frozen shard as a copy of its array, a hash table as a hash table.
  Shard& Writable(size_t i) {
    std::shared_ptr<Shard>& shard = shards_[i];
    if (shard != nullptr && shard->editor == editor_) return *shard;
    auto clone = std::make_shared<Shard>();
    clone->editor = editor_;
    if (shard != nullptr) {
      size_t bytes = 0;
      size_t count = 0;
      ForEachEntry(*shard, [&](const StoredKey& key, const V&) {
        bytes += key.viewed() ? 0 : key.size();
        ++count;
      });
      clone->keys.Reserve(bytes);
      auto copy_key = [&clone](const StoredKey& key) {
        StoredKey copy = key;
        if (!key.viewed() && !IsNoKey(key)) copy.data = clone->keys.Copy(key.view()).data();
        return copy;
      };
      if (shard->frozen()) {
        clone->slots.reserve(shard->slots.size());
        for (const auto& [key, value] : shard->slots) {
          clone->slots.emplace_back(copy_key(key), value);
        }
        clone->capacity = shard->capacity;
        clone->count = static_cast<uint32_t>(count);
        clone->moved = shard->moved;
      } else {
        clone->map.reserve(count + 1);
        ForEachEntry(*shard, [&](const StoredKey& key, const V& value) {
          clone->map.emplace(copy_key(key), value);
        });
      }
    }
    shard = std::move(clone);
    return *shard;
  }

  // A shard is written only by the map that made it, and only until that
  // map is copied (both then get new editors), so a shard reachable from
  // two maps is never modified.
  std::vector<std::shared_ptr<Shard>> shards_;
  size_t size_ = 0;
  mutable uint64_t editor_ = 0;
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_BASE_PERSISTENT_MAP_H_
