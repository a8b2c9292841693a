// The process's memory, read at scrape time:
//
//   process_resident_memory_bytes   RSS, as Prometheus's client libraries name it
//   dnsd_heap_allocated_bytes       heap in use, as the allocator counts it
//   dnsd_heap_free_bytes            heap freed but still mapped
//
// RSS is what the machine pays; the heap in use is what the configuration
// holds (a domain's share is it over dnsd_config_domains), without the
// freed pages a reload leaves until they are given back, which RSS also
// counts.
#ifndef DNSD_METRICS_MEMORY_COLLECTOR_H_
#define DNSD_METRICS_MEMORY_COLLECTOR_H_

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace dnsd {

class MemoryCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_MEMORY_COLLECTOR_H_
