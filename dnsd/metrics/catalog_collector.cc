#include "dnsd/metrics/catalog_collector.h"

#include <chrono>
#include <utility>

#include "dnsd/metrics/family.h"

namespace dnsd {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> CatalogCollector::Collect() const {
  MetricFamily refreshes = Family("dnsd_catalog_refresh_total",
                                  "Refreshes of a sender's ranges from its SPF include: ok, "
                                  "failed (a look-up failed) or rejected (loop, limits, not "
                                  "flattenable, empty).",
                                  MetricType::Counter);
  MetricFamily success = Family("dnsd_catalog_last_refresh_success_timestamp_seconds",
                                "When a sender's ranges were last resolved successfully "
                                "(Unix time; from the state file after a restart; 0 if never).",
                                MetricType::Gauge);
  MetricFamily ranges = Family("dnsd_catalog_ranges",
                               "IP prefixes a sender is answered with now, refreshed or seed.",
                               MetricType::Gauge);
  for (const refresh::SenderStatus& s : refresher_.status()) {
    for (auto [result, count] : {std::pair{"ok", s.ok}, std::pair{"failed", s.failed},
                                 std::pair{"rejected", s.rejected}}) {
      AddSample(refreshes, {{"sender", s.id}, {"result", result}}, static_cast<double>(count));
    }
    // 0 for a sender never refreshed: the series exists from the start, so
    // an alert on its age fires for a refresh that never succeeds too.
    AddSample(success, {{"sender", s.id}},
              s.last_success
                  ? std::chrono::duration<double>(s.last_success->time_since_epoch()).count()
                  : 0.0);
    AddSample(ranges, {{"sender", s.id}}, static_cast<double>(s.ranges));
  }
  return {std::move(refreshes), std::move(success), std::move(ranges)};
}

}  // namespace dnsd
