// Sender ranges that the catalog refresher (dnsd/control/refresh/) resolved from the
// senders' SPF includes: an input to compiling, beside the configuration.
//
// Which ranges win (config/README.md, "Catalog refresh"): a sender's
// refreshed ranges replace its catalog seed ranges, but only while they were
// resolved from the include the catalog names now; otherwise, and for a
// sender never refreshed, the seed ranges are used.
//
// Plain data; the compile step only reads it.
#ifndef DNSD_CONFIG_REFRESHED_RANGES_H_
#define DNSD_CONFIG_REFRESHED_RANGES_H_

#include <map>
#include <string>
#include <vector>

#include "config/model.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::config {

struct RefreshedSender {
  std::string include;             // the name the ranges were resolved from
  std::vector<IpPrefix> prefixes;  // sorted, no duplicates, never empty
};

struct RefreshedRanges {
  std::map<std::string, RefreshedSender> senders;  // by sender id
};

// The ranges `sender` is answered with. `refreshed` may be null.
const std::vector<IpPrefix>& RangesInUse(const Sender& sender, const RefreshedRanges* refreshed);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_REFRESHED_RANGES_H_
