#include "dnsd/metrics/memory_collector.h"

#include <utility>

#include "dnsd/control/memory_release.h"
#include "dnsd/metrics/family.h"

namespace dnsd {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> MemoryCollector::Collect() const {
  MetricFamily resident = Family("process_resident_memory_bytes",
                                 "Resident memory size in bytes.", MetricType::Gauge);
  AddSample(resident, {}, static_cast<double>(ResidentBytes()));
  HeapUsage heap = ReadHeapUsage();
  MetricFamily allocated = Family("dnsd_heap_allocated_bytes",
                                  "Heap in use: allocated and not freed, as the allocator "
                                  "counts it.",
                                  MetricType::Gauge);
  AddSample(allocated, {}, static_cast<double>(heap.allocated));
  MetricFamily free = Family("dnsd_heap_free_bytes",
                             "Heap freed but not yet given back to the kernel (a reload "
                             "leaves some until dnsd releases it).",
                             MetricType::Gauge);
  AddSample(free, {}, static_cast<double>(heap.free));
  return {std::move(resident), std::move(allocated), std::move(free)};
}

}  // namespace dnsd
