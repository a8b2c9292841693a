// URIs that records publish (BIMI's l= and a=, TLS-RPT's rua=): the checks
// they share, so that every record family says the same thing about the
// same mistake.
//
// Every function returns a bare reason ("contains ';', which …"); the caller
// puts the URI and what it is for in front of it.
#ifndef DNSD_CONFIG_URI_H_
#define DNSD_CONFIG_URI_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dnsd::config {

// `uri` is all URI characters (RFC 3986 §2), with '%' only in %XX escapes,
// and has none of ',' and ';' (which would split `record`, the record's
// name, such as "BIMI") nor any character of `must_encode` that the
// record's RFC wants percent-encoded (`rfc` names where, for the message).
absl::Status CheckUriCharacters(absl::string_view uri, absl::string_view record,
                                absl::string_view must_encode = "",
                                absl::string_view rfc = "");

// RFC 3986 §3.2: authority = [userinfo "@"] host [":" port], where host is
// a fully qualified host name (CheckHostName): no credentials, no IP
// address, a port from 1 to 65535.
absl::Status CheckHttpsAuthority(absl::string_view authority);

// A fully qualified host name as RFC 1123 §2.1 allows it (letters, digits,
// inner hyphens), which is also what a TLS certificate can name; an
// all-digit last label would make it an IPv4 address.
absl::Status CheckHostName(absl::string_view host);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_URI_H_
