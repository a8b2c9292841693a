#include "policy/bimi/bimi_record.h"

#include <algorithm>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/quote.h"
#include "config/uri.h"

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

// Checks what l= and a= share and returns the path, without any query or
// fragment.
absl::StatusOr<absl::string_view> CheckHttpsUrl(absl::string_view url) {
  absl::Status status = config::CheckUriCharacters(url, "BIMI");
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
  status = config::CheckHttpsAuthority(rest.substr(0, authority_end));
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
