#include "bench/alloc_counter.h"

#include "dnsd/testing/allocation_counter.h"

namespace dnsd::bench {

uint64_t AllocationsSoFar() { return static_cast<uint64_t>(testing::AllocationCount()); }

void AllocationCounter::Report(benchmark::State& state) const {
  uint64_t n = AllocationsSoFar() - start_;
  state.counters["allocs_per_query"] =
      benchmark::Counter(static_cast<double>(n) / static_cast<double>(state.iterations()));
}

}  // namespace dnsd::bench
