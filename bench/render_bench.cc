// Answer render: dnsd::Render of each query's answer of the mix to wire
// (header, question echo, records with compressed owners, OPT).
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"
#include "dnsd/protocol/answer/render.h"

namespace dnsd::bench {
namespace {

void BM_Render(benchmark::State& state) {
  const MixFixture& f = Mix();
  std::vector<uint8_t> out(65535);
  size_t i = 0;
  uint64_t octets = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    Rendered r = Render(f.parsed[i], f.answers[i], f.snapshot->udp_payload, out);
    octets += r.size;
    benchmark::DoNotOptimize(out.data());
    if (++i == f.queries.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(octets));
}
BENCHMARK(BM_Render);

}  // namespace
}  // namespace dnsd::bench
