#include "config/refreshed_ranges.h"

namespace dnsd::config {

const std::vector<IpPrefix>& RangesInUse(const Sender& sender, const RefreshedRanges* refreshed) {
  if (refreshed != nullptr) {
    auto it = refreshed->senders.find(sender.id);
    // Ranges of an include the catalog no longer names say nothing about
    // the sender any more.
    if (it != refreshed->senders.end() && it->second.include == sender.include &&
        !it->second.prefixes.empty()) {
      return it->second.prefixes;
    }
  }
  return sender.ranges.prefixes;
}

}  // namespace dnsd::config
