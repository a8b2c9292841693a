// Records that change on a schedule (a DKIM key rotation, a DMARC roll-out
// step): the instants at which a domain's records change by themselves,
// with no edit and no reload.
//
// Time enters a compile as one number, `now` (seconds since the epoch, UTC),
// and a family's records are a function of its section and `now` alone. So
// two name servers loaded with the same files serve the same records, and
// the same serials, at the same second. A domain's phase (how many of its
// instants have passed) is part of what the compile cache keys on: a domain
// is compiled again when it passes one of its instants, and at no other
// time.
#ifndef DNSD_CONFIG_TIMELINE_H_
#define DNSD_CONFIG_TIMELINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace dnsd::config {

// Seconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX).
using UtcSeconds = int64_t;

// One instant at which a domain's records change, and what changes then
// ("dkim: selector s2026 published").
struct ScheduledChange {
  UtcSeconds at = 0;
  std::string what;
};

// The current time, whole seconds.
UtcSeconds NowUtc();

// RFC 3339 in UTC, to the second: "2026-12-10T09:00:00Z".
std::string FormatUtc(UtcSeconds t);

// An RFC 3339 time with a "Z" or "+00:00" offset. Other offsets are refused:
// a schedule every name server reads alike is written in one time zone.
absl::StatusOr<UtcSeconds> ParseUtc(absl::string_view text);

// A duration: "7d", "36h", "90m", "30s" or a sum of them ("1d12h").
absl::StatusOr<int64_t> ParseDurationSeconds(absl::string_view text);

// Where `now` stands on a timeline (in any order).
struct Phase {
  uint32_t passed = 0;               // instants at or before now
  std::optional<UtcSeconds> next;    // the first instant after now
};
Phase PhaseAt(absl::Span<const ScheduledChange> timeline, UtcSeconds now);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_TIMELINE_H_
