// IP addresses and prefixes as plain values.
//
// Both families share one 16-byte representation: an IPv4 address is stored
// as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so that one prefix structure
// can hold both and an IPv4-mapped client matches IPv4 netblocks (policy/spf/README.md,// "The SPF macro zone"). Thread-safe: plain values.
#ifndef DNSD_PROTOCOL_NET_IP_H_
#define DNSD_PROTOCOL_NET_IP_H_

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace dnsd {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4 as ::ffff:a.b.c.d

  bool is_v4() const;  // true for IPv4 and IPv4-mapped IPv6
  // REQUIRES: is_v4(). The four IPv4 bytes.
  const uint8_t* v4() const { return bytes.data() + 12; }

  static IpAddress FromV4(const uint8_t v4[4]);
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
  // For absl::flat_hash_set and friends: readers find duplicates in a
  // list of any length by hashing, not by comparing with every earlier item.
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& ip) {
    return H::combine(std::move(h), ip.bytes);
  }
};

// Parses dotted-quad IPv4 or RFC 4291 IPv6 text.
absl::StatusOr<IpAddress> ParseIpAddress(absl::string_view text);

// "192.0.2.1", or RFC 5952 text for IPv6 ("::ffff:192.0.2.1" stays IPv6 text
// only when `mapped_as_v6` is set).
std::string FormatIpAddress(const IpAddress& ip, bool mapped_as_v6 = false);
// The same text written at `out` (kMaxIpText octets) without allocating,
// for answers written per query; returns its end.
inline constexpr size_t kMaxIpText = 45;  // "ffff:…:255.255.255.255"
char* WriteIpAddress(const IpAddress& ip, bool mapped_as_v6, char* out);

struct IpPrefix {
  IpAddress address;  // host bits are zero
  uint8_t length = 0;  // in the 128-bit space: IPv4 /24 is 96 + 24 = 120

  bool is_v4() const { return address.is_v4() && length >= 96; }
  // Whether every bit past `length` is zero, as ParseIpPrefix makes them.
  bool HostBitsZero() const;
  // The length as written in the prefix's own family ("/24" for IPv4).
  int family_length() const { return is_v4() ? length - 96 : length; }
  // Inline: the SPF matcher asks it of every netblock a domain has, per query.
  bool Contains(const IpAddress& ip) const {
    int full = length / 8;
    if (std::memcmp(ip.bytes.data(), address.bytes.data(), full) != 0) return false;
    int rest = length % 8;
    if (rest == 0) return true;
    uint8_t mask = uint8_t(0xff << (8 - rest));
    return (ip.bytes[full] & mask) == address.bytes[full];
  }
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const IpPrefix& p) {
    return H::combine(std::move(h), p.address, p.length);
  }
};

// Parses "203.0.113.0/24", "2001:db8::/32", or a bare address (a host
// prefix). Host bits that are set are an error whose message names the
// network the author probably meant.
absl::StatusOr<IpPrefix> ParseIpPrefix(absl::string_view text);

// "203.0.113.0/24" or "2001:db8::/32".
std::string FormatIpPrefix(const IpPrefix& prefix);
// FormatIpPrefix's text appended to `out`, without a string of its own,
// or written at `out` (kMaxIpPrefixText octets), returning its end.
inline constexpr size_t kMaxIpPrefixText = kMaxIpText + 4;
void AppendIpPrefix(const IpPrefix& prefix, std::string& out);
char* WriteIpPrefix(const IpPrefix& prefix, char* out);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_NET_IP_H_
