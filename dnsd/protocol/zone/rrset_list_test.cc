#include "dnsd/protocol/zone/rrset_list.h"

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// RRsets of types 1..n, so that Erase can name each.
std::vector<RRset> MakeRRsets(int n) {
  std::vector<RRset> all;
  for (int i = 1; i <= n; ++i) all.push_back(RRsetBuilder(static_cast<uint16_t>(i), 300).Build());
  return all;
}

TEST(RRsetListTest, ANodeIsTwoWords) {
  EXPECT_EQ(sizeof(RRsetList), sizeof(void*));
  EXPECT_EQ(sizeof(Node), 2 * sizeof(void*));
}

// The apex flag shares the zone's word: setting either keeps the other.
TEST(RRsetListTest, ANodeKeepsItsZoneAndApexFlagApart) {
  Zone a, b;
  Node node;
  EXPECT_EQ(node.zone(), nullptr);
  EXPECT_FALSE(node.apex());
  node.set_zone(&a);
  node.set_apex(true);
  EXPECT_EQ(node.zone(), &a);
  EXPECT_TRUE(node.apex());
  node.set_zone(&b);
  EXPECT_EQ(node.zone(), &b);
  EXPECT_TRUE(node.apex());
  node.set_apex(false);
  EXPECT_EQ(node.zone(), &b);
  EXPECT_FALSE(node.apex());
}

TEST(RRsetListTest, HoldsNoneOneAndMany) {
  std::vector<RRset> r = MakeRRsets(4);
  RRsetList list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.begin(), list.end());
  list.push_back(&r[0]);
  EXPECT_THAT(list, ElementsAre(&r[0]));
  EXPECT_EQ(list.front(), &r[0]);
  list.push_back(&r[1]);
  list.push_back(&r[2]);
  EXPECT_THAT(list, ElementsAre(&r[0], &r[1], &r[2]));
  EXPECT_EQ(list.front(), &r[0]);
}

TEST(RRsetListTest, ErasesByTypeFromEveryPosition) {
  std::vector<RRset> r = MakeRRsets(4);
  for (int n = 1; n <= 4; ++n) {
    for (int at = 0; at < n; ++at) {
      RRsetList list;
      std::vector<const RRset*> want;
      for (int i = 0; i < n; ++i) {
        list.push_back(&r[i]);
        if (i != at) want.push_back(&r[i]);
      }
      EXPECT_FALSE(list.Erase(99));
      EXPECT_TRUE(list.Erase(r[at].type)) << n << " " << at;
      EXPECT_THAT(list, ElementsAreArray(want)) << n << " " << at;
      EXPECT_FALSE(list.Erase(r[at].type));
    }
  }
}

// A zone table's fork copies nodes: the copy must not share a block the
// original then edits (or frees).
TEST(RRsetListTest, ACopyIsIndependent) {
  std::vector<RRset> r = MakeRRsets(3);
  RRsetList a;
  a.push_back(&r[0]);
  a.push_back(&r[1]);
  RRsetList b = a;
  a.push_back(&r[2]);
  EXPECT_TRUE(b.Erase(r[0].type));
  EXPECT_THAT(a, ElementsAre(&r[0], &r[1], &r[2]));
  EXPECT_THAT(b, ElementsAre(&r[1]));
  RRsetList c;
  c = a;
  a = b;
  EXPECT_THAT(a, ElementsAre(&r[1]));
  EXPECT_THAT(c, ElementsAre(&r[0], &r[1], &r[2]));
  RRsetList d = std::move(c);
  EXPECT_THAT(d, ElementsAre(&r[0], &r[1], &r[2]));
  EXPECT_THAT(c, IsEmpty());  // NOLINT(bugprone-use-after-move): moved-from is empty
  d = std::move(a);
  EXPECT_THAT(d, ElementsAre(&r[1]));
}

// Random pushes and erases against a vector of the same RRsets.
TEST(RRsetListTest, MatchesAVectorOnRandomEdits) {
  std::vector<RRset> r = MakeRRsets(6);
  std::mt19937 random(17);
  RRsetList list;
  std::vector<const RRset*> want;
  for (int step = 0; step < 2000; ++step) {
    const RRset* pick = &r[random() % r.size()];
    auto it = std::find(want.begin(), want.end(), pick);
    if (it == want.end()) {
      list.push_back(pick);
      want.push_back(pick);
    } else {
      EXPECT_TRUE(list.Erase(pick->type));
      want.erase(it);
    }
    ASSERT_THAT(list, ElementsAreArray(want)) << step;
    if (step % 7 == 0) list = RRsetList(list);
  }
}

}  // namespace
}  // namespace dnsd
