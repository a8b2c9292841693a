// HELO patterns of the catalog's senders, for "which sender's servers call
// themselves this": "mail.example.net" matches itself, "*.example.net"
// every name strictly below example.net. A lookup probes one hash per label
// of the HELO, whatever the number of patterns.
//
// Built once; Lookup is read-only and thread-safe.
#ifndef DNSD_POLICY_SPF_HELO_INDEX_H_
#define DNSD_POLICY_SPF_HELO_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dnsd::spf {

class HeloIndex {
 public:
  // `pattern` is text: "mail.example.net" or "*.example.net".
  absl::Status Add(absl::string_view pattern, uint32_t id);

  // `labels` is the HELO in wire form without the root label (length-
  // prefixed labels back to back, as it stands inside the query name).
  // Calls visit(id) for each matching pattern's id; stops if it returns true.
  template <typename F>
  bool Lookup(absl::string_view labels, F&& visit) const {
    for (size_t at = 0; at < labels.size(); at += static_cast<uint8_t>(labels[at]) + 1) {
      auto it = map_.find(labels.substr(at));
      if (it == map_.end()) continue;
      const Entry& e = it->second;
      for (uint32_t id : at == 0 ? e.exact : e.below) {
        if (visit(id)) return true;
      }
    }
    return false;
  }

 private:
  struct Entry {
    absl::InlinedVector<uint32_t, 2> exact;  // the name itself
    absl::InlinedVector<uint32_t, 2> below;  // "*." patterns
  };
  absl::flat_hash_map<std::string, Entry> map_;
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_HELO_INDEX_H_
