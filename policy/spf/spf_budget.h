// The limits a receiver puts on one SPF evaluation, checked at load time
// for every answer dnsd can give a domain (policy/spf/README.md: an answer must
// never push the receiver past 10 DNS-querying terms or 2 void look-ups,
// RFC 7208 §4.6.4), and the size of the terms rule's answer.
//
// The model, worst case over the answers (only one answer is given per
// evaluation, so answers are compared, not added):
//
//   the customer's record   1 (its include of dnsd) + spf.published_lookups
//   rules 1-3, 4 by IP, 7   0
//   rule 4 by include, 5    the sender's include: its catalog `lookups`
//                           and `void_lookups`, else kAssumedIncludeLookups
//                           and kAssumedIncludeVoids
//   the terms rule                  the sum over the terms: include as above (a
//                           catalog include by its entry); a, mx, ptr,
//                           exists 1 each, and 1 void each (any of them can
//                           find nothing; exists is made to); ip4, ip6 0
//   rule 8                  include:<d>._nspf: one per record of its chain
//
// The customer's own other terms are unknown to dnsd; they are assumed to
// make no void look-ups. Thread-compatible plain functions.
#ifndef DNSD_POLICY_SPF_SPF_BUDGET_H_
#define DNSD_POLICY_SPF_SPF_BUDGET_H_

#include "config/model.h"
#include "config/yaml_reader.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::config {

inline constexpr int kMaxDnsTerms = 10;    // RFC 7208 §4.6.4
inline constexpr int kMaxVoidLookups = 2;  // RFC 7208 §4.6.4
// An include whose record dnsd does not know: the include and three more
// (_spf.google.com, among the costliest common includes, takes four).
inline constexpr int kAssumedIncludeLookups = 4;
inline constexpr int kAssumedIncludeVoids = 0;

struct LookupCost {
  int lookups = 0;  // DNS-querying terms
  int voids = 0;    // void look-ups at most
  bool assumed = false;  // an include dnsd knows nothing about was counted
};

// What `include:<sender.include>` costs.
LookupCost SenderCost(const Sender& sender);

// What one terms costs; a literal include of a catalog sender's
// include domain costs what that sender does.
LookupCost TermCost(const spf::TermTemplate& term, const Catalog& catalog);

// Reports on `reader`, at the entry that makes it so: an answer over the
// look-up or void look-up limit, a terms answer that could outgrow a UDP
// answer (spf::kMaxTermsText), a term that includes the domain itself.
// Blocked domains answer only -all and pass. Positions are those
// ReadSpfSection kept in `domain.spf`.
void CheckSpfBudget(YamlReader& reader, const DomainConfig& domain, const Catalog& catalog,
                    const ProviderSettings& provider);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_SPF_BUDGET_H_
