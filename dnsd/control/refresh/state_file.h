// The catalog refresher's last good ranges on disk, so that a restart
// without network, or during a vendor's DNS outage, serves the same answers
// (config/README.md, "Catalog refresh").
//
// One YAML file, <state_dir>/catalog-ranges.yaml, written by dnsd only:
//
//   version: 1
//   senders:
//     office365:
//       include: spf.protection.outlook.com
//       refreshed: 1767225600        # Unix seconds of the last good refresh
//       ttl: 3600                    # the smallest TTL that refresh saw
//       prefixes: [40.92.0.0/15, "2a01:111:f400::/48"]
//
// It is replaced atomically (temporary file, fsync, rename, fsync of the
// folder), so a crash leaves the old file or the new one, never half of one.
// Functions only; no shared state.
#ifndef DNSD_CONTROL_REFRESH_STATE_FILE_H_
#define DNSD_CONTROL_REFRESH_STATE_FILE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::refresh {

struct PersistedSender {
  std::string include;             // the name the prefixes were resolved from
  std::vector<IpPrefix> prefixes;  // never empty
  int64_t refreshed_unix = 0;
  uint32_t ttl = 0;
};

using PersistedRanges = std::map<std::string, PersistedSender>;  // by sender id

std::string StateFilePath(const std::string& state_dir);

// A missing file is an empty set. A file that cannot be read or is not what
// WriteStateFile writes is an error; nothing of it is used, since a file
// that is wrong in one place may be wrong in others.
absl::StatusOr<PersistedRanges> ReadStateFile(const std::string& path);

// Creates the folder if needed (mode 0750), then replaces `path` atomically.
absl::Status WriteStateFile(const std::string& path, const PersistedRanges& ranges);

// The text WriteStateFile writes; ParseState reads it back. `name` is for
// messages.
std::string FormatState(const PersistedRanges& ranges);
absl::StatusOr<PersistedRanges> ParseState(const std::string& text, const std::string& name);

}  // namespace dnsd::refresh

#endif  // DNSD_CONTROL_REFRESH_STATE_FILE_H_
