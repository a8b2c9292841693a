// Macro-name parse: spf::MatchQueryName on the SPF names of the mix,
// every reading of each (IP, HELO and domain label ranges).
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"
#include "policy/spf/query_name.h"

namespace dnsd::bench {
namespace {

void BM_MacroNameParse(benchmark::State& state) {
  const MixFixture& f = Mix();
  const spf::MacroZone& p = f.snapshot->spf;
  std::vector<const wire::Name*> names;
  for (size_t i = 0; i < f.queries.size(); ++i) {
    if (f.queries[i].spf) names.push_back(&f.parsed[i].name);
  }
  size_t i = 0;
  int readings = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const wire::Name& name = *names[i];
    spf::NameLabels labels{&name, name.label_count - p.zone_labels};
    spf::MatchQueryName(p.tmpl, labels, [&](const spf::MacroName&) { ++readings; });
    if (++i == names.size()) i = 0;
  }
  benchmark::DoNotOptimize(readings);
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MacroNameParse);

}  // namespace
}  // namespace dnsd::bench
