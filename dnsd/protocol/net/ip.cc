#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// Zeroes every bit past `length`; returns true if any was set.
bool ClearHostBits(IpAddress& ip, int length) {
  bool had_host_bits = false;
  for (int i = 0; i < 16; ++i) {
    int keep = length - i * 8;
    uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : uint8_t(0xff << (8 - keep));
    if (ip.bytes[i] & ~mask) had_host_bits = true;
    ip.bytes[i] &= mask;
  }
  return had_host_bits;
}

}  // namespace

bool IpAddress::is_v4() const {
  return std::memcmp(bytes.data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0;
}

bool IpPrefix::HostBitsZero() const {
  IpAddress copy = address;
  return !ClearHostBits(copy, length);
}

IpAddress IpAddress::FromV4(const uint8_t v4[4]) {
  IpAddress ip;
  std::memcpy(ip.bytes.data(), kMappedPrefix, sizeof(kMappedPrefix));
  std::memcpy(ip.bytes.data() + 12, v4, 4);
  return ip;
}

absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text) {
  // inet_pton stops at a NUL: "192.0.2.1\0junk" must not read as an address.
  if (text.size() >= INET6_ADDRSTRLEN || text.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an IP address"));
  }
  char buf[INET6_ADDRSTRLEN];
  // A default string_view has a null data(): memcpy must not see it.
  if (!text.empty()) std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t v4[4];
  if (inet_pton(AF_INET, buf, v4) == 1) return IpAddress::FromV4(v4);
  IpAddress ip;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) return ip;
  return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an IP address"));
}

namespace {

// Writes 0-255 in decimal at `p`; returns the end.
char* WriteOctet(unsigned v, char* p) {
  if (v >= 100) *p++ = char('0' + v / 100);
  if (v >= 10) *p++ = char('0' + v / 10 % 10);
  *p++ = char('0' + v % 10);
  return p;
}

char* WriteV4(const uint8_t* b, char* out) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) *out++ = '.';
    out = WriteOctet(b[i], out);
  }
  return out;
}

char* WriteHex(unsigned v, char* out) {
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
// was a seventh of the SPF query path's instructions.
char* WriteV6(const uint8_t* b, char* out) {
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
      return WriteV4(b + 12, out);
    }
    out = WriteHex(words[i], out);
  }
  if (best >= 0 && best + best_len == 8) *out++ = ':';
  return out;
}

}  // namespace

char* WriteIpAddress(const IpAddress& ip, bool mapped_as_v6, char* out) {
  if (ip.is_v4() && !mapped_as_v6) return WriteV4(ip.bytes.data() + 12, out);
  return WriteV6(ip.bytes.data(), out);
}

char* WriteIpPrefix(const IpPrefix& prefix, char* out) {
  out = WriteIpAddress(prefix.address, !prefix.is_v4(), out);
  *out++ = '/';
  return WriteOctet(static_cast<unsigned>(prefix.family_length()), out);
}

std::string FormatIpAddress(const IpAddress& ip, bool mapped_as_v6) {
  char buf[kMaxIpText];
  return std::string(buf, WriteIpAddress(ip, mapped_as_v6, buf));
}

absl::StatusOr<IpPrefix> ParseIpPrefix(absl::string_view text) {
  absl::string_view addr_text = text;
  absl::string_view len_text;
  if (auto slash = text.find('/'); slash != absl::string_view::npos) {
    addr_text = text.substr(0, slash);
    len_text = text.substr(slash + 1);
  }
  auto addr = ParseIpAddress(addr_text);
  if (!addr.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not an IP prefix"));
  }
  // An IPv6 text such as "::ffff:1.2.3.4/120" is IPv6 by how it is written.
  bool v4 = addr_text.find(':') == absl::string_view::npos;
  int max_len = v4 ? 32 : 128;
  int len = max_len;
  if (!len_text.empty() || text.find('/') != absl::string_view::npos) {
    if (!absl::SimpleAtoi(len_text, &len) || len < 0 || len > max_len ||
        len_text.find_first_not_of("0123456789") != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", text, "' has a bad prefix length (0 to ", max_len, ")"));
    }
  }
  IpPrefix prefix;
  prefix.address = *addr;
  prefix.length = uint8_t(v4 ? len + 96 : len);
  if (ClearHostBits(prefix.address, prefix.length)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' has host bits set; did you mean '",
                     FormatIpPrefix(prefix), "'?"));
  }
  return prefix;
}

std::string FormatIpPrefix(const IpPrefix& prefix) {
  std::string out;
  AppendIpPrefix(prefix, out);
  return out;
}

void AppendIpPrefix(const IpPrefix& prefix, std::string& out) {
  char buf[kMaxIpPrefixText];
  out.append(buf, WriteIpPrefix(prefix, buf));
}

}  // namespace dnsd
