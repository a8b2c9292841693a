#include "config/timeline.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dnsd::config {

UtcSeconds NowUtc() { return absl::ToUnixSeconds(absl::Now()); }

std::string FormatUtc(UtcSeconds t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t), absl::UTCTimeZone());
}

absl::StatusOr<UtcSeconds> ParseUtc(absl::string_view text) {
  absl::string_view rest = text;
  if (absl::ConsumeSuffix(&rest, "Z") || absl::ConsumeSuffix(&rest, "z") ||
      absl::ConsumeSuffix(&rest, "+00:00")) {
    absl::Time t;
    std::string error;
    // %E*S takes optional fractional seconds; a schedule keeps whole ones.
    if (absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", std::string(rest), absl::UTCTimeZone(), &t,
                        &error) ||
        absl::ParseTime("%Y-%m-%dt%H:%M:%E*S", std::string(rest), absl::UTCTimeZone(), &t,
                        &error)) {
      if (t != absl::FromUnixSeconds(absl::ToUnixSeconds(t))) {
        return absl::InvalidArgumentError("has a fraction of a second; give whole seconds");
      }
      return absl::ToUnixSeconds(t);
    }
  } else if (text.size() > 6 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
             text[text.size() - 3] == ':' && (absl::StrContains(text, "T") || absl::StrContains(text, "t"))) {
    return absl::InvalidArgumentError(
        "is not in UTC; write the same instant with a Z offset, such as 2026-12-10T09:00:00Z");
  }
  return absl::InvalidArgumentError(
      "is not an RFC 3339 time in UTC, such as 2026-12-10T09:00:00Z");
}

absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text) {
  static constexpr struct {
    char unit;
    int64_t seconds;
  } kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
  const absl::Status bad = absl::InvalidArgumentError(
      "is not a duration; write a number and a unit (d, h, m, s), such as 7d or 36h");
  if (text.empty()) return bad;
  int64_t total = 0;
  size_t unit_index = 0;  // units must come largest first, each at most once
  while (!text.empty()) {
    size_t digits = 0;
    while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
    if (digits == 0 || digits == text.size() || digits > 9) return bad;
    int64_t number = 0;
    if (!absl::SimpleAtoi(text.substr(0, digits), &number)) return bad;
    char unit = absl::ascii_tolower(text[digits]);
    while (unit_index < std::size(kUnits) && kUnits[unit_index].unit != unit) ++unit_index;
    if (unit_index == std::size(kUnits)) return bad;
    total += number * kUnits[unit_index++].seconds;
    text.remove_prefix(digits + 1);
  }
  return total;
}

Phase PhaseAt(absl::Span<const ScheduledChange> timeline, UtcSeconds now) {
  Phase phase;
  for (const ScheduledChange& change : timeline) {
    if (change.at <= now) {
      ++phase.passed;
    } else if (!phase.next || change.at < *phase.next) {
      phase.next = change.at;
    }
  }
  return phase;
}

}  // namespace dnsd::config
