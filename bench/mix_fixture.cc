#include "bench/mix_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "config/load_and_compile.h"
#include "dnsd/protocol/answer/render.h"
#include "dnsd/protocol/answer/static_answer.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/query/gate.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/spf_answer.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

namespace dnsd::bench {
namespace {

const char* EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "mix fixture: %s\n", why.c_str());
  std::exit(1);
}

void AppendQuery(const std::string& name, uint16_t qtype, uint16_t id, MixFixture* f) {
  auto wire_name = wire::NameFromText(name);
  if (!wire_name.ok()) Fail("bad query name " + name);
  MixQuery q;
  q.offset = f->wire.size();
  auto u16 = [&](uint16_t v) {
    f->wire.push_back(static_cast<uint8_t>(v >> 8));
    f->wire.push_back(static_cast<uint8_t>(v));
  };
  u16(id);
  u16(0);  // QUERY, RD clear: a resolver asking an authority
  u16(1);
  u16(0);
  u16(0);
  u16(1);
  f->wire.insert(f->wire.end(), wire_name->begin(), wire_name->end());
  u16(qtype);
  u16(wire::kClassIn);
  f->wire.push_back(0);  // OPT: root owner, payload 1232, no flags, no options
  u16(wire::kTypeOpt);
  u16(1232);
  u16(0);
  u16(0);
  u16(0);
  q.size = f->wire.size() - q.offset;
  f->queries.push_back(q);
}

// The pipeline's dispatch (dnsd/pipeline.cc), step by step, so that each
// step's output can be kept for the benchmark of the next.
void AnswerOne(const config::Snapshot& s, const Query& q, bool* spf, Answer* a) {
  const wire::Name& name = q.name;
  *spf = s.spf_zone != nullptr && name.label_count > s.spf.zone_labels &&
         name.Suffix(name.label_count - s.spf.zone_labels) == s.spf.zone;
  if (*spf) {
    const Node* node = s.zones.FindNode(name.view());
    *spf = node == nullptr || node->rrsets.empty();
  }
  if (*spf) {
    spf::AnswerSpf(s.spf, *s.spf_zone, s.common, q, a);
    return;
  }
  ZoneTable::Match m = s.zones.Find(name);
  if (m.zone == nullptr) {
    a->rcode = wire::kRefused;
    return;
  }
  AnswerFromZone(m, s.common, q, a);
}

// One HandleQuery per query of the file with callgrind's instrumentation on
// (a no-op outside valgrind): run the binary under `valgrind --tool=callgrind
// --instr-atstart=no` and the profile holds the pipeline over exactly the
// mix, without the minutes of loading (bench/README.md, "Profile").
void InstrumentedPass(const MixFixture& f) {
  std::vector<uint8_t> response(65535);
  size_t octets = 0;
  CALLGRIND_START_INSTRUMENTATION;
  for (size_t i = 0; i < f.queries.size(); ++i) {
    octets += HandleQuery(*f.snapshot, f.Packet(i), Transport::kUdp, response).size;
  }
  CALLGRIND_STOP_INSTRUMENTATION;
  std::fprintf(stderr, "mix fixture: instrumented pass over %zu queries, %zu octets\n",
               f.queries.size(), octets);
}

MixFixture* Load() {
  std::string config = EnvOr("DNSD_BENCH_CONFIG", "/tmp/dnsd-throughput-bench/cfg-100000-s1/dnsd.yaml");
  std::string queries = EnvOr("DNSD_BENCH_QUERIES", "/tmp/dnsd-throughput-bench/queries.txt");
  std::ifstream in(queries);
  if (!in) {
    Fail("cannot read " + queries + " (set DNSD_BENCH_QUERIES, or run bench/throughput_bench.sh once)");
  }
  auto* f = new MixFixture();
  std::fprintf(stderr, "mix fixture: loading %s (100k domains take a minute or two)\n", config.c_str());
  config::LoadedConfig loaded = config::LoadAndCompile(config, 1);
  if (loaded.fatal || loaded.snapshot == nullptr) {
    Fail("cannot load " + config + (loaded.errors.empty() ? "" : ": " + std::string(loaded.errors[0].message.str())));
  }
  f->snapshot = std::move(loaded.snapshot);
  f->domains = loaded.set().domains.size();
  std::string name, type;
  while (in >> name >> type) {
    uint16_t qtype = type == "TXT" ? wire::kTypeTxt : type == "A" ? wire::kTypeA : 0;
    if (qtype == 0) Fail("query type " + type + " not supported here");
    AppendQuery(name, qtype, static_cast<uint16_t>(f->queries.size()), f);
  }
  if (f->queries.empty()) Fail("no queries in " + queries);
  size_t n = f->queries.size();
  f->parsed.resize(n);
  f->answers.resize(n);  // in place: an SPF answer points into its own scratch
  std::vector<uint8_t> expected(65535), rendered(65535);
  for (size_t i = 0; i < n; ++i) {
    GateResult gate = ParseQuery(f->Packet(i), Transport::kUdp, &f->parsed[i]);
    if (gate.verdict != GateVerdict::kLookup) Fail("query " + std::to_string(i) + " not a look-up");
    AnswerOne(*f->snapshot, f->parsed[i], &f->queries[i].spf, &f->answers[i]);
    Outcome o = HandleQuery(*f->snapshot, f->Packet(i), Transport::kUdp, expected);
    Rendered r = Render(f->parsed[i], f->answers[i], f->snapshot->udp_payload, rendered);
    if (o.size == 0 || o.rcode != wire::kNoError || o.truncated) {
      Fail("query " + std::to_string(i) + " not answered NOERROR");
    }
    // The step-by-step answer is the pipeline's, octet for octet.
    if (r.size != o.size || std::memcmp(expected.data(), rendered.data(), o.size) != 0) {
      Fail("query " + std::to_string(i) + ": steps and HandleQuery disagree");
    }
  }
  std::fprintf(stderr, "mix fixture: %zu domains, %zu queries, all answered NOERROR\n", f->domains, n);
  if (std::getenv("DNSD_BENCH_CALLGRIND_PASS") != nullptr) InstrumentedPass(*f);
  return f;
}

}  // namespace

const MixFixture& Mix() {
  static const MixFixture* fixture = Load();
  return *fixture;
}

}  // namespace dnsd::bench
