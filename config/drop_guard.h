// The guard against a bad push: a configuration that serves no domain at
// all (a missing, unreadable or empty domains folder: a failed rsync, a bad
// checkout, an unmounted volume), or that would stop serving more than a
// set share of the domains being served, is not published. The running
// snapshot stays; `dnsd serve` does not start on it.
//
// An operator lets such a change through on purpose with `dnsd allow-drop`,
// which writes the digest of the exact set of domains it allows next to the
// server file (`<server file>.allow-drop`). The guard lets that set, and
// only that set, through: a marker left behind never lets another drop
// pass. Plain functions; thread-compatible.
#ifndef DNSD_CONFIG_DROP_GUARD_H_
#define DNSD_CONFIG_DROP_GUARD_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "config/domain_changes.h"
#include "config/domain_list.h"
#include "config/model.h"

namespace dnsd::config {

// The domains of `domains`, by name, as one digest.
uint64_t DomainSetDigest(const DomainList& domains);

// `<server file>.allow-drop`.
std::string AllowDropPath(const std::string& server_file);
// The digest the marker allows, if there is a marker that reads.
std::optional<uint64_t> ReadAllowDrop(const std::string& server_file);
// Writes the marker for `domains` (atomically: a temporary file renamed).
absl::Status WriteAllowDrop(const std::string& server_file, const DomainList& domains);

// Whether `next` may replace `served` (null: nothing is served yet, at
// start or in `dnsd check`). FailedPrecondition says why not. `delta`, if
// given, is how `next` differs from `served`: nothing is compared then.
absl::Status CheckDrop(const DomainVersions* served, const DomainList& next,
                       const GuardSettings& settings, const std::string& server_file,
                       const DomainDelta* delta = nullptr);
absl::Status CheckDrop(const DomainList* served, const DomainList& next,
                       const GuardSettings& settings, const std::string& server_file);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DROP_GUARD_H_
