// The persistent map against a plain map on random edit sequences: every
// copy keeps answering as it did when it was made, whatever its copies do.
#include "dnsd/protocol/base/persistent_map.h"

#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

using Map = PersistentMap<int>;
using Model = std::map<std::string, int>;

void ExpectSame(const Map& map, const Model& model) {
  ASSERT_EQ(map.size(), model.size());
  for (const auto& [key, value] : model) {
    const int* found = map.Find(key);
    ASSERT_NE(found, nullptr) << key;
    EXPECT_EQ(*found, value) << key;
  }
  size_t seen = 0;
  map.ForEach([&](absl::string_view key, int value) {
    ++seen;
    auto it = model.find(std::string(key));
    ASSERT_NE(it, model.end()) << key;
    EXPECT_EQ(it->second, value);
  });
  EXPECT_EQ(seen, model.size());
}

TEST(PersistentMapTest, InsertFindErase) {
  Map map;
  EXPECT_EQ(map.Find("a"), nullptr);
  Map::Slot slot = map.Insert("a");
  EXPECT_TRUE(slot.inserted);
  EXPECT_EQ(slot.key, "a");
  *slot.value = 7;
  EXPECT_FALSE(map.Insert("a").inserted);
  ASSERT_NE(map.Find("a"), nullptr);
  EXPECT_EQ(*map.Find("a"), 7);
  *map.Mutable("a") = 8;
  EXPECT_EQ(*map.Find("a"), 8);
  EXPECT_EQ(map.Mutable("b"), nullptr);
  EXPECT_TRUE(map.Erase("a"));
  EXPECT_FALSE(map.Erase("a"));
  EXPECT_TRUE(map.empty());
}

// The key is the map's own copy: the caller's buffer may change.
TEST(PersistentMapTest, KeysAreCopied) {
  Map map;
  std::string key = "\x03www\x07" "example\x00";
  *map.Insert(key).value = 1;
  key[1] = 'x';
  EXPECT_EQ(map.Find(key), nullptr);
  key[1] = 'w';
  EXPECT_NE(map.Find(key), nullptr);
}

// A viewed key is the caller's bytes, in the map and in every clone of
// its shard; CopyKey() makes it the map's own, and only in that map.
TEST(PersistentMapTest, ViewedKeysStayTheCallersUntilCopied) {
  std::string lender = "\x03www\x07" "example\x00";
  const std::string name = lender;
  Map map;
  Map::Slot slot = map.Insert(lender, KeyBytes::kView);
  *slot.value = 1;
  EXPECT_EQ(slot.key.data(), lender.data());
  EXPECT_FALSE(map.Insert(name).inserted);  // already there: still a view
  // Clone every shard (each copy's first write to a shard clones it).
  Map copy = map;
  for (int i = 0; i < 20000; ++i) *copy.Insert(absl::StrCat("k", i)).value = i;
  auto data_of = [&](const Map& m) {
    const char* data = nullptr;
    m.ForEach([&](absl::string_view key, int) {
      if (key == name) data = key.data();
    });
    return data;
  };
  EXPECT_EQ(data_of(copy), lender.data());
  EXPECT_TRUE(copy.CopyKey(name));
  EXPECT_TRUE(copy.CopyKey(name));  // a copy already
  EXPECT_FALSE(copy.CopyKey("\x07missing\x00"));
  EXPECT_NE(data_of(copy), lender.data());
  EXPECT_EQ(data_of(map), lender.data());  // the map it was copied from still views
  ASSERT_NE(copy.Find(name), nullptr);
  EXPECT_EQ(*copy.Find(name), 1);
  // The lender's bytes change: the copy no longer depends on them.
  map = Map();
  lender.assign(lender.size(), 'x');
  ASSERT_NE(copy.Find(name), nullptr);
  EXPECT_EQ(*copy.Find(name), 1);
  EXPECT_EQ(copy.Find(lender), nullptr);
  EXPECT_EQ(copy.size(), 20001u);
}

TEST(PersistentMapTest, CopiesNeverSeeEachOthersEdits) {
  Map a;
  for (int i = 0; i < 1000; ++i) *a.Insert(absl::StrCat("k", i)).value = i;
  Map b = a;
  *b.Mutable("k1") = -1;
  b.Erase("k2");
  *b.Insert("new").value = 5;
  EXPECT_EQ(*a.Find("k1"), 1);
  EXPECT_NE(a.Find("k2"), nullptr);
  EXPECT_EQ(a.Find("new"), nullptr);
  // The original, written after the copy, does not write shards it shares.
  *a.Mutable("k3") = -3;
  a.Erase("k4");
  EXPECT_EQ(*b.Find("k3"), 3);
  EXPECT_NE(b.Find("k4"), nullptr);
  EXPECT_EQ(a.size(), 999u);
  EXPECT_EQ(b.size(), 1000u);
}

// One random edit of `map`, and the same of `model`: an insert (its key
// viewed in `lenders`, which never move, or copied), an erase, a key
// copied, a value changed in place or a look-up; with `freeze`, now and
// then a Freeze of the map.
void RandomEdit(std::mt19937& rng, Map& map, Model& model, std::deque<std::string>& lenders,
                bool freeze, unsigned keys = 3000) {
  std::string key = absl::StrCat("\x04name", rng() % keys, "\x07example");
  int value = static_cast<int>(rng() % 1000);
  switch (rng() % 7) {
    case 0:
      lenders.push_back(key);
      *map.Insert(lenders.back(), KeyBytes::kView).value = value;
      model[key] = value;
      break;
    case 1:
      *map.Insert(key).value = value;
      model[key] = value;
      break;
    case 2:
      EXPECT_EQ(map.Erase(key), model.erase(key) == 1);
      break;
    case 3:
      EXPECT_EQ(map.CopyKey(key), model.count(key) == 1);
      break;
    case 4:
      if (int* found = map.Mutable(key); found != nullptr) {
        *found = value;
        model[key] = value;
      } else {
        EXPECT_EQ(model.count(key), 0u);
      }
      break;
    case 5: {
      const int* found = map.Find(key);
      auto it = model.find(key);
      ASSERT_EQ(found != nullptr, it != model.end()) << key;
      if (found != nullptr) {
        EXPECT_EQ(*found, it->second);
      }
      break;
    }
    case 6:
      if (freeze && rng() % 50 == 0) map.Freeze();
      break;
  }
}

// Random edits on a chain of copies, keys copied and viewed, each map
// checked against a std::map snapshot taken when it was made, after all
// later copies were edited. Once the last copy has copied every key, it no
// longer needs the lenders' bytes at all.
TEST(PersistentMapTest, RandomEditsOnAChainOfCopies) {
  std::mt19937 rng(7);
  std::deque<std::string> lenders;
  std::vector<Map> maps(1);
  std::vector<Model> models(1);
  for (int generation = 0; generation < 20; ++generation) {
    maps.push_back(maps.back());
    models.push_back(models.back());
    for (int e = 0; e < (generation == 0 ? 6000 : 400); ++e) {
      RandomEdit(rng, maps.back(), models.back(), lenders, /*freeze=*/false);
    }
  }
  for (size_t i = 0; i < maps.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSame(maps[i], models[i]);
  }
  Map last = maps.back();
  maps.clear();
  for (const auto& [key, value] : models.back()) ASSERT_TRUE(last.CopyKey(key));
  for (std::string& lender : lenders) lender.assign(lender.size(), '?');
  ExpectSame(last, models.back());
}

// Freezing at random points of random edits, on a chain of copies: a
// frozen shard answers as the table it was, an edit of a frozen shard
// moves entries in its array (in place when this map made it, in a clone
// when a copy shares it), and a copy of a map that was never frozen, frozen itself,
// leaves the original's shards alone.
TEST(PersistentMapTest, FreezingChangesNoAnswer) {
  std::mt19937 rng(11);
  std::deque<std::string> lenders;
  std::vector<Map> maps(1);
  std::vector<Model> models(1);
  for (int generation = 0; generation < 30; ++generation) {
    maps.push_back(maps.back());
    models.push_back(models.back());
    Map& map = maps.back();
    int edits = generation == 0 ? 6000 : static_cast<int>(rng() % 400);
    for (int e = 0; e < edits; ++e) RandomEdit(rng, map, models.back(), lenders, /*freeze=*/true);
    // Most generations are frozen before the next copies them, as a
    // published snapshot's tables are; some are not.
    if (rng() % 4 != 0) map.Freeze();
    ExpectSame(map, models.back());
  }
  for (size_t i = 0; i < maps.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectSame(maps[i], models[i]);
    maps[i].Freeze();
    ExpectSame(maps[i], models[i]);
  }
  // Everything erased: every shard goes.
  Map& last = maps.back();
  for (const auto& [key, value] : models.back()) ASSERT_TRUE(last.Erase(key));
  last.Freeze();
  ExpectSame(last, Model());
  EXPECT_EQ(last.Slots(), 0u);
}

// A frozen shard edited stays an array: a copy of a frozen map, edited
// everywhere (as a reload that changes one domain in eight touches every
// shard), holds about the slots its entries need, not the hash tables'
// 8/7 to 16/7, while its runs move under inserts and erases (fifty keys a
// shard here, so runs meet); and the original never changes.
TEST(PersistentMapTest, EditsOfFrozenShardsKeepTheArrays) {
  std::mt19937 rng(13);
  std::deque<std::string> lenders;
  Map base;
  Model base_model;
  for (int i = 0; i < 200000; ++i) {
    std::string key = absl::StrCat("\x04name", i, "\x07example");
    *base.Insert(key).value = i;
    base_model[key] = i;
  }
  base.Freeze();
  size_t frozen_slots = base.Slots();
  Map map = base;
  Model model = base_model;
  for (int round = 0; round < 4; ++round) {
    for (int e = 0; e < 40000; ++e) {
      RandomEdit(rng, map, model, lenders, /*freeze=*/false, /*keys=*/260000);
    }
    ExpectSame(map, model);
    // Arrays of 3/4 load and their inserts, relaid at 1/2 when 7/8 full:
    // never a hash table's room.
    EXPECT_LE(map.Slots(), 2 * model.size() + 2 * Map::kShards) << round;
  }
  ExpectSame(base, base_model);
  EXPECT_EQ(base.Slots(), frozen_slots);
  // Frozen again, every shard is at a frozen shard's load (5/8 to 7/8):
  // laid out afresh where the edits moved it out of that.
  map.Freeze();
  ExpectSame(map, model);
  EXPECT_LE(map.Slots(), model.size() * 8 / 5 + Map::kShards + model.size() / 50);
  // Erased to nothing, shard by shard in place: every shard goes.
  Map emptied = map;
  for (const auto& [key, value] : model) ASSERT_TRUE(emptied.Erase(key));
  ExpectSame(emptied, Model());
  emptied.Freeze();
  EXPECT_EQ(emptied.Slots(), 0u);
  ExpectSame(map, model);
}

// What Freeze is for: about 4/3 of a slot a key, where the hash tables it
// replaces hold 8/7 to 16/7 (at most 7/8 full, doubling).
TEST(PersistentMapTest, FreezingCompactsTheTables) {
  for (int count : {1, 1000, 30000, 200000}) {
    SCOPED_TRACE(count);
    Map map;
    for (int i = 0; i < count; ++i) *map.Insert(absl::StrCat("\x03key", i)).value = i;
    size_t before = map.Slots();
    map.Freeze();
    size_t after = map.Slots();
    EXPECT_GE(after, static_cast<size_t>(count));
    // n + n/3 + 1 home slots per shard, and a run may spill past them.
    EXPECT_LE(after, count + count / 3 + Map::kShards + count / 50) << before;
    // Only the shards the edit touched are cloned; the map still answers.
    Map copy = map;
    *copy.Insert("\x03new").value = -1;
    EXPECT_EQ(*copy.Find("\x03new"), -1);
    EXPECT_EQ(map.Find("\x03new"), nullptr);
    copy.Freeze();
    EXPECT_EQ(*copy.Find("\x03key0"), 0);
    EXPECT_LT(copy.Slots(), after + 64);
  }
}

// A freeze of a whole large map calls `let_go` as it goes, once per
// sixteenth of the shards; a freeze of the few shards a small edit touched
// never does, nor one of a small map.
TEST(PersistentMapTest, AWholeFreezeLetsGoAsItGoes) {
  Map map;
  for (int i = 0; i < 100000; ++i) *map.Insert(absl::StrCat("\x03key", i)).value = i;
  int calls = 0;
  size_t frozen_at_first_call = 0;
  map.Freeze([&] {
    if (++calls == 1) frozen_at_first_call = map.Slots();
  });
  EXPECT_EQ(calls, 16);
  // The first call comes before the map is all frozen: its slots then are
  // a sixteenth's arrays and fifteen sixteenths' hash tables, more than
  // the frozen map's.
  EXPECT_GT(frozen_at_first_call, map.Slots());
  Map copy = map;
  for (int i = 0; i < 100; ++i) *copy.Insert(absl::StrCat("\x03new", i)).value = i;
  calls = 0;
  copy.Freeze([&] { ++calls; });
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(*copy.Find("\x03new99"), 99);
  EXPECT_EQ(*copy.Find("\x03key99999"), 99999);
  Map small;
  for (int i = 0; i < 4000; ++i) *small.Insert(absl::StrCat("\x03key", i)).value = i;
  small.Freeze([&] { ++calls; });
  EXPECT_EQ(calls, 0);
}

// The look-up in steps (hash, prefetch the shard, the probe, the entry; find),
// as a batch does it, finds what the one-call look-up finds: on random maps,
// for keys present, erased and never inserted, and on a copy that edited
// some of the shards.
TEST(PersistentMapTest, LookupInSteps) {
  std::mt19937 rng(17);
  for (int round = 0; round < 20; ++round) {
    Map map;
    Model model;
    std::vector<std::string> keys;
    int count = std::uniform_int_distribution<int>(0, 3000)(rng);
    for (int i = 0; i < count; ++i) {
      std::string key = absl::StrCat("\x05k", rng() % 100000, "\x04test");
      keys.push_back(key);
      int value = static_cast<int>(rng() % 1000);
      *map.Insert(key).value = value;
      model[key] = value;
    }
    for (int i = 0; i < count / 4; ++i) {
      const std::string& key = keys[rng() % keys.size()];
      map.Erase(key);
      model.erase(key);
    }
    Map copy = map;
    for (int i = 0; i < count / 8; ++i) *copy.Insert(absl::StrCat("new", i)).value = i;
    // Frozen, and frozen then partly edited (some shards hash tables again).
    Map frozen = map;
    frozen.Freeze();
    Map thawed = frozen;
    for (int i = 0; i < count / 8; ++i) *thawed.Insert(absl::StrCat("new", i)).value = i;
    for (int i = 0; i < 200; ++i) keys.push_back(absl::StrCat("missing", rng()));
    keys.push_back("");
    for (const Map* m : {&map, &copy, &frozen, &thawed}) {
      // A batch of keys, each step over all of them before the next.
      std::vector<Map::Key> hashed;
      for (const std::string& key : keys) hashed.push_back(Map::Hash(key));
      for (PrefetchStep step : {PrefetchStep::kShardPointer, PrefetchStep::kShard,
                                PrefetchStep::kProbe, PrefetchStep::kEntry}) {
        for (const Map::Key& k : hashed) m->Prefetch(step, k, 2);
      }
      for (size_t i = 0; i < keys.size(); ++i) {
        ASSERT_EQ(m->Find(hashed[i]), m->Find(keys[i])) << keys[i];
      }
    }
    // And both are the model's answer, present or missing.
    for (const Map* m : {&map, &frozen}) {
      for (const std::string& key : keys) {
        const int* found = m->Find(Map::Hash(key));
        auto it = model.find(key);
        ASSERT_EQ(found != nullptr, it != model.end()) << key;
        if (found != nullptr) {
          EXPECT_EQ(*found, it->second);
        }
      }
    }
  }
}

// A map of pointers fetches the pointee at kEntry; missing keys and a null
// value change nothing of the answers, frozen or not.
TEST(PersistentMapTest, LookupInStepsThroughPointers) {
  using Map = PersistentMap<const int*>;
  std::vector<int> values(500);
  Map map;
  for (int i = 0; i < 500; ++i) {
    values[i] = i;
    *map.Insert(absl::StrCat("\x03key", i)).value = i == 7 ? nullptr : &values[i];
  }
  Map frozen = map;
  frozen.Freeze();
  std::vector<std::string> keys;  // a Key views its bytes: they must outlive it
  for (int i = 0; i < 600; ++i) keys.push_back(absl::StrCat("\x03key", i));
  std::vector<Map::Key> hashed;
  for (const std::string& key : keys) hashed.push_back(Map::Hash(key));
  for (const Map* m : {&map, &frozen}) {
    for (PrefetchStep step : {PrefetchStep::kShardPointer, PrefetchStep::kShard,
                              PrefetchStep::kProbe, PrefetchStep::kEntry}) {
      for (const Map::Key& k : hashed) m->Prefetch(step, k, 3);
    }
    for (int i = 0; i < 600; ++i) {
      const int* const* found = m->Find(hashed[i]);
      if (i >= 500) {
        EXPECT_EQ(found, nullptr);
      } else if (i == 7) {
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(*found, nullptr);
      } else {
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(**found, i);
      }
    }
  }
}

}  // namespace
}  // namespace dnsd
