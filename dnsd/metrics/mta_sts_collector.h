// The MTA-STS policy host's metrics (dnsd/mta_sts/), read at scrape time
// from the counters its HTTP thread keeps:
//
//   dnsd_mta_sts_http_requests_total{result="policy"|"not_found"|"bad_method"|"tls_ask"|"bad_request"}
//   dnsd_mta_sts_tls_ask_total{decision="allow"|"deny"}
//   dnsd_mta_sts_http_connections_total{event="accepted"|"refused_over_limit"|"refused_client_limit"|"closed_timeout"}
//   dnsd_mta_sts_http_connections_open
#ifndef DNSD_METRICS_MTA_STS_COLLECTOR_H_
#define DNSD_METRICS_MTA_STS_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "dnsd/mta_sts/policy_service.h"

namespace dnsd {

class MtaStsCollector : public prometheus::Collectable {
 public:
  explicit MtaStsCollector(const mta_sts::PolicyService& service) : service_(service) {}

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const mta_sts::PolicyService& service_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_MTA_STS_COLLECTOR_H_
