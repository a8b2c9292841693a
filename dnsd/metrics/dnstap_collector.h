// dnstap's metrics (README.md, "Operating it"; dnsd/dnstap/README.md), read
// from the writer's counters at scrape time:
//
//   dnsd_dnstap_messages_total{result="written"|"dropped"}
//   dnsd_dnstap_connected   1 while a collector takes the stream
//
// Registered only when the server file turns dnstap on.
#ifndef DNSD_METRICS_DNSTAP_COLLECTOR_H_
#define DNSD_METRICS_DNSTAP_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/dnstap/writer.h"

namespace dnsd {

class DnstapCollector : public prometheus::Collectable {
 public:
  explicit DnstapCollector(const dnstap::Writer& writer) : writer_(writer) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const dnstap::Writer& writer_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_DNSTAP_COLLECTOR_H_
