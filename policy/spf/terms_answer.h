// Answer the terms rule (policy/spf/README.md): a domain's own raw SPF terms, with the macros
// the server knows from the query name expanded.
//
// The answer is included by the customer's record, and inside an included
// record %{d} names the included name (dnsd's query name), not the
// customer's domain: so %{d} is always expanded here, from the query.
// %{i}, %{v} and %{h} mean the same to the receiver either way; they are
// expanded where the query name carries them and the result is still a
// valid term, else passed through as written. %{s}, %{l}, %{o} and %{p}
// are only known to the receiver and always pass through.
//
// CompileTerm runs at load time (it allocates); TermsAnswerRdata runs on
// the query path: no allocation, no locks, bounded work.
#ifndef DNSD_POLICY_SPF_TERMS_ANSWER_H_
#define DNSD_POLICY_SPF_TERMS_ANSWER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/name.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/spf/query_name.h"
#include "policy/spf/rfc7208/macro.h"
#include "policy/spf/rfc7208/record.h"

namespace dnsd::spf {

// One term, split around its domain-spec: head + expanded(spec) + tail.
// "exists:%{i}._spf.x.com" is {"exists:", [%{i}, "._spf.x.com"], ""};
// "ip4:192.0.2.0/24" is all head.
struct TermTemplate {
  std::string text;  // as configured
  spf::TermKind kind = spf::TermKind::kAll;
  std::string head;
  std::vector<spf::MacroToken> spec;
  std::string tail;
};

// Parses one configured term (RFC 7208 §4.6.1, §5) for the terms rule. Only
// mechanisms other than `all`: dnsd appends the domain's own `all`, and a
// modifier means nothing inside an included record (redirect replaces the
// whole answer, exp= is ignored during include, §6.2, and an unknown
// modifier is ignored). `a`, `mx` and `ptr` without a target would name
// dnsd's query name there, so they get `:%{d}` (`a/24` becomes
// `a:%{d}/24`). `include:%{d}` would include the customer's record, which
// includes dnsd's: a loop, refused. Errors say what is wrong, without the
// term's position.
absl::StatusOr<TermTemplate> CompileTerm(absl::string_view text);

// The longest the term can become in an answer: macros counted at the
// most they can expand to (%{i} 63 octets, %{v} 7, %{h} and %{d}
// `max_name` each, the others as written).
size_t WorstCaseTermLength(const TermTemplate& term, size_t max_name);

// The most answer text the terms rule may produce: with a 255-octet question, the
// answer RR and the OPT record, the response still fits a 1232-octet UDP
// payload (policy/spf/README.md). Configurations are bounded by it at load time.
inline constexpr size_t kMaxTermsText = 934;
// TXT RDATA for that text.
inline constexpr size_t kMaxTermsRdata = TxtRdataBound(kMaxTermsText);

// "v=spf1 <terms expanded> ~all" ("-all" when `fail_all`) as TXT RDATA,
// for the query `name` (lower case) read as `m`. Returns the RDATA length,
// or 0 when the answer cannot be given for this query: the query's domain
// holds an octet a term cannot carry, or the text would exceed
// kMaxTermsText. REQUIRES: m.ip_known, m.domain_known; `out` holds
// kMaxTermsRdata octets.
size_t TermsAnswerRdata(absl::Span<const TermTemplate> terms, bool fail_all,
                        const wire::Name& name, const MacroName& m, char* out);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_TERMS_ANSWER_H_
