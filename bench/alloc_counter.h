// Counts heap allocations in a benchmark binary: dnsd_allocation_counter
// (dnsd/testing/allocation_counter.h) replaces the global operator new, and
// AllocationCounter reports the allocations made during a timed loop per
// iteration. The query path must make none: it is allocation-free.
#ifndef DNSD_BENCH_ALLOC_COUNTER_H_
#define DNSD_BENCH_ALLOC_COUNTER_H_

#include <benchmark/benchmark.h>

#include <cstdint>

namespace dnsd::bench {

uint64_t AllocationsSoFar();

class AllocationCounter {
 public:
  AllocationCounter() : start_(AllocationsSoFar()) {}
  // Sets the "allocs_per_query" counter.
  void Report(benchmark::State& state) const;

 private:
  uint64_t start_;
};

}  // namespace dnsd::bench

#endif  // DNSD_BENCH_ALLOC_COUNTER_H_
