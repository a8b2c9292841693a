#include "dnsd/mta_sts/site.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace dnsd::mta_sts {
namespace {

constexpr absl::string_view kHostPrefix = "mta-sts.";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = absl::ascii_tolower(static_cast<unsigned char>(c));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// application/x-www-form-urlencoded, as Go's url.Values writes it.
std::optional<std::string> FormDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

bool ReadOnly(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

http::Response NotAllowed() {
  http::Response r = http::Plain(405);
  r.allow = "GET, HEAD";
  return r;
}

}  // namespace

std::optional<std::string> PolicyDomainOf(absl::string_view host) {
  // A port, after the last colon (an IPv6 literal is no policy host anyway).
  if (size_t colon = host.rfind(':'); colon != absl::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (absl::EndsWith(host, ".")) host.remove_suffix(1);
  if (host.size() <= kHostPrefix.size() || !absl::StartsWithIgnoreCase(host, kHostPrefix)) {
    return std::nullopt;
  }
  return absl::AsciiStrToLower(host.substr(kHostPrefix.size()));
}

bool AskAllows(const PolicyTable& table, absl::string_view query) {
  for (absl::string_view param : absl::StrSplit(query, '&')) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(param, '=');
    if (kv.first != "domain") continue;
    std::optional<std::string> name = FormDecode(kv.second);
    if (!name || name->find(':') != std::string::npos) return false;
    std::optional<std::string> domain = PolicyDomainOf(*name);
    return domain && table.Find(*domain) != nullptr;
  }
  return false;
}

http::Response Handle(const PolicyTable& table, const http::Request& request, SiteStats& stats) {
  if (request.path == kAskPath) {
    ++stats.tls_ask;
    if (!ReadOnly(request)) return NotAllowed();
    if (AskAllows(table, request.query)) {
      ++stats.ask_allow;
      http::Response r;
      r.body = "allowed\n";
      return r;
    }
    ++stats.ask_deny;
    return http::Plain(404);
  }
  if (request.path == kPolicyPath) {
    std::optional<std::string> domain = PolicyDomainOf(request.host);
    const ServedPolicy* policy = domain ? table.Find(*domain) : nullptr;
    if (policy == nullptr) {
      ++stats.not_found;
      return http::Plain(404);
    }
    if (!ReadOnly(request)) {
      ++stats.bad_method;
      return NotAllowed();
    }
    ++stats.policy;
    http::Response r;
    r.content_type = "text/plain";  // RFC 8461 §3.2
    r.body = policy->text;
    return r;
  }
  ++stats.not_found;
  return http::Plain(404);
}

}  // namespace dnsd::mta_sts
