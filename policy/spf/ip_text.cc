#include "policy/spf/ip_text.h"

#include <cstring>

namespace dnsd::spf {
namespace {

char* AppendV4(char* out, const uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) *out++ = '.';
    out = AppendDecimal(out, b[i]);
  }
  return out;
}

char* AppendHex(char* out, unsigned v) {
  static constexpr char kHex[] = "0123456789abcdef";
  int shift = 12;
  while (shift > 0 && (v >> shift) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *out++ = kHex[(v >> shift) & 0xF];
  return out;
}

// The text glibc's inet_ntop writes, octet for octet (it went out in
// answers before, and receivers compare them as text): RFC 5952 — lower
// case, no leading zeros, the first longest run of two or more zero groups
// as "::" — and, like glibc, the last 32 bits as dotted IPv4 after a
// leading run of six zero groups or of five and ffff (::a.b.c.d,
// ::ffff:a.b.c.d). Written by hand: inet_ntop formats with sprintf, which
// was a seventh of the query path's instructions.
char* AppendV6(char* out, const uint8_t* b) {
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  for (int i = 0; i < 8; ++i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best) *out++ = ':';
      continue;
    }
    if (i != 0) *out++ = ':';
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      return AppendV4(out, b + 12);
    }
    out = AppendHex(out, words[i]);
  }
  if (best >= 0 && best + best_len == 8) *out++ = ':';
  return out;
}

}  // namespace

char* AppendText(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* AppendDecimal(char* out, unsigned v) {
  if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
  *out++ = static_cast<char>('0' + v % 10);
  return out;
}

char* AppendIp(char* out, const IpAddress& ip, bool v4) {
  return v4 ? AppendV4(out, ip.bytes.data() + 12) : AppendV6(out, ip.bytes.data());
}

char* AppendPrefixTerm(char* out, const IpPrefix& prefix) {
  bool v4 = prefix.is_v4();
  out = AppendIp(AppendText(out, v4 ? "ip4:" : "ip6:"), prefix.address, v4);
  *out++ = '/';
  return AppendDecimal(out, static_cast<unsigned>(prefix.family_length()));
}

}  // namespace dnsd::spf
