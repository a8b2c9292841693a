#include "config/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace dnsd::config {

void ForEachOnAllCores(size_t n, size_t parallel_from, const std::function<void(size_t)>& f) {
  if (n < parallel_from) {
    for (size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) f(i);
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
    threads.emplace_back(work);
  }
  work();
  for (std::thread& t : threads) t.join();
}

}  // namespace dnsd::config
