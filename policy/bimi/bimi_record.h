// BIMI assertion records (draft-brand-indicators-for-message-identification,
// section numbers of -10, September 2025): checking the logo and evidence
// URLs a domain file names, and rendering the TXT record published at
// <selector>._bimi.<domain>.
//
// The draft is not an RFC yet, and its tag rules have moved between
// revisions (l= was once a list of URLs; it is now one URL), so every rule
// here cites the section it follows. Plain functions over strings, like
// config/dmarc.h. Thread-safe: no state.
#ifndef DNSD_POLICY_BIMI_BIMI_RECORD_H_
#define DNSD_POLICY_BIMI_BIMI_RECORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dnsd::bimi {

// l= (§4.3): "" declines to publish (§4.3.1); otherwise one https:// URL
// (lower-case scheme) at a fully qualified host name, whose path names an
// SVG file: it ends in .svg or .svgz, in any case, before any '?' or '#'
// (§4.3.2). ',' and ';' (they would split the record), whitespace, control
// characters, non-ASCII bytes and anything else RFC 3986 does not allow
// unescaped are refused, with the percent-escape to write instead.
absl::Status CheckLogoUrl(absl::string_view url);

// a= (§4.3): "" means no evidence to disclose; otherwise one https:// URL at
// a fully qualified host name, with the same character rules as l=. The
// evidence document's format is defined elsewhere, so the path is not
// checked (Verified Mark Certificates are usually .pem files).
absl::Status CheckEvidenceUrl(absl::string_view url);

// Both tags together, as one record: each URL as above, and no a= without
// an l=, since receivers stop at a record without a valid l= (§7.3 step 1)
// and would never fetch the evidence.
absl::Status CheckAssertion(absl::string_view l, absl::string_view a);

// The TXT record text for URLs that passed CheckAssertion. v=BIMI1 comes
// first (§4.3) and l= always follows, since it is required:
//   "v=BIMI1; l=https://x.example/logo.svg; a=https://x.example/vmc.pem"
//   "v=BIMI1; l=https://x.example/logo.svg"   (no a=: same as an empty one)
//   "v=BIMI1; l=; a=;"                        (declination, both empty)
// The declination is written exactly as §4.3.1 shows it.
std::string RenderBimiRecord(absl::string_view l, absl::string_view a);

}  // namespace dnsd::bimi

#endif  // DNSD_POLICY_BIMI_BIMI_RECORD_H_
