// Counts heap allocations in a benchmark binary: alloc_counter.cc replaces
// the global operator new, and AllocationCounter reports the allocations
// made during a timed loop per iteration. The query path must make none
// (STYLE.md: the hot path is allocation-free).
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
