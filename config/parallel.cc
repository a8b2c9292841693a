#include "config/parallel.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>
#include <vector>

#include "dnsd/protocol/base/cpus.h"

namespace dnsd::config {

namespace {

// Enough reads in flight for a virtual disk's queue, few enough that the
// threads' stacks and parse buffers stay small.
constexpr unsigned kFileThreadsPerCore = 8;
constexpr unsigned kMaxFileThreads = 16;

}  // namespace

unsigned ComputeThreads() { return UsableCpus(); }

unsigned FileThreads() {
  return std::min(kMaxFileThreads, ComputeThreads() * kFileThreadsPerCore);
}

void ForEachInParallel(size_t n, size_t parallel_from, unsigned threads,
                       const std::function<void(size_t)>& f, int helper_nice) {
  if (n < parallel_from || threads <= 1) {
    for (size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) f(i);
  };
  auto helper = [&] {
    // Per thread on Linux, and inherited from the thread that made this
    // one; raising it needs no privilege. The thread ends with this call,
    // so nothing else runs at that value.
    if (helper_nice > 0) {
      auto self = static_cast<id_t>(gettid());
      errno = 0;
      int own = getpriority(PRIO_PROCESS, self);
      if (errno == 0) setpriority(PRIO_PROCESS, self, std::min(own + helper_nice, 19));
    }
    work();
  };
  std::vector<std::thread> others;
  for (unsigned t = 1; t < threads; ++t) others.emplace_back(helper);
  work();
  for (std::thread& t : others) t.join();
}

void ForEachOnAllCores(size_t n, size_t parallel_from, const std::function<void(size_t)>& f) {
  ForEachInParallel(n, parallel_from, ComputeThreads(), f);
}

}  // namespace dnsd::config
