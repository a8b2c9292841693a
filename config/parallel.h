// Running independent work on every core, for the loads and compiles of
// large configurations (control plane only).
#ifndef DNSD_CONFIG_PARALLEL_H_
#define DNSD_CONFIG_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace dnsd::config {

// Calls f(i) for every i < n, each exactly once: on one thread per core
// (this one among them) when n >= `parallel_from`, else here, in order.
// `f` must be safe to call concurrently for different i.
void ForEachOnAllCores(size_t n, size_t parallel_from, const std::function<void(size_t)>& f);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_PARALLEL_H_
