#include "config/uri.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "config/names.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

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

bool IsEscape(absl::string_view uri, size_t i) {
  return i + 2 < uri.size() && absl::ascii_isxdigit(uri[i + 1]) &&
         absl::ascii_isxdigit(uri[i + 2]);
}

// One character's reason, or "" when it may stand where it is.
std::string CharacterReason(absl::string_view uri, size_t i,
                            absl::string_view record,
                            absl::string_view must_encode,
                            absl::string_view rfc) {
  const unsigned char c = static_cast<unsigned char>(uri[i]);
  if (c == ',' || c == ';') {
    return absl::StrCat("contains ", OneChar(uri[i]), ", which would split the ",
                        record, " record; percent-encode it as ",
                        PercentEscape(c));
  }
  if (must_encode.find(uri[i]) != absl::string_view::npos) {
    return absl::StrCat("contains ", OneChar(uri[i]), ", which ", rfc,
                        " requires percent-encoded; write ", PercentEscape(c));
  }
  if (c == '%') {
    if (IsEscape(uri, i)) return "";
    return "has a '%' that does not start a %XX escape; write a literal '%' "
           "as %25";
  }
  if (absl::ascii_isspace(c)) {
    return absl::StrCat("contains whitespace (", OneChar(uri[i]),
                        "); percent-encode it as ", PercentEscape(c));
  }
  if (absl::ascii_iscntrl(c)) {
    return absl::StrCat("contains the control character ", OneChar(uri[i]),
                        "; remove it");
  }
  if (c >= 0x80) {
    return absl::StrCat(
        "contains a non-ASCII byte; write an international host name as "
        "its xn-- A-label and percent-encode UTF-8 elsewhere (this byte is ",
        PercentEscape(c), ")");
  }
  if (!IsUriChar(uri[i])) {
    return absl::StrCat("contains ", OneChar(uri[i]),
                        ", which a URI cannot carry unescaped; "
                        "percent-encode it as ",
                        PercentEscape(c));
  }
  return "";
}

bool IsPort(absl::string_view port) {
  uint32_t number = 0;
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) &&
         absl::SimpleAtoi(port, &number) && number >= 1 && number <= 65535;
}

constexpr absl::string_view kIpAddress =
    "has an IP address for a host; use a host name";

}  // namespace

absl::Status CheckUriCharacters(absl::string_view uri, absl::string_view record,
                                absl::string_view must_encode,
                                absl::string_view rfc) {
  for (size_t i = 0; i < uri.size(); ++i) {
    std::string why = CharacterReason(uri, i, record, must_encode, rfc);
    if (!why.empty()) return Reason(why);
  }
  return absl::OkStatus();
}

absl::Status CheckHttpsAuthority(absl::string_view authority) {
  if (absl::StrContains(authority, '@')) {
    return Reason(
        "has a user name before '@'; a published URI must not carry "
        "credentials");
  }
  if (absl::StartsWith(authority, "[")) return Reason(kIpAddress);
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
  absl::StatusOr<std::string> name = NormalizeDomainName(host);
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
    return Reason(kIpAddress);
  }
  if (!absl::StrContains(host, '.')) {
    return Reason(absl::StrCat("has the host name ", Quoted(host),
                               ", which is not fully qualified; write the "
                               "whole name, such as ",
                               host, ".example.com"));
  }
  return absl::OkStatus();
}

}  // namespace dnsd::config
