// Serves DNS over TCP (RFC 7766) on one listening socket of one worker.
//
// Each message carries a 2-octet length prefix (RFC 1035 §4.2.2). Clients
// may pipeline: every complete message in the buffer is answered, in order,
// before the next read. A connection closes after `idle_timeout` without a
// query that got an answer (RFC 7766 §6.2.3: a byte a minute, an empty
// frame or garbage every few seconds do not keep it open). Connections over
// the server's limit, or over the limit of their client's prefix, are
// closed at once (§6.2.2).
//
// A connection's read buffer starts at 2 + 512 octets and grows to the
// length a frame announces (at most 2 + 65535) only while such a frame is
// read, so an idle connection costs a few kilobytes, not 128 KiB.
#ifndef DNSD_SERVER_TCP_LISTENER_H_
#define DNSD_SERVER_TCP_LISTENER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dnsd/dnstap/worker_tap.h"
#include "dnsd/server/connection_limit.h"
#include "dnsd/server/snapshot_holder.h"
#include "dnsd/server/worker_stats.h"

namespace dnsd {

struct TcpLimits {
  std::chrono::milliseconds idle_timeout{10000};
  uint32_t max_connections = 1024;
  // Per client prefix; Server::Bind sets its max_connections from the above.
  ConnectionLimitOptions per_prefix;
};

class TcpListener {
 public:
  // Takes ownership of `fd`, a listening TCP socket. `open_connections`
  // and `per_prefix` are shared by all workers' listeners (touched per
  // connection, not per query).
  TcpListener(boost::asio::io_context& io, int fd, bool v6, const TcpLimits& limits,
              std::atomic<uint32_t>& open_connections, ConnectionLimit& per_prefix,
              const SnapshotHolder& snapshots, unsigned reader, WorkerStats& stats);
  void Start();
  void Stop();
  // Hands every answer sent to `tap` (this worker's; nullptr: dnstap off).
  // Before Start().
  void set_dnstap(dnstap::WorkerTap* tap) { dnstap_ = tap; }

 private:
  void Accept();
  void Admit(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  TcpLimits limits_;
  std::atomic<uint32_t>& open_;
  ConnectionLimit& per_prefix_;
  const SnapshotHolder& snapshots_;
  unsigned reader_;
  WorkerStats& stats_;
  dnstap::WorkerTap* dnstap_ = nullptr;
  // One response buffer for every connection of this (single-threaded) worker.
  std::shared_ptr<std::vector<uint8_t>> scratch_;
};

}  // namespace dnsd

#endif  // DNSD_SERVER_TCP_LISTENER_H_
