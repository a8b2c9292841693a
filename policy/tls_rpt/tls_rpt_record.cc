#include "policy/tls_rpt/tls_rpt_record.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "config/names.h"
#include "config/quote.h"

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

std::string PercentEscape(unsigned char c) {
  return absl::StrFormat("%%%02X", c);
}

// RFC 3986 §2.2 and §2.3: the reserved and unreserved characters, which a
// URI may carry unescaped. '%' starts an escape and is checked on its own.
bool IsUriChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("-._~:/?#[]@!$&'()*+,;=").find(c) !=
             absl::string_view::npos;
}

// A URI must survive the record (§3: "commas (ASCII 0x2C), exclamation
// points (ASCII 0x21), and semicolons (ASCII 0x3B) MUST be encoded") and
// be a URI at all, so that reporters read back exactly the bytes written.
absl::Status CheckCharacters(absl::string_view uri) {
  for (size_t i = 0; i < uri.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(uri[i]);
    if (c == ',' || c == ';') {
      return Reason(absl::StrCat(
          "contains ", OneChar(uri[i]),
          ", which would split the TLS-RPT record; percent-encode it as ",
          PercentEscape(c)));
    }
    if (c == '!') {
      return Reason(
          "contains '!', which RFC 8460 §3 requires percent-encoded; write "
          "%21");
    }
    if (c == '%') {
      if (i + 2 < uri.size() && absl::ascii_isxdigit(uri[i + 1]) &&
          absl::ascii_isxdigit(uri[i + 2])) {
        continue;
      }
      return Reason(
          "has a '%' that does not start a %XX escape; write a literal '%' "
          "as %25");
    }
    if (absl::ascii_isspace(c)) {
      return Reason(absl::StrCat("contains whitespace (", OneChar(uri[i]),
                                 "); percent-encode it as ", PercentEscape(c)));
    }
    if (absl::ascii_iscntrl(c)) {
      return Reason(absl::StrCat("contains the control character ",
                                 OneChar(uri[i]), "; remove it"));
    }
    if (c >= 0x80) {
      return Reason(absl::StrCat(
          "contains a non-ASCII byte; write an international domain name as "
          "its xn-- A-label and percent-encode UTF-8 elsewhere (this byte is ",
          PercentEscape(c), ")"));
    }
    if (!IsUriChar(uri[i])) {
      return Reason(absl::StrCat("contains ", OneChar(uri[i]),
                                 ", which a URI cannot carry unescaped; "
                                 "percent-encode it as ",
                                 PercentEscape(c)));
    }
  }
  return absl::OkStatus();
}

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

bool IsPort(absl::string_view port) {
  uint32_t number = 0;
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) &&
         absl::SimpleAtoi(port, &number) && number >= 1 && number <= 65535;
}

// Labels as RFC 1123 §2.1 allows them in host names (letters, digits, inner
// hyphens), which is also what a TLS certificate can name; fully qualified;
// an all-digit last label would make it an IPv4 address.
absl::Status CheckHostName(absl::string_view host) {
  if (host.empty()) return Reason("has no host name after https://");
  if (absl::EndsWith(host, ".")) {
    return Reason("has a host name ending in '.'; leave the dot out");
  }
  for (char c : host) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
        c == '.') {
      continue;
    }
    return Reason(absl::StrCat("has the host name ", Quoted(host),
                               ", which contains ", OneChar(c),
                               "; host names are letters, digits, '-' and "
                               "'.' (RFC 1123 §2.1)"));
  }
  absl::StatusOr<std::string> name = config::NormalizeDomainName(host);
  if (!name.ok()) {
    return Reason(
        absl::StrCat("has a bad host name: ", name.status().message()));
  }
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.front() == '-' || label.back() == '-') {
      return Reason(absl::StrCat("has the host name ", Quoted(host),
                                 ", whose label ", Quoted(label),
                                 " starts or ends with '-' (RFC 1123 §2.1)"));
    }
  }
  absl::string_view last = host.substr(host.rfind('.') + 1);
  if (std::all_of(last.begin(), last.end(),
                  [](char c) { return absl::ascii_isdigit(c); })) {
    return Reason("has an IP address for a host; use a host name");
  }
  if (!absl::StrContains(host, '.')) {
    return Reason(absl::StrCat("has the host name ", Quoted(host),
                               ", which is not fully qualified; write the "
                               "whole name, such as ",
                               host, ".example.com"));
  }
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
  if (absl::StrContains(authority, '@')) {
    return Reason(
        "has a user name before '@'; a published URI must not carry "
        "credentials");
  }
  if (absl::StartsWith(authority, "[")) {
    return Reason("has an IP address for a host; use a host name");
  }
  absl::string_view host = authority;
  size_t colon = authority.find(':');
  if (colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    absl::string_view port = authority.substr(colon + 1);
    if (!IsPort(port)) {
      return Reason(absl::StrCat("has a bad port ", Quoted(port),
                                 "; write a number from 1 to 65535, or "
                                 "leave it out for 443"));
    }
  }
  return CheckHostName(host);
}

absl::Status CheckUri(absl::string_view uri) {
  if (uri.empty()) return Reason("is empty");
  absl::Status status = CheckCharacters(uri);
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
