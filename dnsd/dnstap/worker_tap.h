// A worker's hand-off to dnstap: decides whether an answer is logged (the
// zone filter, then the 1-in-N sampler), copies it into the worker's own
// ring, and counts what did not fit.
//
// Offer() is on the answer path: no allocation, no lock, no system call
// (the clock is read through the vDSO by the caller); a few copies and one
// release store. Thread-safety: Offer() from the one worker that owns the
// tap; dropped() from any thread; ring() consumed by the writer thread.
#ifndef DNSD_DNSTAP_WORKER_TAP_H_
#define DNSD_DNSTAP_WORKER_TAP_H_

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <span>

#include "dnsd/dnstap/event.h"
#include "dnsd/dnstap/options.h"
#include "dnsd/dnstap/ring.h"

namespace dnsd::dnstap {

// One answered query, as the listener has it.
struct Exchange {
  std::span<const uint8_t> query;
  std::span<const uint8_t> response;
  const sockaddr* client = nullptr;
  const sockaddr* server = nullptr;
  bool tcp = false;
  int zone_kind = -1;
  uint64_t query_time_ns = 0;
};

// CLOCK_REALTIME in nanoseconds (a vDSO read, no system call).
uint64_t WallClockNs();

// The address and port of an AF_INET or AF_INET6 socket address.
Endpoint EndpointOf(const sockaddr* address);

class WorkerTap {
 public:
  explicit WorkerTap(const Options& options);

  // Logs `x` if the options want it; drops and counts it when the ring is
  // full or a message is too large for a slot.
  void Offer(const Exchange& x);

  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  SpscRing<Event>& ring() { return ring_; }

 private:
  void Drop() { dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }

  const int only_zone_kind_;
  const uint32_t sample_;
  uint32_t sample_count_ = 0;
  std::atomic<uint64_t> dropped_{0};  // written by the worker only
  SpscRing<Event> ring_;
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_WORKER_TAP_H_
