// A domain's schedule as `dnsd check` and `dnsd records` print it: every
// instant at which its records change by themselves, earliest first, with
// the ones already passed and the next one marked.
#ifndef DNSD_CLI_TIMELINE_TEXT_H_
#define DNSD_CLI_TIMELINE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/timeline.h"

namespace dnsd::cli {

// One line per change, each starting with `prefix`; "" when `d` has no
// schedule.
std::string TimelineText(const config::DomainConfig& d, config::UtcSeconds now,
                         absl::string_view prefix);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_TIMELINE_TEXT_H_
