// Serves DNS over UDP on one socket, owned by one worker thread.
//
// Asio tells us when the socket is readable; we then drain it with
// recvmmsg(2) and answer with sendmmsg(2), up to kBatch datagrams per system
// call, which is where a DNS server's UDP time goes. All buffers are
// allocated once, here; the query path allocates nothing.
//
// While the socket is busy (a batch came back full) it is taken out of
// the worker's epoll set and drained by handlers posted to the worker, and
// put back when a batch comes back short. Watched by epoll, every datagram
// sent wakes the socket's wait queue when the kernel frees it (sock_wfree:
// epoll's entry is a waiter), which perf put at ~2.5% of dnsd's CPU under
// load on loopback; the fixed responder, blocked in recvmmsg only while
// idle, pays nothing for it.
#ifndef DNSD_SERVER_UDP_LISTENER_H_
#define DNSD_SERVER_UDP_LISTENER_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ip/udp.hpp>

#include "dnsd/dnstap/worker_tap.h"
#include "dnsd/pipeline.h"
#include "dnsd/server/rate_limiter.h"
#include "dnsd/server/snapshot_holder.h"
#include "dnsd/server/worker_stats.h"

namespace dnsd {

class UdpListener {
 public:
  // Takes ownership of `fd`, a bound UDP socket. `pktinfo`: the socket is a
  // wildcard bind with IP_PKTINFO / IPV6_RECVPKTINFO on.
  // `reader` is this worker's read slot in `snapshots`. `limiter` (shared
  // by all workers; nullptr: no rate limiting) sees every answer before it
  // is sent.
  UdpListener(boost::asio::io_context& io, int fd, bool v6, bool pktinfo,
              const SnapshotHolder& snapshots, unsigned reader, WorkerStats& stats,
              RateLimiter* limiter);
  ~UdpListener();
  void Start();
  void Stop();
  // Whether the socket is in the worker's epoll set now (false: busy, being
  // drained by posted handlers). For tests.
  bool watched() const { return watched_; }
  // Hands every answer sent to `tap` (this worker's; nullptr: dnstap off).
  // Before Start().
  void set_dnstap(dnstap::WorkerTap* tap);

 private:
  static constexpr int kBatch = 64;
  static constexpr size_t kQuerySize = 4096;     // larger datagrams are not queries
  static constexpr size_t kResponseSize = 4096;  // udp_payload is at most 4096
  static constexpr size_t kControlSize = 64;     // fits in6_pktinfo

  void Wait();
  // Receives and answers until the socket is empty or a budget is spent;
  // then waits for it (Watch, Wait), or, still busy, posts itself.
  void Drain();
  // Take the socket out of the worker's epoll set and put it back
  // (epoll_ctl DEL / ADD through Asio's release and assign).
  void Unwatch();
  bool Watch();
  int ReceiveBatch();
  void AnswerBatch(int received);
  // Applies the rate limit to the answer in `response` for `peer`; it may
  // shrink it to a slipped (TC) answer. False: drop it.
  bool RateLimit(const sockaddr_storage& peer, uint8_t* response, Outcome& outcome,
                 uint64_t now_ms);
  // Records the batch's SPF answers in sender visibility (visible_[0, count)),
  // their table look-ups prefetched together.
  void RecordVisibility(int count);

  boost::asio::io_context& io_;
  boost::asio::ip::udp::socket socket_;  // holds fd_ while watched
  boost::asio::steady_timer retry_;      // Watch() failed: try again soon
  int fd_;
  bool v6_;
  bool watched_ = true;
  bool stopped_ = false;
  bool pktinfo_;
  const SnapshotHolder& snapshots_;
  unsigned reader_;
  WorkerStats& stats_;
  RateLimiter* limiter_;
  RateLimiter::SlipCounter slip_counter_;
  dnstap::WorkerTap* dnstap_ = nullptr;
  sockaddr_storage local_{};  // the bound address, for dnstap

  struct Slot {
    std::array<uint8_t, kQuerySize> query;
    std::array<uint8_t, kResponseSize> response;
    sockaddr_storage peer;
    alignas(cmsghdr) std::array<uint8_t, kControlSize> control;
    alignas(cmsghdr) std::array<uint8_t, kControlSize> reply_control;
    iovec in_iov, out_iov;
  };
  std::vector<Slot> slots_;
  // The batch as the pipeline's HandleBatch takes it (dnsd/pipeline.h):
  // requests (empty for a datagram the kernel cut short), responses (each
  // slot's buffer), the prepared queries between its steps, the outcomes.
  std::array<std::span<const uint8_t>, kBatch> requests_{};
  std::array<std::span<uint8_t>, kBatch> responses_{};
  std::vector<PreparedQuery> prepared_;
  std::array<Outcome, kBatch> outcomes_{};
  std::array<mmsghdr, kBatch> in_{};
  std::array<mmsghdr, kBatch> out_{};
  // This batch's answers that sender visibility records; they point into
  // the snapshot the batch holds.
  std::array<Outcome, kBatch> visible_{};
  std::array<uint64_t, kBatch> visible_keys_{};
};

}  // namespace dnsd

#endif  // DNSD_SERVER_UDP_LISTENER_H_
