// Zone find: the zone table at 100k domains (two zones each, _dmarc and
// _domainkey). ZoneTable::Find for the DMARC and DKIM names of the mix, and
// the node check every SPF macro name pays first (ZoneTable::FindNode: a
// name with records of its own in the SPF zone is answered from them).
#include <benchmark/benchmark.h>

#include <vector>

#include "bench/alloc_counter.h"
#include "bench/mix_fixture.h"

namespace dnsd::bench {
namespace {

std::vector<size_t> Pick(const MixFixture& f, bool spf) {
  std::vector<size_t> out;
  for (size_t i = 0; i < f.queries.size(); ++i) {
    if (f.queries[i].spf == spf) out.push_back(i);
  }
  return out;
}

void BM_ZoneFind(benchmark::State& state) {
  const MixFixture& f = Mix();
  std::vector<size_t> picked = Pick(f, false);
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    ZoneTable::Match m = f.snapshot->zones.Find(f.parsed[picked[i]].name);
    benchmark::DoNotOptimize(m);
    if (++i == picked.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
  state.counters["zones"] = static_cast<double>(f.snapshot->zones.zone_count());
}
BENCHMARK(BM_ZoneFind);

void BM_ZoneFindNodeSpf(benchmark::State& state) {
  const MixFixture& f = Mix();
  std::vector<size_t> picked = Pick(f, true);
  size_t i = 0;
  AllocationCounter allocs;
  for (auto _ : state) {
    const Node* node = f.snapshot->zones.FindNode(f.parsed[picked[i]].name.view());
    benchmark::DoNotOptimize(node);
    if (++i == picked.size()) i = 0;
  }
  allocs.Report(state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ZoneFindNodeSpf);

}  // namespace
}  // namespace dnsd::bench
