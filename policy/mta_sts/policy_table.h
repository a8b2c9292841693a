// The policies dnsd serves over HTTP (RFC 8461 §3.2), by domain: part of
// the immutable snapshot (config/snapshot.h), so the policy a sender fetches
// and the id it read from _mta-sts.<domain> come from one compile, and no
// reload can show a sender an id from one and a policy from another.
//
// Built by the MTA-STS family's LinkPart step, one domain at a time; a
// reload starts from the table before it and changes only what changed
// (copy-on-write shards). Read-only once published, so any thread inside a
// snapshot read section may look up. The policies themselves belong to the
// compiled domains the snapshot holds.
#ifndef DNSD_POLICY_MTA_STS_POLICY_TABLE_H_
#define DNSD_POLICY_MTA_STS_POLICY_TABLE_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/base/persistent_map.h"

namespace dnsd::mta_sts {

// One domain's policy file, rendered once per compile of the domain.
struct ServedPolicy {
  std::string text;  // PolicyText: CRLF lines, as the sender receives it
  std::string id;    // PolicyId of the same policy: the TXT record's id
};

class PolicyTable {
 public:
  // `domain`: lower case, no trailing dot (config/model.h normalises so).
  void Add(absl::string_view domain, const ServedPolicy* policy) {
    *by_domain_.Insert(domain).value = policy;
  }
  void Remove(absl::string_view domain) { by_domain_.Erase(domain); }
  // Once built, before it is published (PersistentMap::Freeze).
  void Freeze(const std::function<void()>& let_go = nullptr) { by_domain_.Freeze(let_go); }
  // The policy of `domain` (lower case, no trailing dot), or null.
  const ServedPolicy* Find(absl::string_view domain) const {
    const ServedPolicy* const* policy = by_domain_.Find(domain);
    return policy != nullptr ? *policy : nullptr;
  }
  size_t size() const { return by_domain_.size(); }
  template <typename F>  // F(absl::string_view domain, const ServedPolicy*)
  void ForEach(F&& f) const {
    by_domain_.ForEach(f);
  }

 private:
  PersistentMap<const ServedPolicy*> by_domain_;
};

}  // namespace dnsd::mta_sts

#endif  // DNSD_POLICY_MTA_STS_POLICY_TABLE_H_
