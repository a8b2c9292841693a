// The network server: worker threads, each with its own io_context, its own
// UDP socket and TCP acceptor per listen address (SO_REUSEPORT), and its own
// counters. Workers share nothing on the query path but the read-only
// snapshot.
#ifndef DNSD_SERVER_SERVER_H_
#define DNSD_SERVER_SERVER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "absl/status/statusor.h"
#include "dnsd/dnstap/writer.h"
#include "dnsd/protocol/net/endpoint.h"
#include "dnsd/server/connection_limit.h"
#include "dnsd/server/rate_limiter.h"
#include "dnsd/server/snapshot_holder.h"
#include "dnsd/server/tcp_listener.h"
#include "dnsd/server/udp_listener.h"
#include "dnsd/server/worker_stats.h"

namespace dnsd {

struct ServerOptions {
  std::vector<Endpoint> listen;
  unsigned threads = 0;  // 0: one per CPU of the affinity mask
  TcpLimits tcp;
  size_t tracked_domains = 0;  // per worker, for sender visibility; 0: off
  std::optional<RateLimiterOptions> rate_limit;  // nullopt: UDP answers are not limited
  // Worker i hands its answers to dnstap->tap(i); nullptr: dnstap off. Not
  // owned; it must outlive the server.
  dnstap::Writer* dnstap = nullptr;
};

class Server {
 public:
  // The number of worker threads `requested` means (0: one per CPU this
  // process may run on, its affinity mask).
  static unsigned ThreadCount(unsigned requested);

  // Binds every socket (so privileges can be dropped right after) but
  // serves nothing until Start(). Worker i reads `snapshots` through slot i;
  // slots past the workers' are left to other readers (the MTA-STS host).
  // REQUIRES: snapshots.readers() >= ThreadCount(options.threads).
  static absl::StatusOr<std::unique_ptr<Server>> Bind(const ServerOptions& options,
                                                      const SnapshotHolder& snapshots);
  ~Server();

  void Start();  // starts the worker threads
  void Stop();   // stops them and waits; safe to call more than once

  // The listen addresses with ports the kernel chose filled in.
  const std::vector<Endpoint>& bound() const { return bound_; }
  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }
  const std::atomic<uint32_t>& open_tcp_connections() const { return open_tcp_; }
  bool rate_limited() const { return rate_limiter_ != nullptr; }
  template <typename F>  // F(const WorkerStats&)
  void ForEachWorker(F&& f) const {
    for (const auto& w : workers_) f(w->stats);
  }

 private:
  struct Worker {
    boost::asio::io_context io{1};
    WorkerStats stats;
    std::vector<std::unique_ptr<UdpListener>> udp;
    std::vector<std::unique_ptr<TcpListener>> tcp;
    std::thread thread;
  };

  Server() = default;

  // One table for every worker; declared first so that it outlives them.
  std::unique_ptr<RateLimiter> rate_limiter_;
  // TCP connections per client prefix, likewise shared.
  std::unique_ptr<ConnectionLimit> connection_limit_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Endpoint> bound_;
  std::atomic<uint32_t> open_tcp_{0};
  TcpLimits tcp_limits_;
  bool started_ = false;
};

}  // namespace dnsd

#endif  // DNSD_SERVER_SERVER_H_
