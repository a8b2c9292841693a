#include "config/did_you_mean.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dnsd::config {

namespace {

constexpr int kMaxEdits = 2;
// Longer words are not typos of a key; this also bounds the quadratic cost.
constexpr size_t kMaxWordLength = 128;

bool SameChar(char a, char b) {
  return absl::ascii_tolower(static_cast<unsigned char>(a)) ==
         absl::ascii_tolower(static_cast<unsigned char>(b));
}

}  // namespace

int EditDistance(absl::string_view a, absl::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Rows i-2, i-1 and i of the dynamic-programming table.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      int cost = SameChar(a[i - 1], b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && SameChar(a[i - 1], b[j - 2]) &&
          SameChar(a[i - 2], b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[m];
}

std::optional<absl::string_view> ClosestMatch(
    absl::string_view word, absl::Span<const absl::string_view> candidates) {
  if (word.size() > kMaxWordLength) return std::nullopt;
  std::optional<absl::string_view> best;
  int best_distance = kMaxEdits + 1;
  for (absl::string_view candidate : candidates) {
    size_t gap = candidate.size() > word.size()
                     ? candidate.size() - word.size()
                     : word.size() - candidate.size();
    if (gap > kMaxEdits || candidate.size() > kMaxWordLength) continue;
    int d = EditDistance(word, candidate);
    // Short words need proportionally close matches: 'sha512' is two edits
    // from 'sha1' but no typo of it.
    int size = static_cast<int>(candidate.size());
    if (d < best_distance && d < size && d <= std::max(1, size / 3)) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string DidYouMean(absl::string_view word,
                       absl::Span<const absl::string_view> candidates) {
  std::optional<absl::string_view> match = ClosestMatch(word, candidates);
  if (!match) return "";
  return absl::StrCat("; did you mean '", *match, "'?");
}

}  // namespace dnsd::config
