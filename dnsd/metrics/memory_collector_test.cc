#include "dnsd/metrics/memory_collector.h"

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace dnsd {
namespace {

// The value of the sample `name` without labels in `text`; -1 if absent.
double SampleValue(const std::string& text, const std::string& name) {
  size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + name.size() + 2, nullptr);
}

// The figures themselves are pinned by memory_release_test.cc, under both
// allocators; here, that each is exported under its name, as a gauge.
TEST(MemoryCollectorTest, ExportsResidentAndHeapBytes) {
  std::string text = prometheus::TextSerializer().Serialize(MemoryCollector().Collect());
  for (const char* name :
       {"process_resident_memory_bytes", "dnsd_heap_allocated_bytes", "dnsd_heap_free_bytes"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " gauge\n"), std::string::npos) << text;
    EXPECT_GE(SampleValue(text, name), 0) << name << "\n" << text;
  }
  // A test process holds at least its code and stacks.
  EXPECT_GT(SampleValue(text, "process_resident_memory_bytes"), 1 << 20) << text;
}

}  // namespace
}  // namespace dnsd
