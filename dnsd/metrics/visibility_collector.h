// Sender visibility in /metrics: who sends mail as which customer domain,
// as the SPF zone's answers show it (dnsd/server/sender_visibility.h).
//
// At scrape time the workers' tables are merged by domain, and only the
// `top` busiest domains get a label of their own; everything else is summed
// under domain="_other". A domain that drops out of the top N moves its
// counts to "_other", which Prometheus' rate() reads as a counter reset.
#ifndef DNSD_METRICS_VISIBILITY_COLLECTOR_H_
#define DNSD_METRICS_VISIBILITY_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/server/sender_visibility.h"
#include "dnsd/server/server.h"

namespace dnsd {

// The merged view: the top domains, busiest first, and the rest summed.
struct VisibilityReport {
  std::vector<DomainVisibility> top;
  DomainVisibility other;  // domain "_other"
};

// Merges per-worker tables (pure; for tests and the collector).
VisibilityReport MergeVisibility(const std::vector<const SenderVisibility*>& tables, size_t top);

std::vector<prometheus::MetricFamily> VisibilityMetrics(const VisibilityReport& report);

class VisibilityCollector : public prometheus::Collectable {
 public:
  VisibilityCollector(const Server& server, size_t top) : server_(server), top_(top) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const Server& server_;
  size_t top_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_VISIBILITY_COLLECTOR_H_
