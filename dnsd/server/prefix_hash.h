// Client prefixes and a keyed hash of them, for the tables that count per
// prefix across workers: the rate limiter (rate_limiter.h) and the TCP
// per-prefix connection limit (connection_limit.h).
//
// The hash is keyed by a secret picked at start, so nobody can choose
// addresses that land on one counter (the same reason Knot DNS and NSD key
// their RRL tables).
#ifndef DNSD_SERVER_PREFIX_HASH_H_
#define DNSD_SERVER_PREFIX_HASH_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "dnsd/protocol/net/ip.h"

namespace dnsd::prefix_hash {

// Multiplies and folds the 128-bit product (the mixing step of wyhash).
inline uint64_t Mix(uint64_t a, uint64_t b) {
  __extension__ typedef unsigned __int128 Uint128;
  Uint128 product = static_cast<Uint128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

// SplitMix64: expands one seed into as many keys as a table needs.
inline uint64_t SplitMix(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

using Keys = std::array<uint64_t, 4>;

inline Keys KeysFrom(uint64_t seed) {
  Keys keys;
  for (uint64_t& key : keys) key = SplitMix(seed);
  return keys;
}

// `address` with all but its first `length` bits (of the 128-bit,
// IPv4-mapped space) cleared.
inline std::array<uint8_t, 16> Masked(const IpAddress& address, int length) {
  std::array<uint8_t, 16> out = address.bytes;
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(length - 8 * i, 0, 8);
    out[i] &= static_cast<uint8_t>(0xff00 >> keep);
  }
  return out;
}

// The prefix `client` is counted under: /ipv4_prefix for IPv4 (IPv4-mapped
// included), /ipv6_prefix for IPv6.
inline IpAddress PrefixOf(const IpAddress& client, int ipv4_prefix, int ipv6_prefix) {
  IpAddress prefix;
  prefix.bytes = Masked(client, client.is_v4() ? 96 + ipv4_prefix : ipv6_prefix);
  return prefix;
}

inline uint64_t Hash(const IpAddress& prefix, const Keys& keys) {
  uint64_t high, low;
  std::memcpy(&high, prefix.bytes.data(), 8);
  std::memcpy(&low, prefix.bytes.data() + 8, 8);
  return Mix(Mix(high ^ keys[0], low ^ keys[1]) ^ keys[2], keys[3]);
}

inline uint32_t RoundUpToPowerOfTwo(uint32_t n) {
  uint32_t p = 1;
  while (p < n && p < (1u << 31)) p <<= 1;
  return p;
}

}  // namespace dnsd::prefix_hash

#endif  // DNSD_SERVER_PREFIX_HASH_H_
