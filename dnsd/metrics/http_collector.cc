#include "dnsd/metrics/http_collector.h"

#include <utility>

#include "dnsd/metrics/family.h"

namespace dnsd {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> MetricsHttpCollector::Collect() const {
  auto value = [](const auto& counter) { return static_cast<double>(counter.load()); };
  MetricFamily connections =
      Family("dnsd_metrics_http_connections_total",
             "Connections to the metrics endpoint (/metrics and /): accepted, refused over "
             "metrics.max_connections or metrics.max_connections_per_client, closed on a "
             "timeout.",
             MetricType::Counter);
  for (auto [event, count] :
       {std::pair{"accepted", value(stats_.accepted)},
        std::pair{"refused_over_limit", value(stats_.refused_over_limit)},
        std::pair{"refused_client_limit", value(stats_.refused_client_limit)},
        std::pair{"closed_timeout", value(stats_.closed_timeout)}}) {
    AddSample(connections, {{"event", event}}, count);
  }
  MetricFamily open = Family("dnsd_metrics_http_connections_open",
                             "Connections open to the metrics endpoint.", MetricType::Gauge);
  AddSample(open, {}, value(stats_.open));
  return {std::move(connections), std::move(open)};
}

}  // namespace dnsd
