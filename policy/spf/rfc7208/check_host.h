// check_host() (RFC 7208 §4): is this IP allowed to send mail for this
// domain, according to the domain's SPF record?
//
// The evaluator asks spf::Dns (policy/spf/rfc7208/dns.h) and nothing else, so the
// same code runs against a test suite's mock zone, dnsd's own snapshot
// (`dnsd explain`) or a real resolver (the catalog refresher). It applies
// every processing limit of §4.6.4 and can say, line by line, what it
// evaluated. One call is single-threaded; calls share nothing.
#ifndef DNSD_POLICY_SPF_RFC7208_CHECK_HOST_H_
#define DNSD_POLICY_SPF_RFC7208_CHECK_HOST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/spf/rfc7208/dns.h"
#include "policy/spf/rfc7208/macro.h"

namespace dnsd::spf {

// §2.6.
enum class Result : uint8_t { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };

// "none", "neutral", "pass", "fail", "softfail", "temperror", "permerror".
absl::string_view ResultName(Result result);

struct CheckOptions {
  // §4.6.4: DNS-querying terms (include, a, mx, ptr, exists, redirect) per
  // check, void look-ups, MX names per "mx", PTR names per "ptr" / %{p}.
  int max_dns_terms = 10;
  int max_void_lookups = 2;
  int max_mx_names = 10;
  int max_ptr_names = 10;
  // Look up the exp= text on a fail (§6.2). The refresher does not need it.
  bool explain = true;
  // The explanation of a fail when the record has no usable exp= (§6.2
  // leaves it to the receiver).
  std::string default_explanation;
  bool trace = true;
};

struct CheckResult {
  Result result = Result::kNone;
  // kFail only: the exp= text, else options.default_explanation.
  std::string explanation;
  // Why a permerror or temperror happened; empty otherwise.
  std::string problem;
  // The term that decided the result (as written) and its record's domain;
  // empty when none matched.
  std::string matched_term;
  std::string matched_domain;
  int dns_terms = 0;
  int void_lookups = 0;
  // What was evaluated, one line per step, indented per include/redirect.
  std::vector<std::string> trace;
};

// Evaluates check_host(<ip>, <domain>, <sender>) for `context` (its
// `domain` is the <domain> to check; its `validated_name` is ignored: the
// evaluator answers %{p} itself, from `dns`).
CheckResult CheckHost(Dns& dns, const MacroContext& context, const CheckOptions& options = {});

// A name check_host() may query: 1 to 253 octets, labels of 1 to 63
// octets. Trailing dots are the caller's to remove.
bool IsQueryableName(absl::string_view name);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_CHECK_HOST_H_
