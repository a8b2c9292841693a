// A cheap first guess at the customer domain an SPF macro name names, so a
// batch of queries can start fetching their domains' policies before any
// of them is matched against the template.
//
// For a template that ends in "<literal>.%{d}" (the default
// "%{i}._ip.%{h}._ehlo.%{d}") the domain is the labels after the last
// label equal to the literal, up to the SPF zone: "1.2.3.4._ip.mx.b.net.
// _ehlo.example.com._spf.provider.test" gives "example.com". That is one
// scan of at most a few labels from the right, no IP or HELO parsing.
//
// Only a guess: a domain with a label equal to the literal, or a name
// that is not a macro name at all, guesses wrong, and Decide() then looks
// up the readings the template gives as it always does. It uses the
// guess's hash only for a reading whose domain is exactly the guessed
// labels, so answers never depend on the guess (decide_test,
// PipelineTest.BatchAnswersAreOneAtATimeAnswers).
#ifndef DNSD_POLICY_SPF_GUESS_DOMAIN_H_
#define DNSD_POLICY_SPF_GUESS_DOMAIN_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/macro_zone.h"
#include "policy/spf/query_name.h"

namespace dnsd::spf {

struct DomainGuess {
  LabelRange range;  // the query name's labels; empty: no guess
  // The domain's wire form (its labels and the root), the domain map's key.
  char wire[wire::kMaxNameSize];
  uint8_t size = 0;
  size_t hash = 0;   // MacroZone::DomainMap::Hash of the key

  bool empty() const { return range.empty(); }
  MacroZone::DomainMap::Key key() const {
    return {absl::string_view(wire, size), hash};
  }
};

// Guesses the domain of `name` (lower case, below policy.zone) into
// *guess, hashed; leaves it empty when the template does not end in
// "<literal>.%{d}" or the name has no such literal label.
void GuessDomain(const MacroZone& policy, const wire::Name& name, DomainGuess* guess);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_GUESS_DOMAIN_H_
