// Sender lookup at 100k domains: spf::Decide on the SPF names of the
// mix. It parses the macro name, finds the domain among all configured
// ones, checks the IP against the domain's netblocks and its senders'
// ranges, then the HELO against the senders' patterns, and picks the rule.
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"
#include "policy/spf/decide.h"

namespace dnsd::bench {
namespace {

void BM_SenderLookup(benchmark::State& state) {
  const MixFixture& f = Mix();
  std::vector<const wire::Name*> names;
  for (size_t i = 0; i < f.queries.size(); ++i) {
    if (f.queries[i].spf) names.push_back(&f.parsed[i].name);
  }
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    spf::Decision d = spf::Decide(f.snapshot->spf, *names[i]);
    benchmark::DoNotOptimize(d);
    if (++i == names.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.counters["domains"] = static_cast<double>(f.domains);
}
BENCHMARK(BM_SenderLookup);

}  // namespace
}  // namespace dnsd::bench
