#include "config/did_you_mean.h"

#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

TEST(EditDistanceTest, CountsInsertDeleteSubstituteAndSwap) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("include", "include"), 0);
  EXPECT_EQ(EditDistance("incldue", "include"), 1);       // swap
  EXPECT_EQ(EditDistance("offce365", "office365"), 1);    // insert
  EXPECT_EQ(EditDistance("officee365", "office365"), 1);  // delete
  EXPECT_EQ(EditDistance("offixe365", "office365"), 1);   // substitute
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("Office365", "office365"), 0);  // case-insensitive
}

constexpr absl::string_view kKeys[] = {"domain", "mode",  "include_subdomains",
                                       "spf",    "dmarc", "dkim"};

TEST(DidYouMeanTest, SuggestsTheClosestKnownWord) {
  EXPECT_EQ(DidYouMean("incldue_subdomains", kKeys),
            "; did you mean 'include_subdomains'?");
  EXPECT_EQ(DidYouMean("dmrac", kKeys), "; did you mean 'dmarc'?");
  EXPECT_EQ(DidYouMean("Mode", kKeys), "; did you mean 'mode'?");
}

TEST(DidYouMeanTest, StaysQuietWhenNothingIsClose) {
  EXPECT_EQ(DidYouMean("resolver", kKeys), "");
  EXPECT_EQ(DidYouMean("", kKeys), "");
  EXPECT_EQ(DidYouMean(std::string(10000, 'x'), kKeys), "");
  constexpr absl::string_view kShort[] = {"p", "t"};
  EXPECT_EQ(DidYouMean("x", kShort), "");  // one edit, but the whole word
  constexpr absl::string_view kHashes[] = {"sha256", "sha1"};
  EXPECT_EQ(DidYouMean("sha512", kHashes), "");  // two edits in four letters
  EXPECT_EQ(DidYouMean("sha265", kHashes), "; did you mean 'sha256'?");
}

TEST(DidYouMeanTest, TiesGoToTheEarlierCandidate) {
  constexpr absl::string_view kTags[] = {"sp", "np"};
  EXPECT_EQ(ClosestMatch("xp", kTags), "sp");
}

}  // namespace
}  // namespace dnsd::config
