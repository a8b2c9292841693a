// One HTTP/1.x request as dnsd's small HTTP server reads it: the request
// line and the few header fields a server without request bodies needs
// (RFC 9112). Plain data; the parser (request_parser.h) fills it.
#ifndef DNSD_HTTP_REQUEST_H_
#define DNSD_HTTP_REQUEST_H_

#include <string>

namespace dnsd::http {

struct Request {
  std::string method;  // case-sensitive (RFC 9110 §9.1): "GET", "HEAD", ...
  std::string path;    // the origin-form target before '?', still %-encoded
  std::string query;   // after '?', without it; "" when there is none
  int minor_version = 1;  // HTTP/1.0 or HTTP/1.1
  std::string host;    // the Host field as sent (may carry a port)
  // Whether the client lets the connection stay open after the answer:
  // HTTP/1.1 unless "Connection: close", HTTP/1.0 only with "keep-alive".
  bool keep_alive = true;
  // A body follows the head (Content-Length above 0, or Transfer-Encoding).
  // The server reads no bodies: it answers and closes.
  bool has_body = false;
};

}  // namespace dnsd::http

#endif  // DNSD_HTTP_REQUEST_H_
