#include "policy/tls_rpt/tls_rpt_record.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/uri.h"

namespace dnsd::tls_rpt {

namespace {

using config::Quoted;

constexpr absl::string_view kMailto = "mailto:";
constexpr absl::string_view kHttps = "https:";

// The helpers below return the bare reason; CheckReportUri puts the URI in
// front of it.
absl::Status Reason(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

std::string OneChar(char c) { return Quoted(absl::string_view(&c, 1)); }

// RFC 5322 atext and dots, without '?' (it would start RFC 6068 header
// fields) and '!' (refused above); '%' is there for RFC 6068's escapes.
bool IsLocalPartChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("#$%&'*+-/=^_`{|}~.").find(c) !=
             absl::string_view::npos;
}

absl::Status CheckMailto(absl::string_view address) {
  if (absl::StrContains(address, '?')) {
    return Reason(
        "has a '?' part; reports go to the address alone, so leave header "
        "fields out");
  }
  size_t at = address.rfind('@');
  if (at == absl::string_view::npos) {
    return Reason("has no '@'; write mailto:name@example.com");
  }
  absl::string_view local = address.substr(0, at);
  absl::string_view domain = address.substr(at + 1);
  if (local.empty() || local.front() == '.' || local.back() == '.' ||
      absl::StrContains(local, "..")) {
    return Reason("has a bad mailbox name before '@'");
  }
  // RFC 5321 §4.5.3.1.1.
  if (local.size() > 64) {
    return Reason(absl::StrCat("has a mailbox name of ", local.size(),
                               " characters; the limit is 64"));
  }
  for (char c : local) {
    if (!IsLocalPartChar(c)) {
      return Reason(absl::StrCat("has ", OneChar(c), " in its mailbox name"));
    }
  }
  // RFC 5321 §4.1.2: an address's domain has no trailing dot.
  if (absl::EndsWith(domain, ".")) {
    return Reason("has a domain ending in '.'; leave the dot out");
  }
  absl::StatusOr<std::string> name = config::NormalizeDomainName(domain);
  if (!name.ok()) return Reason(name.status().message());
  return absl::OkStatus();
}

// "//" authority [path]; RFC 3986 §3.2: authority = [userinfo "@"] host
// [":" port].
absl::Status CheckHttps(absl::string_view rest) {
  if (!absl::StartsWith(rest, "//")) {
    return Reason("must be https:// followed by a host name");
  }
  rest.remove_prefix(2);
  absl::string_view authority =
      rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
  return config::CheckHttpsAuthority(authority);
}

absl::Status CheckUri(absl::string_view uri) {
  if (uri.empty()) return Reason("is empty");
  absl::Status status =
      config::CheckUriCharacters(uri, "TLS-RPT", "!", "RFC 8460 §3");
  if (!status.ok()) return status;
  if (absl::StartsWithIgnoreCase(uri, kMailto)) {
    return CheckMailto(uri.substr(kMailto.size()));
  }
  if (absl::StartsWithIgnoreCase(uri, kHttps)) {
    return CheckHttps(uri.substr(kHttps.size()));
  }
  if (absl::StartsWithIgnoreCase(uri, "http:")) {
    return Reason("must use https:, not http:");
  }
  return Reason(
      "must start with mailto: or https:, the two schemes TLS-RPT supports");
}

}  // namespace

absl::Status CheckReportUri(absl::string_view uri) {
  absl::Status status = CheckUri(uri);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat("TLS report URI ", Quoted(uri), " ", status.message()));
}

absl::Status CheckRua(absl::Span<const std::string> rua) {
  if (rua.empty()) {
    return absl::InvalidArgumentError(
        "a TLS-RPT record needs at least one report URI (rua)");
  }
  absl::flat_hash_set<absl::string_view> seen;  // linear, however long the list
  for (const std::string& uri : rua) {
    absl::Status status = CheckReportUri(uri);
    if (!status.ok()) return status;
    if (!seen.insert(uri).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("TLS report URI ", Quoted(uri), " is listed twice"));
    }
  }
  return absl::OkStatus();
}

std::string RenderTlsRptRecord(absl::Span<const std::string> rua) {
  return absl::StrCat("v=TLSRPTv1; rua=", absl::StrJoin(rua, ","));
}

}  // namespace dnsd::tls_rpt
