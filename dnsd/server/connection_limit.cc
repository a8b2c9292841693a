#include "dnsd/server/connection_limit.h"

#include <algorithm>
#include <cstdint>

namespace dnsd {
namespace {

// Four counters a row per connection the server may hold (a quarter of a
// connection per counter at most), at least 1024, at most 2^21 (32 MiB for
// the four rows, for half a million connections and more).
uint32_t CountersPerRow(uint32_t max_connections) {
  uint64_t wanted = std::clamp<uint64_t>(uint64_t{max_connections} * 4, 1024, 1u << 21);
  return prefix_hash::RoundUpToPowerOfTwo(static_cast<uint32_t>(wanted));
}

}  // namespace

ConnectionLimit::ConnectionLimit(const ConnectionLimitOptions& options)
    : limit_(std::max<uint32_t>(options.limit, 1)),
      ipv4_prefix_(std::clamp(options.ipv4_prefix, 0, 32)),
      ipv6_prefix_(std::clamp(options.ipv6_prefix, 0, 128)),
      keys_(prefix_hash::KeysFrom(options.seed)),
      mask_(CountersPerRow(options.max_connections) - 1),
      counts_(new std::atomic<uint32_t>[kRows * (size_t{mask_} + 1)]) {
  for (size_t i = 0; i < kRows * (size_t{mask_} + 1); ++i) {
    counts_[i].store(0, std::memory_order_relaxed);
  }
}

ConnectionLimit::Ticket ConnectionLimit::TicketFor(const IpAddress& client) const {
  uint64_t h = prefix_hash::Hash(prefix_hash::PrefixOf(client, ipv4_prefix_, ipv6_prefix_), keys_);
  // Row r's counter is h1 + r * h2 (double hashing, Kirsch and
  // Mitzenmacher): as good as four independent hashes for a sketch. h2 is
  // odd, so the rows never all agree on one column.
  uint32_t h1 = static_cast<uint32_t>(h);
  uint32_t h2 = static_cast<uint32_t>(h >> 32) | 1;
  Ticket t;
  for (int r = 0; r < kRows; ++r) {
    t.counters[r] = static_cast<uint32_t>(r) * (mask_ + 1) + ((h1 + r * h2) & mask_);
  }
  return t;
}

bool ConnectionLimit::Acquire(const IpAddress& client, Ticket* ticket) {
  *ticket = TicketFor(client);
  // Add first, then look: of two workers racing for a prefix's last place
  // neither can slip past the limit (both may be refused, which is the
  // safe way to lose the race).
  uint32_t count = UINT32_MAX;
  for (uint32_t i : ticket->counters) {
    count = std::min(count, counts_[i].fetch_add(1, std::memory_order_relaxed) + 1);
  }
  if (count > limit_) {
    Release(*ticket);
    return false;
  }
  return true;
}

void ConnectionLimit::Release(const Ticket& ticket) {
  for (uint32_t i : ticket.counters) counts_[i].fetch_sub(1, std::memory_order_relaxed);
}

uint32_t ConnectionLimit::Count(const IpAddress& client) const {
  uint32_t count = UINT32_MAX;
  for (uint32_t i : TicketFor(client).counters) {
    count = std::min(count, counts_[i].load(std::memory_order_relaxed));
  }
  return count;
}

}  // namespace dnsd
