#include "dnsd/protocol/zone/record_bytes.h"

#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace dnsd {
namespace {

// An owning copy is its own: changing or freeing the source changes
// nothing, and a copy of it is another copy.
TEST(RecordBytesTest, OwnedOctetsAreItsOwn) {
  std::string source("\x00\x10\x00\x01record", 10);
  RecordBytes owned(source);
  source.assign(source.size(), 'x');
  EXPECT_FALSE(owned.viewed());
  EXPECT_EQ(owned.view(), absl::string_view("\x00\x10\x00\x01record", 10));
  RecordBytes copy(owned);
  EXPECT_NE(copy.data(), owned.data());
  EXPECT_EQ(copy, owned);
  RecordBytes moved(std::move(copy));
  EXPECT_EQ(moved, owned);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved from is empty
}

// A view is of the caller's octets, and so is a copy of it.
TEST(RecordBytesTest, AViewAndItsCopiesSeeTheCallersOctets) {
  std::string held = "held elsewhere";
  RecordBytes view = RecordBytes::Viewing(held);
  RecordBytes copy = view;
  EXPECT_TRUE(view.viewed());
  EXPECT_TRUE(copy.viewed());
  EXPECT_EQ(view.data(), held.data());
  EXPECT_EQ(copy.data(), held.data());
  held[0] = 'H';
  EXPECT_EQ(copy, absl::string_view("Held elsewhere"));
  // Assigned an owning copy, it owns.
  copy = RecordBytes(absl::string_view("own"));
  EXPECT_FALSE(copy.viewed());
  EXPECT_EQ(copy, absl::string_view("own"));
}

TEST(RecordBytesTest, EmptyAllocatesNothing) {
  RecordBytes empty{absl::string_view()};
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.data(), nullptr);
  EXPECT_EQ(RecordBytes(empty).size(), 0u);
}

}  // namespace
}  // namespace dnsd
