#include "config/chunked_list.h"

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

struct Item {
  std::string key;
  int value;
};
struct KeyOf {
  const std::string& operator()(const Item& i) const { return i.key; }
};
using List = ChunkedList<Item, KeyOf>;

std::vector<std::pair<std::string, int>> Contents(const List& list) {
  std::vector<std::pair<std::string, int>> out;
  for (const Item& i : list) out.emplace_back(i.key, i.value);
  return out;
}

std::vector<std::pair<std::string, int>> Contents(const std::map<std::string, int>& map) {
  return {map.begin(), map.end()};
}

TEST(ChunkedListTest, BuiltInOrderThenFoundAndIndexed) {
  List list;
  for (int i = 0; i < 2000; ++i) list.push_back({absl::StrCat("k", 10000 + i), i});
  ASSERT_EQ(list.size(), 2000u);
  EXPECT_EQ(list[0].value, 0);
  EXPECT_EQ(list[777].value, 777);
  EXPECT_EQ(list[1999].value, 1999);
  ASSERT_NE(list.Find("k10513"), nullptr);
  EXPECT_EQ(list.Find("k10513")->value, 513);
  EXPECT_EQ(list.Find("k0"), nullptr);
  EXPECT_EQ(list.Find("k99999"), nullptr);
  EXPECT_EQ(List().Find("k1"), nullptr);
  EXPECT_TRUE(List().empty());
}

// Random edits on a chain of copies, each against a std::map: a copy never
// sees what is done to another, whichever is edited first.
TEST(ChunkedListTest, CopiesShareButNeverSeeEachOthersEdits) {
  std::mt19937 rng(17);
  std::vector<List> lists(1);
  std::vector<std::map<std::string, int>> maps(1);
  for (int round = 0; round < 12; ++round) {
    lists.push_back(lists.back());
    maps.push_back(maps.back());
    for (int edit = 0; edit < 3000; ++edit) {
      size_t which = rng() % lists.size();
      std::string key = absl::StrCat("d", rng() % 5000);
      int value = static_cast<int>(rng() % 1000);
      if (rng() % 3 == 0) {
        EXPECT_EQ(lists[which].Erase(key), maps[which].erase(key) > 0);
      } else {
        lists[which].Set({key, value});
        maps[which][key] = value;
      }
    }
    for (size_t i = 0; i < lists.size(); ++i) {
      SCOPED_TRACE(i);
      ASSERT_EQ(Contents(lists[i]), Contents(maps[i]));
      ASSERT_EQ(lists[i].size(), maps[i].size());
      size_t n = 0;
      for (const auto& [key, value] : maps[i]) {
        ASSERT_EQ(lists[i][n++].key, key);
        const Item* found = lists[i].Find(key);
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(found->value, value);
      }
    }
  }
}

TEST(ChunkedListTest, ErasingEverythingLeavesAnEmptyList) {
  List list;
  for (int i = 0; i < 1000; ++i) list.push_back({absl::StrCat("k", 1000 + i), i});
  List copy = list;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(list.Erase(absl::StrCat("k", 1000 + i)));
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_FALSE(list.Erase("k1000"));
  EXPECT_EQ(copy.size(), 1000u);
  list.Set({"a", 1});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].key, "a");
}

}  // namespace
}  // namespace dnsd::config
