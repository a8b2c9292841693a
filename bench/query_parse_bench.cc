// Packet parse: the header gate (dnsd::ParseQuery) on the throughput mix's
// packets, as received: header, question, lower-cased name, OPT.
#include <benchmark/benchmark.h>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"
#include "dnsd/protocol/query/gate.h"

namespace dnsd::bench {
namespace {

void BM_ParseQuery(benchmark::State& state) {
  const MixFixture& f = Mix();
  size_t i = 0;
  Query query;
  AllocationCounter allocs;
  for (auto _ : state) {
    GateResult gate = ParseQuery(f.Packet(i), Transport::kUdp, &query);
    benchmark::DoNotOptimize(gate);
    benchmark::DoNotOptimize(query);
    if (++i == f.queries.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseQuery);

}  // namespace
}  // namespace dnsd::bench
