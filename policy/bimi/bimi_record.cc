#include "policy/bimi/bimi_record.h"

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

namespace dnsd::bimi {

namespace {

using config::Quoted;

constexpr absl::string_view kHttps = "https://";
constexpr absl::string_view kLogo = "logo URL (l=)";
constexpr absl::string_view kEvidence = "evidence URL (a=)";

// The helpers below return the bare reason; the public functions put the
// URL in front of it.
absl::Status Reason(absl::string_view why) {
  return absl::InvalidArgumentError(why);
}

absl::Status UrlError(absl::string_view what, absl::string_view url,
                      absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " ", Quoted(url), " ", why));
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

// A URL must survive the record's tag list ("tag=value; tag=value") and be
// a URI at all, so that receivers read back exactly the bytes written here.
absl::Status CheckCharacters(absl::string_view url) {
  for (size_t i = 0; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (c == ',' || c == ';') {
      return Reason(absl::StrCat(
          "contains ", OneChar(url[i]),
          ", which would split the BIMI record; percent-encode it as ",
          PercentEscape(c)));
    }
    if (c == '%') {
      if (i + 2 < url.size() && absl::ascii_isxdigit(url[i + 1]) &&
          absl::ascii_isxdigit(url[i + 2])) {
        continue;
      }
      return Reason(
          "has a '%' that does not start a %XX escape; write a literal '%' "
          "as %25");
    }
    if (absl::ascii_isspace(c)) {
      return Reason(absl::StrCat("contains whitespace (", OneChar(url[i]),
                                 "); percent-encode it as ", PercentEscape(c)));
    }
    if (absl::ascii_iscntrl(c)) {
      return Reason(absl::StrCat("contains the control character ",
                                 OneChar(url[i]), "; remove it"));
    }
    if (c >= 0x80) {
      return Reason(absl::StrCat(
          "contains a non-ASCII byte; write an international host name as "
          "its xn-- A-label and percent-encode UTF-8 elsewhere (this byte is ",
          PercentEscape(c), ")"));
    }
    if (!IsUriChar(url[i])) {
      return Reason(absl::StrCat("contains ", OneChar(url[i]),
                                 ", which a URL cannot carry unescaped; "
                                 "percent-encode it as ",
                                 PercentEscape(c)));
    }
  }
  return absl::OkStatus();
}

bool IsPort(absl::string_view port) {
  uint32_t number = 0;
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(),
                     [](char c) { return absl::ascii_isdigit(c); }) &&
         absl::SimpleAtoi(port, &number) && number >= 1 && number <= 65535;
}

// §4.3 asks for a fully qualified domain name. Labels follow RFC 1123 §2.1
// (letters, digits, inner hyphens), which is also what a TLS certificate
// can name; an all-digit last label would make it an IPv4 address.
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
    return Reason("has an IP address for a host; BIMI requires a host name");
  }
  if (!absl::StrContains(host, '.')) {
    return Reason(absl::StrCat("has the host name ", Quoted(host),
                               ", which is not fully qualified; write the "
                               "whole name, such as ",
                               host, ".example.com"));
  }
  return absl::OkStatus();
}

// RFC 3986 §3.2: authority = [userinfo "@"] host [":" port].
absl::Status CheckAuthority(absl::string_view authority) {
  if (absl::StrContains(authority, '@')) {
    return Reason(
        "has a user name before '@'; a published URL must not carry "
        "credentials");
  }
  if (absl::StartsWith(authority, "[")) {
    return Reason("has an IP address for a host; BIMI requires a host name");
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

// Checks what l= and a= share and returns the path, without any query or
// fragment.
absl::StatusOr<absl::string_view> CheckHttpsUrl(absl::string_view url) {
  absl::Status status = CheckCharacters(url);
  if (!status.ok()) return status;
  if (!absl::StartsWith(url, kHttps)) {
    // §4.3: receivers MUST NOT fix capitalisation, so "HTTPS://" may well be
    // refused where it matters; it costs nothing to write it as expected.
    if (absl::StartsWithIgnoreCase(url, kHttps)) {
      return Reason("must start with https:// in lower case");
    }
    if (absl::StartsWithIgnoreCase(url, "http://")) {
      return Reason(
          "must use https://, not http://; BIMI allows no other scheme");
    }
    return Reason("must start with https://; BIMI allows no other scheme");
  }
  absl::string_view rest = url.substr(kHttps.size());
  size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  status = CheckAuthority(rest.substr(0, authority_end));
  if (!status.ok()) return status;
  rest.remove_prefix(authority_end);
  return rest.substr(0, rest.find_first_of("?#"));
}

// §4.3.2: SVG is the only format, plain (.svg) or gzip-compressed (.svgz).
bool NamesSvgFile(absl::string_view path) {
  absl::string_view file = path.substr(path.rfind('/') + 1);
  for (absl::string_view extension : {".svg", ".svgz"}) {
    if (file.size() > extension.size() &&
        absl::EndsWithIgnoreCase(file, extension)) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::Status CheckLogoUrl(absl::string_view url) {
  if (url.empty()) return absl::OkStatus();  // declination, §4.3.1
  absl::StatusOr<absl::string_view> path = CheckHttpsUrl(url);
  if (!path.ok()) return UrlError(kLogo, url, path.status().message());
  if (!NamesSvgFile(*path)) {
    return UrlError(kLogo, url,
                    "must name an SVG file: end its path in .svg (or .svgz), "
                    "before any '?' or '#'; BIMI allows no other format");
  }
  return absl::OkStatus();
}

absl::Status CheckEvidenceUrl(absl::string_view url) {
  if (url.empty()) return absl::OkStatus();  // no evidence, §4.3
  absl::StatusOr<absl::string_view> path = CheckHttpsUrl(url);
  if (!path.ok()) return UrlError(kEvidence, url, path.status().message());
  return absl::OkStatus();
}

absl::Status CheckAssertion(absl::string_view l, absl::string_view a) {
  absl::Status status = CheckLogoUrl(l);
  if (!status.ok()) return status;
  status = CheckEvidenceUrl(a);
  if (!status.ok()) return status;
  if (l.empty() && !a.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kEvidence, " ", Quoted(a), " needs a ", kLogo,
        " too, since receivers stop at a record without one; give the logo's "
        "URL, or leave both empty to decline BIMI"));
  }
  return absl::OkStatus();
}

std::string RenderBimiRecord(absl::string_view l, absl::string_view a) {
  if (l.empty() && a.empty()) return "v=BIMI1; l=; a=;";
  std::string record = absl::StrCat("v=BIMI1; l=", l);
  if (!a.empty()) absl::StrAppend(&record, "; a=", a);
  return record;
}

}  // namespace dnsd::bimi
