// An HTTP/1.1 response and its bytes on the wire (RFC 9112 §4, §6).
// Plain data and a pure function; the server (server.h) sends the bytes.
#ifndef DNSD_HTTP_RESPONSE_H_
#define DNSD_HTTP_RESPONSE_H_

#include <string>

namespace dnsd::http {

struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::string allow;  // the Allow field of a 405 (RFC 9110 §15.5.6)
};

// The status line and fields, then the body unless `head_only` (a HEAD
// request: the same fields, Content-Length included, and no body; RFC 9110
// §9.3.2). `close` adds "Connection: close".
std::string Render(const Response& response, bool head_only, bool close);

// A short plain-text response: "404 Not Found\n" for 404.
Response Plain(int status);

// "Not Found" for 404; "" for a status dnsd never sends.
const char* ReasonPhrase(int status);

}  // namespace dnsd::http

#endif  // DNSD_HTTP_RESPONSE_H_
