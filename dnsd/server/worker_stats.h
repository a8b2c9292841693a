// Counters one worker thread keeps for itself: plain integers, written by
// that thread only, read (racily but harmlessly, as relaxed atomics) at
// scrape time. No counter is shared between threads on the query path.
#ifndef DNSD_SERVER_WORKER_STATS_H_
#define DNSD_SERVER_WORKER_STATS_H_

#include <atomic>
#include <cstdint>

#include "dnsd/pipeline.h"
#include "dnsd/zone/zone.h"

namespace dnsd {

// A counter written by one thread and read by others. Relaxed loads and
// stores compile to plain moves on x86-64 and make the cross-thread read
// well-defined.
class LocalCounter {
 public:
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct alignas(64) WorkerStats {
  static constexpr int kTransports = 2;
  static constexpr int kRcodes = 24;        // 0..23 covers everything dnsd sends
  static constexpr int kZoneKinds = kZoneKindCount + 1;  // + "none"

  LocalCounter responses[kTransports][kZoneKinds][kRcodes];
  LocalCounter queries[kTransports];
  LocalCounter dropped[kTransports];         // not a query: no response
  LocalCounter truncated;                    // TC sent over UDP
  LocalCounter send_errors;
  LocalCounter tcp_accepted;
  LocalCounter tcp_refused;                  // over the connection limit
  LocalCounter tcp_idle_closed;

  void Count(Transport t, const Outcome& o) {
    int ti = static_cast<int>(t);
    queries[ti].Add();
    if (o.size == 0) {
      dropped[ti].Add();
      return;
    }
    int zone = o.zone_kind < 0 ? kZoneKindCount : o.zone_kind;
    responses[ti][zone][o.rcode < kRcodes ? o.rcode : kRcodes - 1].Add();
    if (o.truncated) truncated.Add();
  }
};

}  // namespace dnsd

#endif  // DNSD_SERVER_WORKER_STATS_H_
