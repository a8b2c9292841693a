// The compiled SPF policy of a snapshot: what the answer rules read.
//
// Domains by wire name, the senders of the catalog, one prefix trie for
// every sender's ranges, the HELO index, and the answers that never change
// per query, pre-rendered. Immutable once built; read by all workers
// without locks.
//
// A domain's policy is compiled with the domain; the map of policies is
// persistent (dnsd/protocol/base/persistent_map.h), so a reload changes
// only the entries of the domains that changed. Senders are known by
// numbers that stay the same from one compile to the next
// (config::SenderNumbers), so a domain compiled once keeps pointing at its
// senders when the catalog changes around them.
#ifndef DNSD_POLICY_SPF_MACRO_ZONE_H_
#define DNSD_POLICY_SPF_MACRO_ZONE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/base/persistent_map.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/spf/helo_index.h"
#include "policy/spf/prefix_trie.h"
#include "policy/spf/template.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::spf {

struct SenderPolicy {
  std::string id;                       // empty: no such sender in this catalog
  std::string include;                  // the sender's SPF include domain
  bool answer_by_include = false;       // answer mode `include` (else `ip`)
  const RRset* include_answer = nullptr;  // "v=spf1 include:<include> ~all"
  // The ranges the _nspf chains write for it (refreshed, else the
  // catalog's seed): once here, not once in every domain's chain.
  std::vector<IpPrefix> ranges;
};

// The terms rule's terms, a domain's own. Few domains have any: a pointer
// here, not a vector's 24 octets in every domain's policy, which took the
// policy a size class up.
class PolicyTerms {
 public:
  bool empty() const { return list_ == nullptr; }
  size_t size() const { return list_ != nullptr ? list_->size() : 0; }
  const TermTemplate* begin() const { return list_ != nullptr ? list_->data() : nullptr; }
  const TermTemplate* end() const { return begin() + size(); }
  operator absl::Span<const TermTemplate>() const { return {begin(), size()}; }
  void push_back(TermTemplate term) {
    if (list_ == nullptr) list_ = std::make_unique<std::vector<TermTemplate>>();
    list_->push_back(std::move(term));
  }

 private:
  std::unique_ptr<std::vector<TermTemplate>> list_;
};

struct DomainPolicy {
  // Text, for explain, metrics and the truncated rule's answer: the
  // compiled domain's own name, which lives as long as every table that
  // holds this policy (as the domain's other records do), not a copy per
  // table.
  absl::string_view name;
  bool blocked = false;
  bool include_subdomains = false;
  bool fail_all = false;                // `all: fail`
  // The parts of its _nspf chain (nspf_chain.h), counted at compile; 0
  // when too long: <domain>._nspf answers "v=spf1 ?all".
  uint8_t nspf_parts = 0;
  // Sender numbers, in the order the domain names them: the _nspf chain
  // writes their ranges in that order. Two octets each (a catalog numbers
  // dozens; the compile refuses a number past 65,535): eight of them fit
  // in the policy itself.
  absl::InlinedVector<uint16_t, 8> senders;
  // Rule 3: a domain has a few, checked directly (the first two in the
  // policy itself), not through a trie of every domain's.
  absl::InlinedVector<IpPrefix, 2> netblocks;
  PolicyTerms terms;
};
// Every domain has one, held by its compiled domain with a vtable pointer
// before it: 112 octets is the allocator's class below 128, and two cache
// lines for the batch to fetch (rule 7's answer is the zone's, MacroZone::
// Fallback, not a pointer here).
static_assert(sizeof(DomainPolicy) <= 104);

constexpr uint32_t kMaxSenderNumber = UINT16_MAX;

struct MacroZone {
  Template tmpl;
  std::string zone;                     // the SPF zone apex, wire form
  std::string zone_text;                // and as text, for the _nspf chains
  uint8_t zone_labels = 0;
  std::string nspf;                     // _nspf.<zone>, wire form
  uint8_t nspf_labels = 0;
  // The truncated rule's answer after the domain's name:
  // "._nspf.<zone> ~all" (FlattenedRdata). Rendered per query rather than
  // kept per domain: the rule is rare, and the record cost every domain
  // its own RRset.
  std::string flattened_suffix;

  std::vector<SenderPolicy> senders;    // by sender number
  // By wire name: the compiled domain's own policy, which outlives every
  // table that holds it (as the domain's records do). A copy in the slot saved
  // one dependent cache miss a query, but cost every table slot a policy
  // (152 octets, and its heap) at a million domains; the batch fetches
  // the policy ahead instead (PersistentMap::PrefetchEntry).
  using DomainMap = PersistentMap<const DomainPolicy*>;
  DomainMap domains;
  PrefixTrie sender_ranges;             // ids: sender numbers
  HeloIndex helo;                       // ids: sender numbers

  const RRset* unknown_domain = nullptr;  // rule 1: "v=spf1 ?all"
  const RRset* blocked = nullptr;         // rule 2: "v=spf1 -all"
  const RRset* softfail = nullptr;        // "v=spf1 ~all"

  // Rule 7's answer for `d`: "v=spf1 ~all", or "-all" with `all: fail`.
  const RRset* Fallback(const DomainPolicy& d) const { return d.fail_all ? blocked : softfail; }
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_MACRO_ZONE_H_
