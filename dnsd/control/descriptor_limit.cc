#include "dnsd/control/descriptor_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

constexpr uint64_t kFixedMargin = 64;
constexpr uint64_t kPerWorker = 3;  // epoll, eventfd, timerfd (Asio's reactor)

std::string Limit(uint64_t value) {
  return value == RLIM_INFINITY ? std::string("unlimited") : absl::StrCat(value);
}

std::string Breakdown(const DescriptorNeed& need) {
  return absl::StrCat(need.total(), " open files (", need.connections, " for tcp.max_connections, ",
                      need.http_connections == 0
                          ? std::string()
                          : absl::StrCat(need.http_connections, " for mta_sts.max_connections, "),
                      need.sockets, " listening sockets, ", need.margin,
                      " for files, event loops, metrics and reloads)");
}

}  // namespace

DescriptorNeed DescriptorsNeeded(uint32_t max_connections, size_t listen_addresses,
                                 unsigned threads) {
  DescriptorNeed need;
  need.connections = max_connections;
  need.sockets = uint64_t{2} * listen_addresses * threads;
  need.margin = kFixedMargin + kPerWorker * (uint64_t{threads} + 1);  // + the control loop
  return need;
}

DescriptorPlan PlanDescriptorLimit(uint64_t needed, uint64_t soft, uint64_t hard) {
  if (soft == RLIM_INFINITY || soft >= needed) return {DescriptorPlan::Action::kEnough, 0};
  if (hard == RLIM_INFINITY || hard >= needed) return {DescriptorPlan::Action::kRaise, needed};
  return {DescriptorPlan::Action::kRefuse, 0};
}

absl::StatusOr<std::string> EnsureDescriptorLimit(const DescriptorNeed& need) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  DescriptorPlan plan = PlanDescriptorLimit(need.total(), limit.rlim_cur, limit.rlim_max);
  switch (plan.action) {
    case DescriptorPlan::Action::kEnough:
      return absl::StrCat("open-file limit (RLIMIT_NOFILE) ", Limit(limit.rlim_cur),
                          " covers the ", Breakdown(need), " dnsd needs");
    case DescriptorPlan::Action::kRaise: {
      rlimit raised = limit;
      raised.rlim_cur = plan.raise_to;
      if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
        return absl::InternalError(absl::StrCat("cannot raise the open-file limit (RLIMIT_NOFILE) from ",
                                                Limit(limit.rlim_cur), " to ", plan.raise_to,
                                                ": ", std::strerror(errno)));
      }
      return absl::StrCat("raised the open-file limit (RLIMIT_NOFILE) from ",
                          Limit(limit.rlim_cur), " to ", plan.raise_to, " (hard limit ",
                          Limit(limit.rlim_max), ") for the ", Breakdown(need), " dnsd needs");
    }
    case DescriptorPlan::Action::kRefuse:
      break;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "not starting: dnsd needs ", Breakdown(need),
      ", but the open-file limit (RLIMIT_NOFILE) is ", Limit(limit.rlim_cur),
      " with a hard limit of ", Limit(limit.rlim_max),
      "; raise the hard limit (LimitNOFILE= in the systemd unit, ulimit -Hn, or the "
      "container's nofile ulimit) to at least ",
      need.total(), ", or lower tcp.max_connections"));
}

}  // namespace dnsd
