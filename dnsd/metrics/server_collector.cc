#include "dnsd/metrics/server_collector.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "config/zone_kinds.h"
#include "dnsd/metrics/family.h"
#include "dnsd/cli/version.h"
#include "policy/spf/decide.h"

namespace dnsd {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* kTransports[] = {"udp", "tcp"};

double Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// Sums one counter over every worker.
template <typename F>
uint64_t Sum(const Server& server, F&& get) {
  uint64_t total = 0;
  server.ForEachWorker([&](const WorkerStats& s) { total += get(s); });
  return total;
}

const char* RcodeName(int rcode) {
  switch (rcode) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 16: return "BADVERS";
    default: return nullptr;
  }
}

MetricFamily ProcessingTime(const Server& server) {
  MetricFamily f = Family("dnsd_query_processing_seconds",
                          "Time from a query's receipt to its response being ready, measured "
                          "per receive batch and spread over the batch's queries.",
                          MetricType::Histogram);
  ClientMetric m;
  uint64_t cumulative = 0;
  for (int b = 0; b <= WorkerStats::kBuckets; ++b) {
    cumulative += Sum(server, [b](const WorkerStats& s) { return s.time_buckets[b].Get(); });
    ClientMetric::Bucket bucket;
    bucket.cumulative_count = cumulative;
    bucket.upper_bound = b < WorkerStats::kBuckets ? WorkerStats::kBucketBounds[b]
                                                   : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back(bucket);
  }
  m.histogram.sample_count = Sum(server, [](const WorkerStats& s) { return s.time_count.Get(); });
  m.histogram.sample_sum =
      Sum(server, [](const WorkerStats& s) { return s.time_sum_ns.Get(); }) / 1e9;
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

void ServerCollector::CollectQueries(std::vector<MetricFamily>& out) const {
  MetricFamily queries = Family("dnsd_queries_total", "DNS messages received.",
                                MetricType::Counter);
  MetricFamily dropped = Family("dnsd_queries_dropped_total",
                                "Messages that were not queries (too short, or responses) and "
                                "got no answer.",
                                MetricType::Counter);
  MetricFamily responses = Family("dnsd_responses_total",
                                  "Responses sent, by transport, zone kind and RCODE.",
                                  MetricType::Counter);
  for (int t = 0; t < WorkerStats::kTransports; ++t) {
    AddSample(queries, {{"transport", kTransports[t]}},
               Sum(server_, [t](const WorkerStats& s) { return s.queries[t].Get(); }));
    AddSample(dropped, {{"transport", kTransports[t]}},
               Sum(server_, [t](const WorkerStats& s) { return s.dropped[t].Get(); }));
    for (int z = 0; z < WorkerStats::kZoneKinds; ++z) {
      std::string zone(z < config::kZoneKindCount ? config::ZoneKindName(static_cast<ZoneKind>(z)) : "none");
      for (int r = 0; r < WorkerStats::kRcodes; ++r) {
        uint64_t n = Sum(server_, [&](const WorkerStats& s) { return s.responses[t][z][r].Get(); });
        // Every combination that can happen is listed from the start, so
        // rate() works from the first scrape; the rest only once seen.
        const char* name = RcodeName(r);
        if (n == 0 && name == nullptr) continue;
        AddSample(responses,
                   {{"transport", kTransports[t]}, {"zone", zone},
                    {"rcode", name ? name : absl::StrCat(r)}},
                   n);
      }
    }
  }
  out.push_back(std::move(queries));
  out.push_back(std::move(dropped));
  out.push_back(std::move(responses));

  MetricFamily truncated = Family("dnsd_responses_truncated_total",
                                  "UDP responses sent with TC because the answer did not fit.",
                                  MetricType::Counter);
  AddSample(truncated, {}, Sum(server_, [](const WorkerStats& s) { return s.truncated.Get(); }));
  out.push_back(std::move(truncated));
  MetricFamily send_errors = Family("dnsd_udp_send_errors_total",
                                    "UDP responses the kernel would not send.",
                                    MetricType::Counter);
  AddSample(send_errors, {},
             Sum(server_, [](const WorkerStats& s) { return s.send_errors.Get(); }));
  out.push_back(std::move(send_errors));

  MetricFamily rules = Family("dnsd_spf_answers_total",
                              "SPF macro zone answers by the rule that produced them.",
                              MetricType::Counter);
  for (int r = 0; r < spf::kRuleCount; ++r) {
    AddSample(rules, {{"rule", spf::RuleName(static_cast<spf::Rule>(r))}},
               Sum(server_, [r](const WorkerStats& s) { return s.spf_rules[r].Get(); }));
  }
  out.push_back(std::move(rules));

  MetricFamily tcp = Family("dnsd_tcp_connections_total", "TCP connections by what became of them.",
                            MetricType::Counter);
  AddSample(tcp, {{"event", "accepted"}},
             Sum(server_, [](const WorkerStats& s) { return s.tcp_accepted.Get(); }));
  AddSample(tcp, {{"event", "refused_over_limit"}},
             Sum(server_, [](const WorkerStats& s) { return s.tcp_refused.Get(); }));
  AddSample(tcp, {{"event", "refused_prefix_limit"}},
             Sum(server_, [](const WorkerStats& s) { return s.tcp_prefix_refused.Get(); }));
  AddSample(tcp, {{"event", "closed_idle"}},
             Sum(server_, [](const WorkerStats& s) { return s.tcp_idle_closed.Get(); }));
  out.push_back(std::move(tcp));
  MetricFamily open = Family("dnsd_tcp_connections_open", "TCP connections open now.",
                             MetricType::Gauge);
  AddSample(open, {}, server_.open_tcp_connections().load(std::memory_order_relaxed));
  out.push_back(std::move(open));
  out.push_back(ProcessingTime(server_));
  CollectRateLimit(out);
}

void ServerCollector::CollectRateLimit(std::vector<MetricFamily>& out) const {
  MetricFamily enabled = Family("dnsd_rrl_enabled",
                                "1 if UDP answers are rate-limited per client prefix.",
                                MetricType::Gauge);
  AddSample(enabled, {}, server_.rate_limited() ? 1 : 0);
  out.push_back(std::move(enabled));
  MetricFamily limited = Family("dnsd_rrl_limited_responses_total",
                                "UDP answers over a client prefix's rate: dropped, or slipped "
                                "(sent truncated so the client retries over TCP).",
                                MetricType::Counter);
  AddSample(limited, {{"action", "dropped"}},
             Sum(server_, [](const WorkerStats& s) { return s.rrl_dropped.Get(); }));
  AddSample(limited, {{"action", "slipped"}},
             Sum(server_, [](const WorkerStats& s) { return s.rrl_slipped.Get(); }));
  out.push_back(std::move(limited));
}

void ServerCollector::CollectConfig(std::vector<MetricFamily>& out) const {
  ReloadStatus st = reloader_.status();
  MetricFamily generation = Family("dnsd_config_generation",
                                   "Generation of the configuration snapshot being served.",
                                   MetricType::Gauge);
  AddSample(generation, {}, static_cast<double>(st.generation));
  out.push_back(std::move(generation));
  MetricFamily digest = Family("dnsd_config_digest_info",
                               "The digest of everything the served configuration answers: "
                               "equal on every name server loaded with the same files.",
                               MetricType::Gauge);
  AddSample(digest, {{"digest", absl::StrCat(absl::Hex(st.digest, absl::kZeroPad16))}}, 1);
  out.push_back(std::move(digest));
  MetricFamily domains = Family("dnsd_config_domains", "Customer domains being served.",
                                MetricType::Gauge);
  AddSample(domains, {}, static_cast<double>(st.domains));
  out.push_back(std::move(domains));
  MetricFamily reloads = Family("dnsd_config_reloads_total", "Reloads by result.",
                                MetricType::Counter);
  AddSample(reloads, {{"result", "success"}}, static_cast<double>(st.attempts - st.failures));
  AddSample(reloads, {{"result", "failure"}}, static_cast<double>(st.failures - st.guarded));
  AddSample(reloads, {{"result", "guarded"}}, static_cast<double>(st.guarded));
  out.push_back(std::move(reloads));
  MetricFamily last_ok = Family("dnsd_config_last_reload_success",
                                "1 if the last reload was published, 0 if it was rejected.",
                                MetricType::Gauge);
  AddSample(last_ok, {}, st.last_ok ? 1 : 0);
  out.push_back(std::move(last_ok));
  MetricFamily last_success = Family("dnsd_config_last_reload_success_timestamp_seconds",
                                     "When a configuration was last published.",
                                     MetricType::Gauge);
  AddSample(last_success, {}, Seconds(st.last_success));
  out.push_back(std::move(last_success));
  MetricFamily duration = Family("dnsd_config_last_reload_duration_seconds",
                                 "How long the last published load, compile and swap took.",
                                 MetricType::Gauge);
  AddSample(duration, {}, st.last_seconds);
  out.push_back(std::move(duration));
  MetricFamily next_change = Family("dnsd_schedule_next_change_timestamp_seconds",
                                    "When the served records next change by a schedule (a "
                                    "DMARC step, a DKIM key's from or until); absent if none is due.",
                                    MetricType::Gauge);
  if (st.next_change) AddSample(next_change, {}, static_cast<double>(*st.next_change));
  out.push_back(std::move(next_change));
  MetricFamily applied = Family("dnsd_schedule_changes_applied_total",
                                "Domains compiled again because one of their scheduled "
                                "changes came due.",
                                MetricType::Counter);
  AddSample(applied, {}, static_cast<double>(st.scheduled_changes));
  out.push_back(std::move(applied));
  MetricFamily errors = Family("dnsd_config_file_errors",
                               "Errors in each configuration file now (a broken domain file "
                               "keeps serving its last good version).",
                               MetricType::Gauge);
  std::map<std::string, int> per_file;
  for (const config::Diagnostic& d : *st.errors) {
    if (d.severity == config::Severity::kError) ++per_file[d.pos.file.string()];
  }
  for (const std::string& path : *st.failed_files) {
    const config::FileDiagnostics* f = st.file_errors.Find(path);
    if (f == nullptr) continue;
    for (const config::Diagnostic& d : *f->list) {
      if (d.severity == config::Severity::kError) ++per_file[d.pos.file.string()];
    }
  }
  for (const auto& [file, n] : per_file) AddSample(errors, {{"file", file}}, n);
  out.push_back(std::move(errors));
}

std::vector<MetricFamily> ServerCollector::Collect() const {
  std::vector<MetricFamily> out;
  CollectQueries(out);
  CollectConfig(out);
  MetricFamily build = Family("dnsd_build_info", "dnsd's version.", MetricType::Gauge);
  AddSample(build, {{"version", cli::kVersion}}, 1);
  out.push_back(std::move(build));
  MetricFamily start = Family("dnsd_start_time_seconds", "When this dnsd process started.",
                              MetricType::Gauge);
  AddSample(start, {}, Seconds(started_));
  out.push_back(std::move(start));
  return out;
}

}  // namespace dnsd
