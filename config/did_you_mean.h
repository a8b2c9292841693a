// "Did you mean ...?" hints for misspelt keys, values and sender ids.
//
// A typo in a configuration file should cost the operator one glance, not a
// trip to the documentation: when an unknown word is within two edits of a
// known one, the diagnostic names the known one.
#ifndef DNSD_CONFIG_DID_YOU_MEAN_H_
#define DNSD_CONFIG_DID_YOU_MEAN_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace dnsd::config {

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance, ASCII
// case-insensitive: insertions, deletions, substitutions and swaps of two
// adjacent characters cost 1 each.
int EditDistance(absl::string_view a, absl::string_view b);

// The candidate closest to `word` if it is at most two edits away and close
// for its length: fewer edits than its length, and at most one edit per
// three characters (one for short words), so 'x' does not suggest 'p' nor
// 'sha512' 'sha1'. Ties go to the earlier candidate.
std::optional<absl::string_view> ClosestMatch(
    absl::string_view word, absl::Span<const absl::string_view> candidates);

// "; did you mean 'x'?" for the closest match, or "" when there is none.
std::string DidYouMean(absl::string_view word,
                       absl::Span<const absl::string_view> candidates);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DID_YOU_MEAN_H_
