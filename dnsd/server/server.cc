#include "dnsd/server/server.h"

#include <unistd.h>

#include <algorithm>

#include <boost/asio/post.hpp>

#include "dnsd/protocol/base/cpus.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/server/socket.h"

namespace dnsd {

unsigned Server::ThreadCount(unsigned requested) {
  return requested != 0 ? requested : UsableCpus();
}

absl::StatusOr<std::unique_ptr<Server>> Server::Bind(const ServerOptions& options,
                                                     const SnapshotHolder& snapshots) {
  std::unique_ptr<Server> server(new Server());
  server->tcp_limits_ = options.tcp;
  server->tcp_limits_.per_prefix.max_connections = options.tcp.max_connections;
  server->connection_limit_ = std::make_unique<ConnectionLimit>(server->tcp_limits_.per_prefix);
  if (options.rate_limit) {
    server->rate_limiter_ = std::make_unique<RateLimiter>(*options.rate_limit);
  }
  unsigned threads = ThreadCount(options.threads);
  if (snapshots.readers() < threads) {
    return absl::InvalidArgumentError("one snapshot reader slot per worker is required");
  }
  for (unsigned i = 0; i < threads; ++i) {
    server->workers_.push_back(std::make_unique<Worker>());
    server->workers_.back()->stats.visibility.Reset(options.tracked_domains);
  }

  for (Endpoint ep : options.listen) {
    // Refuse a port another process serves, rather than take half its
    // traffic; a port 0 becomes one free for both transports.
    DNSD_ASSIGN_OR_RETURN(ep.port, ProbeListenAddress(ep));
    for (unsigned i = 0; i < threads; ++i) {
      Worker* w = server->workers_[i].get();
      // The first socket resolves port 0; the rest join it by SO_REUSEPORT.
      DNSD_ASSIGN_OR_RETURN(int udp_fd, OpenListenSocket(ep, SocketKind::kUdp));
      if (ep.port == 0) ep.port = LocalPort(udp_fd);
      w->udp.push_back(std::make_unique<UdpListener>(w->io, udp_fd, ep.v6, IsWildcard(ep),
                                                     snapshots, i, w->stats,
                                                     server->rate_limiter_.get()));
      DNSD_ASSIGN_OR_RETURN(int tcp_fd, OpenListenSocket(ep, SocketKind::kTcp));
      w->tcp.push_back(std::make_unique<TcpListener>(w->io, tcp_fd, ep.v6, server->tcp_limits_,
                                                     server->open_tcp_, *server->connection_limit_,
                                                     snapshots, i, w->stats));
      if (options.dnstap != nullptr) {
        w->udp.back()->set_dnstap(&options.dnstap->tap(i));
        w->tcp.back()->set_dnstap(&options.dnstap->tap(i));
      }
    }
    server->bound_.push_back(ep);
  }
  return server;
}

Server::~Server() { Stop(); }

void Server::Start() {
  if (started_) return;
  started_ = true;
  for (auto& w : workers_) {
    for (auto& l : w->udp) l->Start();
    for (auto& l : w->tcp) l->Start();
    w->thread = std::thread([worker = w.get()] { worker->io.run(); });
  }
}

void Server::Stop() {
  for (auto& w : workers_) {
    boost::asio::post(w->io, [worker = w.get()] {
      for (auto& l : worker->udp) l->Stop();
      for (auto& l : worker->tcp) l->Stop();
      worker->io.stop();
    });
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

}  // namespace dnsd
