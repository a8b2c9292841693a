// The metrics endpoint's own HTTP server (dnsd/http/), read at scrape time
// from the counters its thread keeps:
//
//   dnsd_metrics_http_connections_total{event="accepted"|"refused_over_limit"|"refused_client_limit"|"closed_timeout"}
//   dnsd_metrics_http_connections_open
//
// refused_client_limit counts a client that opened more connections than
// metrics.max_connections_per_client: not how Prometheus scrapes.
#ifndef DNSD_METRICS_HTTP_COLLECTOR_H_
#define DNSD_METRICS_HTTP_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/http/server.h"

namespace dnsd {

class MetricsHttpCollector : public prometheus::Collectable {
 public:
  // `stats` must outlive the collector's scrapes (the exporter owns both).
  explicit MetricsHttpCollector(const http::ServerStats& stats) : stats_(stats) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const http::ServerStats& stats_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_HTTP_COLLECTOR_H_
