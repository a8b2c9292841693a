#include "dnsd/http/response.h"

#include "absl/strings/str_cat.h"

namespace dnsd::http {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

Response Plain(int status) {
  Response r;
  r.status = status;
  r.body = absl::StrCat(status, " ", ReasonPhrase(status), "\n");
  return r;
}

std::string Render(const Response& response, bool head_only, bool close) {
  std::string out = absl::StrCat("HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status),
                                 "\r\nContent-Type: ", response.content_type,
                                 "\r\nContent-Length: ", response.body.size(),
                                 // Policies change with a reload: caches must ask again.
                                 "\r\nCache-Control: no-cache\r\n");
  if (!response.allow.empty()) absl::StrAppend(&out, "Allow: ", response.allow, "\r\n");
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
  return out;
}

}  // namespace dnsd::http
