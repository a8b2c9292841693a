// libFuzzer target for the HTTP request-head parser (dnsd/http/
// request_parser.h) and the MTA-STS policy host's routes over it
// (dnsd/mta_sts/site.h): bytes from a client, as the server sees them.
//
// Checks: HeadLength stays within the input and ends on an empty line; a
// head the parser accepts has a token method, a target of visible ASCII
// starting with '/' (or "*"), a Host without control octets, and a
// version of 1.0 or 1.1; refusals use only the statuses the header lists;
// the routes answer a known status, never a redirect, and the policy only
// for the one policy host and path.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "dnsd/http/request_parser.h"
#include "dnsd/mta_sts/site.h"

namespace {

void Fail(const char* what, absl::string_view input) {
  std::fprintf(stderr, "%s: '%.*s'\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

const dnsd::mta_sts::PolicyTable& Table() {
  static const dnsd::mta_sts::ServedPolicy* policy =
      new dnsd::mta_sts::ServedPolicy{"version: STSv1\r\nmode: none\r\nmax_age: 0\r\n", "x"};
  static const dnsd::mta_sts::PolicyTable* table = [] {
    auto* t = new dnsd::mta_sts::PolicyTable();
    t->Add("a.example", policy);
    return t;
  }();
  return *table;
}

void CheckRequest(const dnsd::http::Request& r, absl::string_view input) {
  if (r.method.empty()) Fail("empty method", input);
  if (r.path.empty() || (r.path[0] != '/' && r.path != "*")) Fail("bad path", input);
  for (char c : r.path + r.query) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) Fail("control octet in target", input);
  }
  for (char c : r.host) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) Fail("control octet in host", input);
  }
  if (r.minor_version != 0 && r.minor_version != 1) Fail("bad version", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  size_t length = dnsd::http::HeadLength(input);
  if (length > input.size()) Fail("head longer than input", input);
  if (length != 0 && input[length - 1] != '\n') Fail("head not ended by LF", input);
  absl::string_view head = length != 0 ? input.substr(0, length) : input;
  dnsd::http::ParsedHead parsed = dnsd::http::ParseHead(head);
  if (parsed.error != 0) {
    if (parsed.error != 400 && parsed.error != 431 && parsed.error != 501 &&
        parsed.error != 505) {
      Fail("unexpected refusal status", input);
    }
    return 0;
  }
  CheckRequest(parsed.request, input);
  dnsd::mta_sts::SiteStats stats;
  dnsd::http::Response response = dnsd::mta_sts::Handle(Table(), parsed.request, stats);
  if (response.status != 200 && response.status != 404 && response.status != 405) {
    Fail("unexpected route status", input);
  }
  if (response.status == 200 && parsed.request.path == dnsd::mta_sts::kPolicyPath) {
    auto domain = dnsd::mta_sts::PolicyDomainOf(parsed.request.host);
    if (!domain || *domain != "a.example") Fail("policy for another host", input);
  }
  return 0;
}
