// The open-file limit (RLIMIT_NOFILE) `dnsd serve` needs, checked at start.
//
// Every TCP connection is a descriptor. With `tcp.max_connections` above
// the soft limit (1024 on most systems) connections past it would fail in
// accept(2), and so would opening a domain file for a reload, while the
// metrics still showed room. So at start dnsd counts what it needs: the
// connections, its listening sockets, and a margin for everything else;
// raises the soft limit up to the hard limit when that is enough; and
// otherwise refuses to start, saying the numbers.
#ifndef DNSD_CONTROL_DESCRIPTOR_LIMIT_H_
#define DNSD_CONTROL_DESCRIPTOR_LIMIT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace dnsd {

struct DescriptorNeed {
  uint64_t connections = 0;  // tcp.max_connections
  uint64_t sockets = 0;      // UDP and TCP, per listen address and worker
  uint64_t margin = 0;       // stdio, event loops, metrics, the watcher, reloads
  uint64_t http_connections = 0;  // mta_sts.max_connections when the policy host is on
  uint64_t total() const { return connections + sockets + margin + http_connections; }
};

// What `dnsd serve` with these settings needs. Each worker has an epoll,
// an eventfd and a timerfd; the rest of the margin covers stdio, the
// control loop, the inotify watcher, the metrics endpoint and its
// clients, the refresher's resolver socket, one file open for a reload,
// and the socket accept(2) hands out before a refused connection closes.
DescriptorNeed DescriptorsNeeded(uint32_t max_connections, size_t listen_addresses,
                                 unsigned threads);

struct DescriptorPlan {
  enum class Action { kEnough, kRaise, kRefuse };
  Action action = Action::kEnough;
  uint64_t raise_to = 0;  // kRaise: the new soft limit
};

// `soft` and `hard` as getrlimit(2) gives them (RLIM_INFINITY included).
DescriptorPlan PlanDescriptorLimit(uint64_t needed, uint64_t soft, uint64_t hard);

// Reads RLIMIT_NOFILE and acts on PlanDescriptorLimit: a line for the log
// (what it found, what it raised) or, when the hard limit is too low, an
// error whose message says the numbers and what to change.
absl::StatusOr<std::string> EnsureDescriptorLimit(const DescriptorNeed& need);

}  // namespace dnsd

#endif  // DNSD_CONTROL_DESCRIPTOR_LIMIT_H_
