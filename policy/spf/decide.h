// The answer rules of the SPF macro zone (policy/spf/README.md, rules 1-8):
// from a query name under the SPF zone to what the answer should say.
//
// Pure and allocation-free: the name is matched against the template, the
// best reading is chosen (the one whose domain is configured, complete
// before truncated), and the first rule that applies wins.
#ifndef DNSD_POLICY_SPF_DECIDE_H_
#define DNSD_POLICY_SPF_DECIDE_H_

#include <cstdint>

#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/guess_domain.h"
#include "policy/spf/query_name.h"
#include "policy/spf/macro_zone.h"

namespace dnsd::spf {

enum class Rule : uint8_t {
  kNotAMacroName = 0,  // an ancestor of macro names, or noise: NODATA
  kUnknownDomain = 1,  // "v=spf1 ?all"
  kBlocked = 2,        // "v=spf1 -all"
  kNetblock = 3,       // "v=spf1 ip4:<ip> ~all"
  kSenderRange = 4,    // ip4:<ip>, or include:<sender> in include mode
  kSenderHelo = 5,     // include:<sender>
  kTerms = 6,          // "v=spf1 <the domain's terms, macros expanded> ~all"
  kDefault = 7,        // "v=spf1 ~all" / "-all"
  kTruncated = 8,      // the IP was cut away: include:<d>._nspf.<zone>
};
inline constexpr int kRuleCount = 9;
const char* RuleName(Rule rule);

struct Decision {
  Rule rule = Rule::kNotAMacroName;
  MacroName name;
  const DomainPolicy* domain = nullptr;
  int sender = -1;                   // index into MacroZone::senders
  const RRset* answer = nullptr;     // a pre-rendered answer, or
  bool ip_answer = false;            // "v=spf1 ip4:<name.ip> ~all", or
  bool terms_answer = false;         // the terms rule, rendered per query (terms_answer.h), or
  bool flattened_answer = false;     // "v=spf1 include:<d>._nspf.<zone> ~all" (FlattenedRdata)
};

// REQUIRES: `name` (lower case) lies below policy.zone. `guess`, if not
// null, is GuessDomain(policy, name)'s: a reading whose domain is the
// guessed labels reuses its hash (and the lines a batch prefetched for it);
// the decision is the same with or without it.
Decision Decide(const MacroZone& policy, const wire::Name& name,
                const DomainGuess* guess = nullptr);

// The configured domain that governs `domain` (wire form): itself, or the
// closest ancestor with include_subdomains. Null if none.
const DomainPolicy* FindDomain(const MacroZone& policy, absl::string_view domain);
// The same, with the domain's key already hashed.
const DomainPolicy* FindDomain(const MacroZone& policy, const MacroZone::DomainMap::Key& domain);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_DECIDE_H_
