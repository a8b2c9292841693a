// Response rate limiting (RRL): caps the UDP answers dnsd sends to one
// client prefix, so that queries with a forged source address cannot turn
// dnsd into an amplifier aimed at the owner of that address.
//
// Each prefix (/24 IPv4, /56 IPv6 by default) has a token bucket holding at
// most one second's worth of answers, refilled continuously. An answer
// that finds the bucket empty is limited: every `slip`th limited answer
// goes out truncated (TC=1, nothing but the question and OPT), so a real
// resolver retries over TCP, which is never limited; the others are
// dropped. Prefixes on the allow-list are never limited.
//
// One table serves every worker thread, as Knot DNS does it, so the limit
// is per prefix whichever worker the kernel's SO_REUSEPORT hash gives a
// flow to (per-worker tables would give a prefix anything from rate/N to
// rate). The table has a fixed size, allocated once; Check() allocates
// nothing and takes no lock: each bucket is updated with one
// compare-and-swap, and the rare lost race costs at most one answer more
// or less. Buckets sit in sets of four (one cache line); a new prefix
// replaces the set's fullest bucket, so a flood of forged sources evicts
// idle prefixes, not the ones being limited. The time is passed in, so the
// logic is testable without a clock.
#ifndef DNSD_SERVER_RATE_LIMITER_H_
#define DNSD_SERVER_RATE_LIMITER_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "dnsd/protocol/net/ip.h"

namespace dnsd {

struct RateLimiterOptions {
  uint32_t responses_per_second = 1000;  // per prefix; REQUIRES: 1..1000000
  uint32_t slip = 2;                     // 0: drop every limited answer
  int ipv4_prefix = 24;                  // 0..32
  int ipv6_prefix = 56;                  // 0..128
  std::vector<IpPrefix> allow;           // never limited
  uint32_t table_size = 65536;           // buckets; rounded up to a power of two
  uint64_t seed = 0;                     // keys the hash; pick it at random
};

class RateLimiter {
 public:
  enum class Action { kSend, kDrop, kSlip };

  // Each worker keeps one: which limited answer slips is counted per worker.
  struct SlipCounter {
    uint64_t limited = 0;
  };

  explicit RateLimiter(const RateLimiterOptions& options);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Accounts one UDP answer to `client` at `now_ms` (any monotonic clock in
  // milliseconds) and says what to do with it. Thread-safe; lock-free.
  Action Check(const IpAddress& client, uint64_t now_ms, SlipCounter& counter);

  // The prefix `client` is counted under.
  IpAddress PrefixOf(const IpAddress& client) const;
  bool Allowed(const IpAddress& client) const;
  size_t buckets() const { return sets_.size() * kWays; }

 private:
  static constexpr int kWays = 4;
  static constexpr uint64_t kUnit = 1000;  // tokens per answer (per-ms refill stays exact)

  struct Bucket {
    std::atomic<uint64_t> tag{0};    // hash of the prefix, never 0 when used
    std::atomic<uint64_t> state{0};  // tokens << 32 | time in ms (wrapping)
  };
  struct alignas(64) Set {
    std::array<Bucket, kWays> ways;
  };
  // Allow-list prefixes of one length, sorted, for binary search.
  struct AllowGroup {
    int length = 0;  // in the 128-bit space
    std::vector<std::array<uint8_t, 16>> networks;
  };

  uint64_t Hash(const IpAddress& prefix) const;
  // Tokens in `state` after refilling up to `now`, and the new time stamp.
  uint64_t Refill(uint64_t state, uint32_t now, uint32_t* stamp) const;
  bool Take(Bucket& bucket, uint32_t now);
  Action Limited(const IpAddress& client, SlipCounter& counter) const;

  uint64_t rate_;      // tokens added per millisecond
  uint64_t capacity_;  // one second's worth
  uint32_t slip_;
  int ipv4_prefix_, ipv6_prefix_;
  std::array<uint64_t, 4> keys_;  // prefix_hash::Keys
  std::vector<AllowGroup> allow_;
  std::vector<Set> sets_;
};

// Rewrites the UDP response of `size` octets in `message` into a slipped
// one: the header with TC=1 and the question, answer and authority empty,
// and of the additional section only the OPT record (RFC 6891 §7: a
// responder that speaks EDNS puts OPT in every reply to a query that had
// one). Returns the new size. A response it cannot walk (it never should)
// keeps only its header and question, or only the header.
size_t SlipResponse(uint8_t* message, size_t size);

}  // namespace dnsd

#endif  // DNSD_SERVER_RATE_LIMITER_H_
