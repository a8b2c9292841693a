// libFuzzer target for the value checkers of the BIMI, TLS-RPT and MTA-STS
// families (policy/<family>/*_record.h, mta_sts_policy.h). The first octet
// picks the checker, the rest is the value. What a checker accepts must be
// safe to put in a record: printable ASCII with none of the octets that
// would split a tag list (`;`, `,`, whitespace) or break a TXT string, and
// a normalised MX pattern must normalise to itself.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "policy/bimi/bimi_record.h"
#include "policy/mta_sts/mta_sts_policy.h"
#include "policy/tls_rpt/tls_rpt_record.h"

namespace {

void Fail(const char* what, const std::string& value) {
  std::fprintf(stderr, "%s: '%s'\n", what, value.c_str());
  std::abort();
}

// Printable ASCII without the octets that would split a record's tags or
// end its character-string.
void CheckRecordSafe(const char* what, const std::string& value) {
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ';' || c == ',' || c == '"' || c == '\\') {
      Fail(what, value);
    }
  }
}

void CheckMx(const std::string& value) {
  absl::StatusOr<std::string> pattern = dnsd::mta_sts::NormalizeMxPattern(value);
  if (!pattern.ok()) return;
  CheckRecordSafe("accepted mx pattern", *pattern);
  if (*pattern != absl::AsciiStrToLower(*pattern) || absl::EndsWith(*pattern, ".")) {
    Fail("mx pattern not normalised", *pattern);
  }
  if (pattern->find('*', 1) != std::string::npos) Fail("a '*' past the first label", *pattern);
  absl::StatusOr<std::string> again = dnsd::mta_sts::NormalizeMxPattern(*pattern);
  if (!again.ok() || *again != *pattern) Fail("normalising twice differs", *pattern);
  dnsd::mta_sts::Policy policy;
  policy.mode = dnsd::mta_sts::Mode::kEnforce;
  policy.mx = {*pattern};
  policy.max_age = 86400;
  if (!dnsd::mta_sts::CheckPolicy(policy).ok()) Fail("policy of a good pattern refused", *pattern);
  std::string id = dnsd::mta_sts::PolicyId(policy);
  if (id.empty() || id.size() > 32) Fail("id length", id);
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) Fail("id not alphanumeric", id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string value(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0:
      if (dnsd::bimi::CheckLogoUrl(value).ok()) {
        CheckRecordSafe("accepted logo URL", value);
        if (!value.empty() && !absl::StartsWith(value, "https://")) Fail("logo not https", value);
      }
      break;
    case 1:
      if (dnsd::bimi::CheckEvidenceUrl(value).ok()) {
        CheckRecordSafe("accepted evidence URL", value);
        if (!value.empty() && !absl::StartsWith(value, "https://")) Fail("evidence not https", value);
      }
      break;
    case 2:
      if (dnsd::tls_rpt::CheckReportUri(value).ok()) {
        CheckRecordSafe("accepted TLS-RPT URI", value);
        if (value.find('!') != std::string::npos) Fail("an unencoded '!'", value);
        if (!absl::StartsWithIgnoreCase(value, "mailto:") &&
            !absl::StartsWithIgnoreCase(value, "https:")) {
          Fail("TLS-RPT URI scheme", value);
        }
      }
      break;
    case 3:
      CheckMx(value);
      break;
  }
  return 0;
}
