// Running independent work on several threads, for the loads and compiles
// of large configurations (control plane only).
#ifndef DNSD_CONFIG_PARALLEL_H_
#define DNSD_CONFIG_PARALLEL_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

namespace dnsd::config {

// One per CPU this process may run on: for work that only computes.
unsigned ComputeThreads();

// For work that waits on the disk (stats and reads of domain files): when
// the page cache is cold, each read blocks on the device, and a core
// serves other threads meanwhile; more reads in flight also keep the
// device's queue full. Measured at 100,000 files, cold, on 2 cores: 13.4 s
// to read them on 2 threads, 10.1 s on 16.
unsigned FileThreads();

// Calls f(i) for every i < n, each exactly once: on `threads` threads
// (this one among them) when n >= `parallel_from`, else here, in order.
// `f` must be safe to call concurrently for different i. With
// `helper_nice` above 0, the threads started for it run that much nicer
// than this one (at most 19): they yield the cores to threads that matter
// more (a start's link, config/image_link.h) and take what those leave.
void ForEachInParallel(size_t n, size_t parallel_from, unsigned threads,
                       const std::function<void(size_t)>& f, int helper_nice = 0);

// ForEachInParallel on ComputeThreads().
void ForEachOnAllCores(size_t n, size_t parallel_from, const std::function<void(size_t)>& f);

// Items made in any order on several threads (ForEachInParallel), taken
// by one other thread in index order, each as soon as it is made: that
// thread's work on the first items overlaps the making of the rest.
template <typename T>
class InOrderHandoff {
 public:
  explicit InOrderHandoff(size_t n) : slots_(n) {}
  size_t size() const { return slots_.size(); }

  // Item i, not null, from any thread, once for each i; it must stay put
  // until the taker is done with it.
  void Put(size_t i, const T* item) {
    slots_[i].store(item, std::memory_order_release);
    slots_[i].notify_one();
  }
  // Item i, once it has been put: waits (without spinning) until then.
  const T& Take(size_t i) const {
    const T* item;
    while ((item = slots_[i].load(std::memory_order_acquire)) == nullptr) {
      slots_[i].wait(nullptr, std::memory_order_acquire);
    }
    return *item;
  }

 private:
  std::vector<std::atomic<const T*>> slots_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_PARALLEL_H_
