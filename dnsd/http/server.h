// A small HTTP/1.1 server for what dnsd answers over HTTP: one thread with
// its own Boost.Asio event loop, so a slow client costs a socket and a
// timer, never a thread, and never delays another client. It reads request
// heads only (a request with a body is answered and the connection
// closed), keeps within Limits, and hands each request to a Handler, a
// plain function from Request to Response that must not block.
//
// Nothing here knows what is served: routes are the handler's business
// (dnsd/mta_sts/site.h for the MTA-STS policy host).
#ifndef DNSD_HTTP_SERVER_H_
#define DNSD_HTTP_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/status/statusor.h"
#include "dnsd/http/client_counts.h"
#include "dnsd/http/limits.h"
#include "dnsd/http/request.h"
#include "dnsd/http/response.h"

namespace dnsd::http {

using Handler = std::function<Response(const Request&)>;

// Written by the server's thread only; read by the metrics scrape.
struct ServerStats {
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> refused_over_limit{0};   // max_connections reached
  std::atomic<uint64_t> refused_client_limit{0};  // max_connections_per_client
  std::atomic<uint64_t> closed_timeout{0};  // head or write not done in time
  std::atomic<uint64_t> bad_requests{0};    // answered 4xx/5xx by the parser
  std::atomic<uint32_t> open{0};
};

class Server {
 public:
  // Binds `listen` ("127.0.0.1:8461", "[::1]:0"); serves nothing until
  // Start(). `handler` runs on the server's thread.
  static absl::StatusOr<std::unique_ptr<Server>> Bind(const std::string& listen,
                                                      const Limits& limits, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void Start();  // starts the thread
  void Stop();   // closes everything and waits for the thread; idempotent

  uint16_t port() const { return port_; }
  const ServerStats& stats() const { return stats_; }

 private:
  class Connection;

  Server(const Limits& limits, Handler handler);
  void Accept();
  void Admit(boost::asio::ip::tcp::socket socket);

  Limits limits_;
  Handler handler_;
  ServerStats stats_;
  ClientCounts clients_;
  uint16_t port_ = 0;
  // Declared after what connections use: destroying it destroys them.
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer accept_retry_{io_};
  std::thread thread_;
};

}  // namespace dnsd::http

#endif  // DNSD_HTTP_SERVER_H_
