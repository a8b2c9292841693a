#include "dnsd/server/rate_limiter.h"

#include <algorithm>
#include <cstring>
#include <span>

#include "dnsd/protocol/wire/reader.h"
#include "dnsd/server/prefix_hash.h"

namespace dnsd {
namespace {

constexpr uint16_t kTypeOpt = 41;

// Buckets whose stamp is at most this far ahead of `now` were stamped by
// another worker whose batch started a little later; anything further
// ahead is a stamp from before the 32-bit millisecond clock wrapped (an
// idle bucket, 25 to 50 days old), which counts as full.
constexpr int32_t kMaxSkewMs = 60000;

using prefix_hash::Masked;
using prefix_hash::RoundUpToPowerOfTwo;

uint64_t Pack(uint64_t tokens, uint32_t stamp) { return tokens << 32 | stamp; }

}  // namespace

RateLimiter::RateLimiter(const RateLimiterOptions& options)
    : rate_(std::clamp<uint64_t>(options.responses_per_second, 1, 1000000)),
      capacity_(rate_ * kUnit),
      slip_(options.slip),
      ipv4_prefix_(std::clamp(options.ipv4_prefix, 0, 32)),
      ipv6_prefix_(std::clamp(options.ipv6_prefix, 0, 128)),
      sets_(std::max<uint32_t>(RoundUpToPowerOfTwo(options.table_size) / kWays, 1)) {
  keys_ = prefix_hash::KeysFrom(options.seed);
  for (const IpPrefix& prefix : options.allow) {
    auto group = std::find_if(allow_.begin(), allow_.end(),
                              [&](const AllowGroup& g) { return g.length == prefix.length; });
    if (group == allow_.end()) {
      allow_.push_back({prefix.length, {}});
      group = allow_.end() - 1;
    }
    group->networks.push_back(Masked(prefix.address, prefix.length));
  }
  for (AllowGroup& group : allow_) std::sort(group.networks.begin(), group.networks.end());
}

IpAddress RateLimiter::PrefixOf(const IpAddress& client) const {
  return prefix_hash::PrefixOf(client, ipv4_prefix_, ipv6_prefix_);
}

bool RateLimiter::Allowed(const IpAddress& client) const {
  for (const AllowGroup& group : allow_) {
    if (std::binary_search(group.networks.begin(), group.networks.end(),
                           Masked(client, group.length))) {
      return true;
    }
  }
  return false;
}

uint64_t RateLimiter::Hash(const IpAddress& prefix) const {
  return prefix_hash::Hash(prefix, keys_);
}

uint64_t RateLimiter::Refill(uint64_t state, uint32_t now, uint32_t* stamp) const {
  uint64_t tokens = state >> 32;
  uint32_t then = static_cast<uint32_t>(state);
  int32_t elapsed = static_cast<int32_t>(now - then);
  if (elapsed <= 0 && elapsed > -kMaxSkewMs) {
    *stamp = then;
    return tokens;
  }
  *stamp = now;
  if (elapsed < 0 || elapsed >= 1000) return capacity_;
  return std::min(capacity_, tokens + static_cast<uint64_t>(elapsed) * rate_);
}

bool RateLimiter::Take(Bucket& bucket, uint32_t now) {
  // A lost race means another worker changed the bucket meanwhile: look
  // again. Giving up after a few tries only happens to a prefix several
  // workers are answering at once, which is what is being limited.
  for (int attempt = 0; attempt < 4; ++attempt) {
    uint64_t old = bucket.state.load(std::memory_order_relaxed);
    uint32_t stamp;
    uint64_t tokens = Refill(old, now, &stamp);
    if (tokens < kUnit) {
      // Keep the refill (a fraction of an answer) for the next look.
      if (stamp != static_cast<uint32_t>(old)) {
        bucket.state.compare_exchange_weak(old, Pack(tokens, stamp), std::memory_order_relaxed);
      }
      return false;
    }
    if (bucket.state.compare_exchange_weak(old, Pack(tokens - kUnit, stamp),
                                           std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

RateLimiter::Action RateLimiter::Limited(const IpAddress& client, SlipCounter& counter) const {
  // The allow-list is consulted only here, so answers within the rate cost
  // no look-up in it.
  if (Allowed(client)) return Action::kSend;
  ++counter.limited;
  if (slip_ == 0 || counter.limited % slip_ != 0) return Action::kDrop;
  return Action::kSlip;
}

RateLimiter::Action RateLimiter::Check(const IpAddress& client, uint64_t now_ms,
                                       SlipCounter& counter) {
  uint64_t hash = Hash(PrefixOf(client));
  uint64_t tag = hash | 1;
  Set& set = sets_[(hash >> 32) & (sets_.size() - 1)];
  uint32_t now = static_cast<uint32_t>(now_ms);
  for (Bucket& bucket : set.ways) {
    if (bucket.tag.load(std::memory_order_relaxed) == tag) {
      return Take(bucket, now) ? Action::kSend : Limited(client, counter);
    }
  }
  // Not tracked: replace the bucket closest to full, the one whose prefix
  // has been quietest, so limited prefixes stay tracked.
  Bucket* victim = &set.ways[0];
  uint64_t fullest = 0;
  for (Bucket& bucket : set.ways) {
    if (bucket.tag.load(std::memory_order_relaxed) == 0) {
      victim = &bucket;
      break;
    }
    uint32_t stamp;
    uint64_t tokens = Refill(bucket.state.load(std::memory_order_relaxed), now, &stamp);
    if (tokens > fullest) {
      fullest = tokens;
      victim = &bucket;
    }
  }
  victim->state.store(Pack(capacity_ - kUnit, now), std::memory_order_relaxed);
  victim->tag.store(tag, std::memory_order_relaxed);
  return Action::kSend;
}

size_t SlipResponse(uint8_t* message, size_t size) {
  constexpr size_t kHeader = 12;
  if (size < kHeader) return size;
  wire::Reader r(std::span<const uint8_t>(message, size));
  r.Skip(4);
  uint16_t questions = r.ReadU16();
  uint16_t answers = r.ReadU16();
  uint16_t authority = r.ReadU16();
  uint16_t additional = r.ReadU16();
  for (int i = 0; i < questions; ++i) {
    r.SkipName();
    r.Skip(4);
  }
  size_t end = r.ok() ? r.position() : kHeader;
  if (!r.ok()) questions = 0;
  for (int i = 0; i < answers + authority && r.ok(); ++i) {
    r.SkipName();
    r.Skip(8);
    r.Skip(r.ReadU16());
  }
  size_t opt_start = 0, opt_size = 0;
  for (int i = 0; i < additional && r.ok(); ++i) {
    size_t start = r.position();
    r.SkipName();
    uint16_t type = r.ReadU16();
    r.Skip(6);
    r.Skip(r.ReadU16());
    if (r.ok() && type == kTypeOpt) {
      opt_start = start;
      opt_size = r.position() - start;
    }
  }
  if (opt_size > 0) std::memmove(message + end, message + opt_start, opt_size);
  message[2] |= 0x02;  // TC (RFC 1035 §4.1.1)
  auto put16 = [&](size_t at, uint16_t v) {
    message[at] = static_cast<uint8_t>(v >> 8);
    message[at + 1] = static_cast<uint8_t>(v);
  };
  put16(4, questions);
  put16(6, 0);
  put16(8, 0);
  put16(10, opt_size > 0 ? 1 : 0);
  return end + opt_size;
}

}  // namespace dnsd
