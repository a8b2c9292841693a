#include "dnsd/metrics/dnstap_collector.h"

#include <utility>

#include "dnsd/metrics/family.h"

namespace dnsd {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> DnstapCollector::Collect() const {
  MetricFamily messages = Family("dnsd_dnstap_messages_total",
                                 "dnstap messages: written to the collector, or dropped (a "
                                 "worker's queue full, a message too large for a slot, or no "
                                 "collector connected). An answer logged with its query is "
                                 "two messages.",
                                 MetricType::Counter);
  AddSample(messages, {{"result", "written"}}, static_cast<double>(writer_.written()));
  AddSample(messages, {{"result", "dropped"}}, static_cast<double>(writer_.dropped()));
  MetricFamily connected = Family("dnsd_dnstap_connected",
                                  "1 while the dnstap collector is connected, else 0.",
                                  MetricType::Gauge);
  AddSample(connected, {}, writer_.connected() ? 1.0 : 0.0);
  return {std::move(messages), std::move(connected)};
}

}  // namespace dnsd
