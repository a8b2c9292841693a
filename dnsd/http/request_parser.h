// Reads the head of an HTTP/1.x request (RFC 9112 §2-§6) from bytes a
// client sent. Pure functions over a buffer: no I/O, no state, so the
// connection code stays small and the parser is unit-tested and fuzzed
// (tests/fuzz/http_request_fuzzer.cc) on its own.
//
// Strict where leniency has been a smuggling or confusion vector: no
// whitespace before a field's colon, no obsolete line folding, one Host in
// HTTP/1.1, a Content-Length of digits only; bare LF line ends are taken
// as CRLF (§2.2 allows it).
#ifndef DNSD_HTTP_REQUEST_PARSER_H_
#define DNSD_HTTP_REQUEST_PARSER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "dnsd/http/request.h"

namespace dnsd::http {

// The length of the head at the start of `buffer`, through the empty line
// that ends it, or 0 while that line has not arrived yet.
size_t HeadLength(absl::string_view buffer);

struct ParsedHead {
  // 0 when `request` is good; else the status to answer with before
  // closing: 400 (malformed), 501 (a target form dnsd does not serve),
  // 505 (not HTTP/1.x), 431 (too many fields).
  int error = 0;
  Request request;
};

// At most this many header fields (RFC 6585 §5: 431 beyond a limit).
inline constexpr int kMaxFields = 100;

// Parses a whole head as HeadLength delimits it (leading empty lines,
// which §2.2 says to ignore, included).
ParsedHead ParseHead(absl::string_view head);

}  // namespace dnsd::http

#endif  // DNSD_HTTP_REQUEST_PARSER_H_
