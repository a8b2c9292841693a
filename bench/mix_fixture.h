// The throughput benchmark's data in memory, for the answer-path benchmarks:
// the configuration bench/throughput_bench.sh generates (100,000 domains by
// default) loaded and compiled as dnsd serve does, and its query file
// encoded as dns_load sends it (EDNS(0) 1232, RD clear). Each query is
// parsed, answered and rendered once while loading, so every piece can be
// timed on its own input.
//
// Where from: $DNSD_BENCH_CONFIG (default
// /tmp/dnsd-throughput-bench/cfg-100000-s1/dnsd.yaml) and
// $DNSD_BENCH_QUERIES (default /tmp/dnsd-throughput-bench/queries.txt);
// run bench/throughput_bench.sh once, or bench/gen_config.py, to make them.
#ifndef DNSD_BENCH_MIX_FIXTURE_H_
#define DNSD_BENCH_MIX_FIXTURE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "config/snapshot.h"
#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/query/query.h"

namespace dnsd::bench {

struct MixQuery {
  size_t offset = 0, size = 0;  // into MixFixture::wire
  bool spf = false;             // below the SPF zone: answered by the SPF rules
};

struct MixFixture {
  std::unique_ptr<config::Snapshot> snapshot;
  size_t domains = 0;
  std::vector<uint8_t> wire;
  std::vector<MixQuery> queries;
  std::vector<Query> parsed;    // ParseQuery of each (spans point into `wire`)
  std::vector<Answer> answers;  // each query's answer, before rendering

  std::span<const uint8_t> Packet(size_t i) const {
    return {wire.data() + queries[i].offset, queries[i].size};
  }
};

// Loaded once per process; exits with a message if the files are missing
// or a query is not answered NOERROR.
const MixFixture& Mix();

}  // namespace dnsd::bench

#endif  // DNSD_BENCH_MIX_FIXTURE_H_
