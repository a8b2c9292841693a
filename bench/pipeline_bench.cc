// The whole pipeline per packet: dnsd::HandleQuery on the throughput mix's
// packets, what a UDP worker does between recvmmsg and sendmmsg.
// Arg 0: the whole mix; 1: its SPF macro names; 2: its DMARC and DKIM names.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"
#include "dnsd/pipeline.h"

namespace dnsd::bench {
namespace {

void BM_HandleQuery(benchmark::State& state) {
  const MixFixture& f = Mix();
  std::vector<size_t> picked;
  for (size_t i = 0; i < f.queries.size(); ++i) {
    if (state.range(0) == 0 || f.queries[i].spf == (state.range(0) == 1)) picked.push_back(i);
  }
  std::vector<uint8_t> response(65535);
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    Outcome o = HandleQuery(*f.snapshot, f.Packet(picked[i]), Transport::kUdp, response);
    benchmark::DoNotOptimize(o);
    if (++i == picked.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "mix" : state.range(0) == 1 ? "spf" : "dmarc+dkim");
}
BENCHMARK(BM_HandleQuery)->DenseRange(0, 2);

}  // namespace
}  // namespace dnsd::bench
