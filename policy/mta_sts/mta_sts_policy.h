// MTA-STS (RFC 8461): the policy file served at
// https://mta-sts.<domain>/.well-known/mta-sts.txt (§3.2), its id, and the
// TXT record published at _mta-sts.<domain> (§3.1).
//
// The id is a digest of the policy file, so it changes exactly when the file
// does, and every server that computes it from the same configuration
// publishes the same id without coordinating: senders re-fetch the policy
// only when the id they cached differs (§3.1). Plain functions over values.
// Thread-safe: no state but OpenSSL's SHA-256, fetched once.
#ifndef DNSD_POLICY_MTA_STS_MTA_STS_POLICY_H_
#define DNSD_POLICY_MTA_STS_MTA_STS_POLICY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dnsd::mta_sts {

// What a sender does when an MX fails validation (§5).
enum class Mode { kEnforce, kTesting, kNone };

// A policy as the file states it (§3.2).
struct Policy {
  // testing: failures are reported (RFC 8460) but mail is still delivered.
  Mode mode = Mode::kTesting;
  // Patterns as NormalizeMxPattern returns them, in the order published.
  std::vector<std::string> mx;
  // Seconds senders may cache the policy, at most kMaxMaxAge.
  uint32_t max_age = 0;
};

// §3.2: "maximum value of 31557600" seconds, a year of 365.25 days.
inline constexpr uint32_t kMaxMaxAge = 31557600;

// "enforce", "testing" or "none", as the policy file spells them (§3.2).
const char* ModeName(Mode mode);

// An mx pattern (§3.2; matched as §4.1 says): a host name such as
// "mail.example.com", or "*." and one, such as "*.example.net", where the
// wildcard stands for exactly one whole leftmost label. Names are RFC 5321
// §4.1.2 Domains (letters, digits and '-', no '-' at either end of a label),
// fully qualified, international ones as A-labels (xn--...; §3.2). Returns
// the pattern lower-cased without a trailing dot.
absl::StatusOr<std::string> NormalizeMxPattern(absl::string_view pattern);

// max_age (§3.2): 0 to kMaxMaxAge seconds.
absl::Status CheckMaxAge(int64_t max_age);

// The whole policy: max_age in range, every mx pattern normalised and none
// twice, and at least one unless the mode is none (§3.2: mx is "required at
// least once, except when mode is 'none'").
absl::Status CheckPolicy(const Policy& policy);

// The policy file, exactly as §3.2 shows it, every line ended by CRLF:
//   version: STSv1
//   mode: enforce
//   mx: mail.example.com      (one line per pattern, in order)
//   max_age: 604800
std::string PolicyText(const Policy& policy);

// The policy's id: the first 32 hex digits (128 bits) of the SHA-256 of
// PolicyText, in lower case; §3.1 allows 1 to 32 letters and digits.
std::string PolicyId(const Policy& policy);

// The TXT record text for `id` (§3.1): "v=STSv1; id=<id>". It begins
// "v=STSv1;", as §3.1 requires of a record that is not to be discarded.
std::string RenderStsRecord(absl::string_view id);

}  // namespace dnsd::mta_sts

#endif  // DNSD_POLICY_MTA_STS_MTA_STS_POLICY_H_
