// Open connections per client address, for Limits::max_connections_per_client.
// Holds an entry only while the address has a connection open, so it never
// grows beyond Limits::max_connections entries.
//
// Not thread-safe: the HTTP server's one thread owns it.
#ifndef DNSD_HTTP_CLIENT_COUNTS_H_
#define DNSD_HTTP_CLIENT_COUNTS_H_

#include <array>
#include <cstdint>

#include "absl/container/flat_hash_map.h"

namespace dnsd::http {

// An IPv6 address, or an IPv4 one mapped (::ffff:a.b.c.d), as octets.
using ClientAddress = std::array<uint8_t, 16>;

class ClientCounts {
 public:
  explicit ClientCounts(uint32_t per_client) : per_client_(per_client) {}

  // Counts a connection of `client`; false (nothing counted) when it has
  // `per_client` open already.
  bool TryAdd(const ClientAddress& client);
  // REQUIRES: a TryAdd of `client` returned true and was not removed yet.
  void Remove(const ClientAddress& client);

  size_t clients() const { return open_.size(); }

 private:
  uint32_t per_client_;
  absl::flat_hash_map<ClientAddress, uint32_t> open_;
};

}  // namespace dnsd::http

#endif  // DNSD_HTTP_CLIENT_COUNTS_H_
