// dnsd's metrics, gathered at scrape time (README.md, "Operating it").
//
// The query path only bumps its own worker's plain counters; this
// prometheus::Collectable sums them across workers when Prometheus scrapes,
// and reads the control plane's reload status under its lock. Names follow
// dnsd_<subsystem>_<name> with _total / _seconds suffixes.
#ifndef DNSD_METRICS_SERVER_COLLECTOR_H_
#define DNSD_METRICS_SERVER_COLLECTOR_H_

#include <chrono>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/control/reloader.h"
#include "dnsd/server/server.h"

namespace dnsd {

class ServerCollector : public prometheus::Collectable {
 public:
  ServerCollector(const Server& server, const Reloader& reloader,
                  std::chrono::system_clock::time_point started)
      : server_(server), reloader_(reloader), started_(started) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  void CollectQueries(std::vector<prometheus::MetricFamily>& out) const;
  void CollectConfig(std::vector<prometheus::MetricFamily>& out) const;
  void CollectRateLimit(std::vector<prometheus::MetricFamily>& out) const;

  const Server& server_;
  const Reloader& reloader_;
  std::chrono::system_clock::time_point started_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_SERVER_COLLECTOR_H_
