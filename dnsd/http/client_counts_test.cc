#include "dnsd/http/client_counts.h"

#include "gtest/gtest.h"

namespace dnsd::http {
namespace {

TEST(ClientCountsTest, CapsEachAddressAndForgetsClosedOnes) {
  ClientCounts counts(2);
  ClientAddress a{};
  ClientAddress b{};
  b[15] = 1;
  EXPECT_TRUE(counts.TryAdd(a));
  EXPECT_TRUE(counts.TryAdd(a));
  EXPECT_FALSE(counts.TryAdd(a));
  EXPECT_TRUE(counts.TryAdd(b));
  counts.Remove(a);
  EXPECT_TRUE(counts.TryAdd(a));
  counts.Remove(a);
  counts.Remove(a);
  counts.Remove(b);
  EXPECT_EQ(counts.clients(), 0u);
}

TEST(ClientCountsTest, ALimitOfZeroKeepsNoEntry) {
  ClientCounts counts(0);
  EXPECT_FALSE(counts.TryAdd(ClientAddress{}));
  EXPECT_EQ(counts.clients(), 0u);
}

}  // namespace
}  // namespace dnsd::http
