#include "dnsd/metrics/catalog_collector.h"

#include <chrono>
#include <utility>

namespace dnsd {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const char* name, const char* help, MetricType type) {
  MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

ClientMetric Metric(std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  return m;
}

}  // namespace

std::vector<MetricFamily> CatalogCollector::Collect() const {
  MetricFamily refreshes = Family("dnsd_catalog_refresh_total",
                                  "Refreshes of a sender's ranges from its SPF include: ok, "
                                  "failed (a look-up failed) or rejected (loop, limits, not "
                                  "flattenable, empty).",
                                  MetricType::Counter);
  MetricFamily success = Family("dnsd_catalog_last_refresh_success_timestamp_seconds",
                                "When a sender's ranges were last resolved successfully "
                                "(Unix time; from the state file after a restart).",
                                MetricType::Gauge);
  MetricFamily ranges = Family("dnsd_catalog_ranges",
                               "IP prefixes a sender is answered with now, refreshed or seed.",
                               MetricType::Gauge);
  for (const refresh::SenderStatus& s : refresher_.status()) {
    for (auto [result, count] : {std::pair{"ok", s.ok}, std::pair{"failed", s.failed},
                                 std::pair{"rejected", s.rejected}}) {
      ClientMetric m = Metric({{"sender", s.id}, {"result", result}});
      m.counter.value = static_cast<double>(count);
      refreshes.metric.push_back(std::move(m));
    }
    if (s.last_success) {
      ClientMetric m = Metric({{"sender", s.id}});
      m.gauge.value =
          std::chrono::duration<double>(s.last_success->time_since_epoch()).count();
      success.metric.push_back(std::move(m));
    }
    ClientMetric m = Metric({{"sender", s.id}});
    m.gauge.value = static_cast<double>(s.ranges);
    ranges.metric.push_back(std::move(m));
  }
  return {std::move(refreshes), std::move(success), std::move(ranges)};
}

}  // namespace dnsd
