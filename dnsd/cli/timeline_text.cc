#include "dnsd/cli/timeline_text.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/family.h"

namespace dnsd::cli {

std::string TimelineText(const config::DomainConfig& d, config::UtcSeconds now,
                         absl::string_view prefix) {
  std::vector<config::ScheduledChange> timeline = config::TimelineOf(d);
  std::stable_sort(timeline.begin(), timeline.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  std::optional<config::UtcSeconds> next = config::PhaseAt(timeline, now).next;
  std::string out;
  for (const config::ScheduledChange& change : timeline) {
    const char* mark = change.at <= now ? "done" : (change.at == next ? "next" : "");
    absl::StrAppend(&out, prefix, config::FormatUtc(change.at), "  ", change.what,
                    *mark != '\0' ? absl::StrCat("  (", mark, ")") : "", "\n");
  }
  return out;
}

}  // namespace dnsd::cli
