// Building prometheus-cpp metric families by hand, for the Collectables
// that sum dnsd's own counters at scrape time.
#ifndef DNSD_METRICS_FAMILY_H_
#define DNSD_METRICS_FAMILY_H_

#include <utility>
#include <vector>

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

namespace dnsd {

inline prometheus::MetricFamily Family(const char* name, const char* help,
                                       prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

// Adds one sample to `f`, as a counter or a gauge by the family's type.
inline void AddSample(prometheus::MetricFamily& f,
                      std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (f.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
}

}  // namespace dnsd

#endif  // DNSD_METRICS_FAMILY_H_
