// The catalog refresher's metrics (README.md, "Operating it": catalog refresh
// results and age), read from the refresher's status at scrape time:
//
//   dnsd_catalog_refresh_total{sender,result="ok"|"failed"|"rejected"}
//   dnsd_catalog_last_refresh_success_timestamp_seconds{sender}
//   dnsd_catalog_ranges{sender}   prefixes answered with now (refreshed or seed)
//
// The timestamp is listed only for senders with a good refresh (from this
// run or the state file); age is time() minus it.
#ifndef DNSD_METRICS_CATALOG_COLLECTOR_H_
#define DNSD_METRICS_CATALOG_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/control/refresh/refresher.h"

namespace dnsd {

class CatalogCollector : public prometheus::Collectable {
 public:
  explicit CatalogCollector(const refresh::Refresher& refresher) : refresher_(refresher) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const refresh::Refresher& refresher_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_CATALOG_COLLECTOR_H_
