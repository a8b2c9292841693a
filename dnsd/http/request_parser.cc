#include "dnsd/http/request_parser.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace dnsd::http {
namespace {

// RFC 9110 §5.6.2: tchar.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// A request-target's octets: visible ASCII only (RFC 3986 allows no more).
bool IsTargetText(absl::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// RFC 9110 §5.5: field-value octets are VCHAR, obs-text, SP and HTAB.
bool IsFieldValue(absl::string_view s) {
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return false;
  }
  return true;
}

absl::string_view TrimSpaceTab(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The head's lines without their line ends; false on a bare CR (§2.2).
bool SplitLines(absl::string_view head, std::vector<absl::string_view>& lines) {
  for (absl::string_view line : absl::StrSplit(head, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('\r') != absl::string_view::npos) return false;
    lines.push_back(line);
  }
  return true;
}

// §3.2: origin-form ("/path?query"), absolute-form ("http://host/path",
// which a server must accept, §3.2.2) or asterisk-form ("*").
int ReadTarget(absl::string_view target, Request& r, bool& authority_given) {
  if (target.empty() || !IsTargetText(target)) return 400;
  if (target != "*" && target.front() != '/') {
    absl::string_view rest = target;
    if (absl::StartsWithIgnoreCase(rest, "http://")) {
      rest.remove_prefix(7);
    } else if (absl::StartsWithIgnoreCase(rest, "https://")) {
      rest.remove_prefix(8);
    } else {
      return 400;
    }
    size_t slash = rest.find_first_of("/?");
    absl::string_view authority = rest.substr(0, slash);
    if (authority.empty() || authority.find('@') != absl::string_view::npos) return 400;
    r.host = std::string(authority);
    authority_given = true;
    target = slash == absl::string_view::npos ? absl::string_view("/") : rest.substr(slash);
    if (target.front() == '?') return 400;
  }
  size_t question = target.find('?');
  r.path = std::string(target.substr(0, question));
  if (question != absl::string_view::npos) r.query = std::string(target.substr(question + 1));
  return 0;
}

int ReadRequestLine(absl::string_view line, Request& r, bool& authority_given) {
  std::vector<absl::string_view> parts = absl::StrSplit(line, ' ');
  if (parts.size() != 3 || !IsToken(parts[0])) return 400;
  r.method = std::string(parts[0]);
  absl::string_view version = parts[2];
  if (version.size() != 8 || !absl::StartsWith(version, "HTTP/") || version[6] != '.' ||
      !absl::ascii_isdigit(static_cast<unsigned char>(version[5])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(version[7]))) {
    return 400;
  }
  if (version[5] != '1') return 505;
  r.minor_version = version[7] == '0' ? 0 : 1;  // 1.x above 1.1 is 1.1 (§2.3)
  r.keep_alive = r.minor_version >= 1;
  return ReadTarget(parts[1], r, authority_given);
}

// Content-Length (RFC 9112 §6.3): digits only; copies must agree.
bool ReadContentLength(absl::string_view value, std::string& seen, Request& r) {
  if (value.empty()) return false;
  for (char c : value) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  if (!seen.empty() && seen != value) return false;
  seen = std::string(value);
  if (value.find_first_not_of('0') != absl::string_view::npos) r.has_body = true;
  return true;
}

void ReadConnection(absl::string_view value, Request& r) {
  for (absl::string_view option : absl::StrSplit(value, ',')) {
    option = TrimSpaceTab(option);
    if (absl::EqualsIgnoreCase(option, "close")) {
      r.keep_alive = false;
      return;
    }
    if (absl::EqualsIgnoreCase(option, "keep-alive")) r.keep_alive = true;
  }
}

}  // namespace

size_t HeadLength(absl::string_view buffer) {
  // The head ends at the first empty line; bare LFs count (§2.2). Leading
  // empty lines before the request line are skipped, not an end (§2.2).
  size_t start = 0;
  while (start < buffer.size() && (buffer[start] == '\r' || buffer[start] == '\n')) ++start;
  for (size_t i = buffer.find('\n', start); i != absl::string_view::npos;
       i = buffer.find('\n', i + 1)) {
    size_t next = i + 1;
    if (next < buffer.size() && buffer[next] == '\n') return next + 1;
    if (next + 1 < buffer.size() && buffer[next] == '\r' && buffer[next + 1] == '\n') {
      return next + 2;
    }
  }
  return 0;
}

ParsedHead ParseHead(absl::string_view head) {
  ParsedHead out;
  Request& r = out.request;
  while (!head.empty() && (head.front() == '\r' || head.front() == '\n')) head.remove_prefix(1);
  std::vector<absl::string_view> lines;
  if (!SplitLines(head, lines) || lines.empty()) {
    out.error = 400;
    return out;
  }
  bool authority_given = false;
  if (int error = ReadRequestLine(lines[0], r, authority_given); error != 0) {
    out.error = error;
    return out;
  }
  int hosts = 0;
  int fields = 0;
  std::string content_length;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (line.empty()) continue;  // the end of the head (and what follows it)
    if (++fields > kMaxFields) {
      out.error = 431;
      return out;
    }
    // §5.1: no whitespace between name and colon; §5.2: no line folding.
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || !IsToken(line.substr(0, colon))) {
      out.error = 400;
      return out;
    }
    absl::string_view name = line.substr(0, colon);
    absl::string_view value = TrimSpaceTab(line.substr(colon + 1));
    if (!IsFieldValue(value)) {
      out.error = 400;
      return out;
    }
    if (absl::EqualsIgnoreCase(name, "host")) {
      ++hosts;
      if (!authority_given) r.host = std::string(value);
    } else if (absl::EqualsIgnoreCase(name, "content-length")) {
      if (!ReadContentLength(value, content_length, r)) {
        out.error = 400;
        return out;
      }
    } else if (absl::EqualsIgnoreCase(name, "transfer-encoding")) {
      r.has_body = true;
    } else if (absl::EqualsIgnoreCase(name, "connection")) {
      ReadConnection(value, r);
    }
  }
  // §3.2: an HTTP/1.1 request without Host, or with more than one, is 400.
  if (hosts > 1 || (hosts == 0 && r.minor_version >= 1)) out.error = 400;
  return out;
}

}  // namespace dnsd::http
