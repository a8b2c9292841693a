// Counters one worker thread keeps for itself: plain integers, written by
// that thread only, read (racily but harmlessly, as relaxed atomics) at
// scrape time. No counter is shared between threads on the query path.
#ifndef DNSD_SERVER_WORKER_STATS_H_
#define DNSD_SERVER_WORKER_STATS_H_

#include <atomic>
#include <cstdint>

#include "dnsd/pipeline.h"
#include "dnsd/server/sender_visibility.h"
#include "config/zone_kinds.h"
#include "dnsd/protocol/zone/zone.h"
#include "policy/spf/decide.h"

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
  static constexpr int kZoneKinds = config::kZoneKindCount + 1;  // + "none"

  LocalCounter responses[kTransports][kZoneKinds][kRcodes];
  LocalCounter queries[kTransports];
  LocalCounter dropped[kTransports];         // not a query: no response
  LocalCounter truncated;                    // TC sent over UDP
  LocalCounter send_errors;
  LocalCounter tcp_accepted;
  LocalCounter tcp_refused;                  // over the connection limit
  LocalCounter tcp_prefix_refused;           // over the limit of the client's prefix
  LocalCounter tcp_idle_closed;
  LocalCounter spf_rules[spf::kRuleCount];
  SenderVisibility visibility;               // per domain, bounded
  LocalCounter rrl_dropped;                  // UDP answers the rate limiter withheld
  LocalCounter rrl_slipped;                  // ... or sent truncated instead

  // Processing time per query, measured per batch (one steady_clock read
  // before and after; vDSO, no system call) and spread over its queries.
  static constexpr int kBuckets = 10;
  static constexpr double kBucketBounds[kBuckets] = {1e-6,   2.5e-6, 5e-6, 1e-5, 2.5e-5,
                                                     5e-5,   1e-4,   2.5e-4, 1e-3, 1e-2};
  LocalCounter time_buckets[kBuckets + 1];  // the last is +Inf
  LocalCounter time_count;
  LocalCounter time_sum_ns;

  void ObserveBatch(uint64_t nanos, uint64_t queries) {
    if (queries == 0) return;
    double per_query = static_cast<double>(nanos) / 1e9 / static_cast<double>(queries);
    int b = 0;
    while (b < kBuckets && per_query > kBucketBounds[b]) ++b;
    time_buckets[b].Add(queries);
    time_count.Add(queries);
    time_sum_ns.Add(nanos);
  }

  // A UDP answer the rate limiter dropped: the query counts, no response.
  void CountRateLimitDrop() {
    queries[static_cast<int>(Transport::kUdp)].Add();
    rrl_dropped.Add();
  }

  void Count(Transport t, const Outcome& o) {
    if (CountResponse(t, o)) visibility.Record(o.spf_domain->name, VisibilityRule(o),
                                               VisibilitySender(o), VisibilityIp(o));
  }

  // Count() without the sender visibility record, for a caller that makes
  // it later in a batch (SenderVisibility::Key, Prefetch, Record). True if
  // `o` needs one: an SPF answer for a configured domain.
  bool CountResponse(Transport t, const Outcome& o) {
    int ti = static_cast<int>(t);
    queries[ti].Add();
    if (o.size == 0) {
      dropped[ti].Add();
      return false;
    }
    bool visible = false;
    if (o.spf_rule >= 0 && o.spf_rule < spf::kRuleCount) {
      spf_rules[o.spf_rule].Add();
      visible = o.spf_domain != nullptr;
    }
    int zone = o.zone_kind < 0 ? config::kZoneKindCount : o.zone_kind;
    responses[ti][zone][o.rcode < kRcodes ? o.rcode : kRcodes - 1].Add();
    if (o.truncated) truncated.Add();
    return visible;
  }

  // What SenderVisibility::Record takes from an outcome CountResponse
  // returned true for.
  static spf::Rule VisibilityRule(const Outcome& o) { return static_cast<spf::Rule>(o.spf_rule); }
  static absl::string_view VisibilitySender(const Outcome& o) {
    return o.spf_sender != nullptr ? absl::string_view(o.spf_sender->id) : "";
  }
  static const IpAddress* VisibilityIp(const Outcome& o) {
    return o.spf_ip_unidentified ? &o.spf_ip : nullptr;
  }
};

}  // namespace dnsd

#endif  // DNSD_SERVER_WORKER_STATS_H_
