#include "config/sealed_lists.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

// Counts the live objects, so that a test sees every element destroyed once.
struct Counted {
  explicit Counted(int* live) : live(live) { ++*live; }
  Counted(Counted&& other) noexcept : live(other.live) { ++*live; }
  ~Counted() { --*live; }
  int* live;
};

TEST(SealedListsTest, KeepsEachListInOrderAndTheBytesAfter) {
  std::vector<std::string> words{"one", "two", std::string(100, 'x')};
  std::vector<uint8_t> small{1, 2, 3};  // leaves the next list misaligned but for padding
  std::vector<uint64_t> wide{7, 8};
  std::vector<std::unique_ptr<int>> owned;
  owned.push_back(std::make_unique<int>(5));
  SealedLists<std::string, uint8_t, uint64_t, std::unique_ptr<int>> lists(
      std::move(words), std::move(small), std::move(wide), std::move(owned), 5);
  EXPECT_TRUE(words.empty() && small.empty() && wide.empty() && owned.empty());
  ASSERT_EQ(lists.get<0>().size(), 3u);
  EXPECT_EQ(lists.get<0>()[0], "one");
  EXPECT_EQ(lists.get<0>()[2], std::string(100, 'x'));
  EXPECT_EQ(std::vector<uint8_t>(lists.get<1>().begin(), lists.get<1>().end()),
            (std::vector<uint8_t>{1, 2, 3}));
  ASSERT_EQ(lists.get<2>().size(), 2u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(lists.get<2>().data()) % alignof(uint64_t), 0u);
  EXPECT_EQ(lists.get<2>()[1], 8u);
  EXPECT_EQ(*lists.get<3>()[0], 5);
  ASSERT_EQ(lists.bytes_size(), 5u);
  std::memcpy(lists.bytes(), "hello", 5);
  // The bytes follow the last list: writing them touched no element.
  EXPECT_EQ(lists.get<2>()[1], 8u);
  EXPECT_EQ(*lists.get<3>()[0], 5);
  EXPECT_EQ(std::string(lists.bytes(), 5), "hello");
}

TEST(SealedListsTest, NothingToKeepAllocatesNothing) {
  SealedLists<int, std::string> lists(std::vector<int>{}, std::vector<std::string>{}, 0);
  EXPECT_TRUE(lists.get<0>().empty());
  EXPECT_TRUE(lists.get<1>().empty());
  EXPECT_EQ(lists.bytes(), nullptr);
  EXPECT_EQ(lists.bytes_size(), 0u);
  static_assert(sizeof(lists) == sizeof(void*));
  // Bytes alone are kept.
  SealedLists<int, std::string> bytes(std::vector<int>{}, std::vector<std::string>{}, 3);
  EXPECT_TRUE(bytes.get<1>().empty());
  ASSERT_NE(bytes.bytes(), nullptr);
  EXPECT_EQ(bytes.bytes_size(), 3u);
}

TEST(SealedListsTest, DestroysEveryElementOnceWhereverItMoved) {
  int live = 0;
  {
    std::vector<Counted> a, b;
    for (int i = 0; i < 3; ++i) a.emplace_back(&live);
    b.emplace_back(&live);
    SealedLists<Counted, Counted> lists(std::move(a), std::move(b), 0);
    EXPECT_EQ(live, 4);
    SealedLists<Counted, Counted> moved(std::move(lists));
    EXPECT_TRUE(lists.get<0>().empty());
    SealedLists<Counted, Counted> assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.get<0>().size(), 3u);
    EXPECT_EQ(assigned.get<1>().size(), 1u);
    EXPECT_EQ(live, 4);
  }
  EXPECT_EQ(live, 0);
}

}  // namespace
}  // namespace dnsd::config
