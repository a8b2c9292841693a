// The TCP connections one client prefix may hold open, across all workers
// (issue 16; RFC 7766 §6.2.2 lets a server limit connections per client).
//
// Without it one host could take every one of `tcp.max_connections` and
// shut everyone else out of TCP, which resolvers need for the answers that
// do not fit UDP (long DKIM keys).
//
// Counts live in a count-min sketch: four rows of counters, and each prefix
// (keyed hash, prefix_hash.h) adds to one counter in each row; its count
// is the smallest of the four. That never counts too few, so no prefix
// ever holds more than `limit` connections. It counts too many only when
// each of a prefix's four counters is shared with other prefixes that
// hold enough connections to reach `limit` with its own. With four
// counters a row for every connection the server may hold and a secret
// key, that is rare even for a very small limit on a full server (in a
// simulation with a limit of 4 and the server full of prefixes holding 3
// each, one connection in about 150,000 was refused early), and
// for the default of 64 it would take most of the server's connections
// sitting on those four counters. Fixed size, allocated once; Acquire and
// Release take no lock (a relaxed atomic add per row) and allocate nothing.
#ifndef DNSD_SERVER_CONNECTION_LIMIT_H_
#define DNSD_SERVER_CONNECTION_LIMIT_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "dnsd/protocol/net/ip.h"
#include "dnsd/server/prefix_hash.h"

namespace dnsd {

struct ConnectionLimitOptions {
  uint32_t limit = 64;             // connections per prefix; REQUIRES: >= 1
  int ipv4_prefix = 24;            // 0..32
  int ipv6_prefix = 56;            // 0..128
  uint32_t max_connections = 1024; // sizes the table
  uint64_t seed = 0;               // keys the hash; pick it at random
};

class ConnectionLimit {
 public:
  static constexpr int kRows = 4;

  // Which counters a connection was counted in, for its Release.
  struct Ticket {
    std::array<uint32_t, kRows> counters{};
  };

  explicit ConnectionLimit(const ConnectionLimitOptions& options);
  ConnectionLimit(const ConnectionLimit&) = delete;
  ConnectionLimit& operator=(const ConnectionLimit&) = delete;

  // Counts one more connection from `client`. False, with nothing counted,
  // when its prefix holds `limit` already. Thread-safe; lock-free.
  bool Acquire(const IpAddress& client, Ticket* ticket);
  // Uncounts a connection Acquire accepted.
  void Release(const Ticket& ticket);

  // The count of `client`'s prefix as the sketch has it (for tests).
  uint32_t Count(const IpAddress& client) const;
  uint32_t limit() const { return limit_; }
  size_t counters_per_row() const { return size_t{mask_} + 1; }

 private:
  Ticket TicketFor(const IpAddress& client) const;

  uint32_t limit_;
  int ipv4_prefix_, ipv6_prefix_;
  prefix_hash::Keys keys_;
  uint32_t mask_;  // counters per row, minus one
  // The rows one after the other; a Ticket holds indices into all of it.
  std::unique_ptr<std::atomic<uint32_t>[]> counts_;
};

}  // namespace dnsd

#endif  // DNSD_SERVER_CONNECTION_LIMIT_H_
