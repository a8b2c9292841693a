// SharedText: a diagnostic's text, held once however many say it.
#include "config/diagnostic.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

// Texts no other test holds, so that the table's count is this test's.
std::string Unique(absl::string_view what, int i = 0) {
  return absl::StrCat("SharedTextTest: ", what, " ", i);
}

TEST(SharedTextTest, EqualTextsAreOneEntryUntilNothingSaysThem) {
  const size_t before = SharedText::Distinct();
  {
    SharedText a(Unique("ri is historic"));
    SharedText b(std::string(Unique("ri is historic")));  // made apart
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.str().data(), b.str().data());  // the same characters
    EXPECT_EQ(SharedText::Distinct(), before + 1);
    SharedText c(Unique("pct is historic"));
    EXPECT_FALSE(a == c);
    EXPECT_EQ(SharedText::Distinct(), before + 2);
    EXPECT_EQ(a, Unique("ri is historic"));
    EXPECT_EQ(a.size(), Unique("ri is historic").size());
    a = c;  // the old text is still b's
    EXPECT_EQ(SharedText::Distinct(), before + 2);
    b = SharedText();  // and now nobody's
    EXPECT_EQ(SharedText::Distinct(), before + 1);
  }
  EXPECT_EQ(SharedText::Distinct(), before);
}

TEST(SharedTextTest, EmptyMovedAndAppended) {
  const size_t before = SharedText::Distinct();
  SharedText none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none, "");
  EXPECT_TRUE(SharedText("").empty());
  EXPECT_EQ(SharedText::Distinct(), before);

  SharedText text(Unique("sender"));
  SharedText moved = std::move(text);
  EXPECT_EQ(moved, Unique("sender"));
  moved += "; did you mean 'x'?";
  EXPECT_EQ(moved, absl::StrCat(Unique("sender"), "; did you mean 'x'?"));
  EXPECT_EQ(SharedText::Distinct(), before + 1);  // the shorter one is gone
  EXPECT_EQ(std::string(moved), moved.str());
}

// Threads make and drop the same few texts at once, as a load's readers
// do: a text whose last holder lets go while another thread makes it anew
// is freed once, and the table forgets it once nothing holds it. (Under
// AddressSanitizer a freed entry read or freed twice fails the test.)
TEST(SharedTextTest, ThreadsMakeAndDropTheSameTexts) {
  const size_t before = SharedText::Distinct();
  constexpr int kThreads = 4, kRounds = 20000, kTexts = 3;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      std::vector<SharedText> held;
      for (int i = 0; i < kRounds; ++i) {
        SharedText text(Unique("shared", (i + t) % kTexts));
        if (i % 7 == 0) held.push_back(text);
        if (held.size() > 5) held.erase(held.begin());
        EXPECT_EQ(text, Unique("shared", (i + t) % kTexts));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(SharedText::Distinct(), before);
}

TEST(SharedTextTest, ADiagnosticIsThirtyTwoOctets) {
  EXPECT_EQ(sizeof(SharedText), sizeof(void*));
  EXPECT_EQ(sizeof(Diagnostic), 32u);
}

// A view with no characters may have no data pointer either (a reader
// that failed gives one): both kinds of text take it as empty, without
// copying from it (the sanitizer build checks).
TEST(SharedTextTest, AViewWithNoDataIsEmpty) {
  EXPECT_EQ(SharedText(absl::string_view()).str(), "");
  EXPECT_TRUE(FileName(absl::string_view()).empty());
}

}  // namespace
}  // namespace dnsd::config
