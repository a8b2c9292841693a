// What one client, and all clients together, may take of the HTTP server
// (server.h): connections, bytes of request head, and time.
#ifndef DNSD_HTTP_LIMITS_H_
#define DNSD_HTTP_LIMITS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace dnsd::http {

struct Limits {
  // A request head (request line and fields) longer than this is answered
  // 431 and the connection closed (RFC 6585 §5).
  size_t max_head_bytes = 8192;
  // From the moment the server waits for a request (after the accept, or
  // after the previous answer) until its whole head has arrived; a client
  // slower than that, or one that went away without closing, is closed.
  // The same bound is the keep-alive idle time.
  std::chrono::milliseconds head_timeout{5000};
  // For an answer to be taken by the client.
  std::chrono::milliseconds write_timeout{5000};
  // Requests on one connection, then "Connection: close".
  uint32_t max_requests_per_connection = 100;
  // Open connections in all, and per client address; beyond either a new
  // connection is closed at once.
  uint32_t max_connections = 512;
  uint32_t max_connections_per_client = 16;
};

}  // namespace dnsd::http

#endif  // DNSD_HTTP_LIMITS_H_
