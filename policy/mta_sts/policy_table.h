// The policies dnsd serves over HTTP (RFC 8461 §3.2), by domain: part of
// the immutable snapshot (config/snapshot.h), so the policy a sender fetches
// and the id it read from _mta-sts.<domain> come from one compile, and no
// reload can show a sender an id from one and a policy from another.
//
// Built once per snapshot by the MTA-STS family's Link step; read-only
// afterwards, so any thread inside a snapshot read section may look up.
// The policies themselves belong to the compiled domains the snapshot holds.
#ifndef DNSD_POLICY_MTA_STS_POLICY_TABLE_H_
#define DNSD_POLICY_MTA_STS_POLICY_TABLE_H_

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace dnsd::mta_sts {

// One domain's policy file, rendered once per compile of the domain.
struct ServedPolicy {
  std::string text;  // PolicyText: CRLF lines, as the sender receives it
  std::string id;    // PolicyId of the same policy: the TXT record's id
};

class PolicyTable {
 public:
  // `domain`: lower case, no trailing dot (config/model.h normalises so).
  void Add(std::string domain, const ServedPolicy* policy) {
    by_domain_.insert_or_assign(std::move(domain), policy);
  }
  // The policy of `domain` (lower case, no trailing dot), or null.
  const ServedPolicy* Find(absl::string_view domain) const {
    auto it = by_domain_.find(domain);
    return it != by_domain_.end() ? it->second : nullptr;
  }
  size_t size() const { return by_domain_.size(); }

 private:
  absl::flat_hash_map<std::string, const ServedPolicy*> by_domain_;
};

}  // namespace dnsd::mta_sts

#endif  // DNSD_POLICY_MTA_STS_POLICY_TABLE_H_
