// SMTP TLS Reporting policy records (RFC 8460 §3): checking the report URIs
// a domain file lists, and rendering the TXT record published at
// _smtp._tls.<domain>.
//
// Reports are sent by strangers' MTAs that parse the record with whatever
// they have, so the checks keep to what every parser reads the same way.
// Plain functions over strings, like config/dmarc.h. Thread-safe: no state.
#ifndef DNSD_POLICY_TLS_RPT_TLS_RPT_RECORD_H_
#define DNSD_POLICY_TLS_RPT_TLS_RPT_RECORD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace dnsd::tls_rpt {

// One rua URI, of the two schemes §3 supports (matched in any case, as
// RFC 3986 §3.1 says and config::CheckDmarcUri does):
//   mailto:name@example.com   an address (RFC 6068), without "?" header
//                             fields; the domain is a valid name without a
//                             trailing dot
//   https://host[:port]/path  reports are POSTed there; the host is a fully
//                             qualified host name
// §3 requires ',', ';' and '!' to be percent-encoded, since ',' and ';'
// would split the record; they, whitespace, control characters, non-ASCII
// bytes and anything else RFC 3986 does not allow unescaped are refused,
// with the escape to write instead.
absl::Status CheckReportUri(absl::string_view uri);

// The whole rua tag: at least one URI (§3 requires the tag), each valid,
// none listed twice.
absl::Status CheckRua(absl::Span<const std::string> rua);

// The TXT record text, "v=TLSRPTv1; rua=mailto:a@x.example,https://y/r",
// URIs in the order given. It begins "v=TLSRPTv1;", as §3 requires of a
// record that is not to be discarded. `rua` should have passed CheckRua:
// with no URI the result ("v=TLSRPTv1; rua=") is not a valid record.
std::string RenderTlsRptRecord(absl::Span<const std::string> rua);

}  // namespace dnsd::tls_rpt

#endif  // DNSD_POLICY_TLS_RPT_TLS_RPT_RECORD_H_
