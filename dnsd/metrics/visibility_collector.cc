#include "dnsd/metrics/visibility_collector.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "dnsd/metrics/family.h"
#include "policy/spf/decide.h"

namespace dnsd {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr const char* kOther = "_other";

void AddDomain(const DomainVisibility& d, const std::string& name, MetricFamily& rules,
               MetricFamily& senders, MetricFamily& ips) {
  for (int r = 0; r < spf::kRuleCount; ++r) {
    if (d.rules[r] == 0) continue;
    AddSample(rules, {{"domain", name}, {"rule", spf::RuleName(static_cast<spf::Rule>(r))}},
        static_cast<double>(d.rules[r]));
  }
  for (const auto& [sender, count] : d.senders) {
    AddSample(senders, {{"domain", name}, {"sender", sender}}, static_cast<double>(count));
  }
  if (d.other_senders > 0) {
    AddSample(senders, {{"domain", name}, {"sender", kOther}}, static_cast<double>(d.other_senders));
  }
  if (name != kOther) AddSample(ips, {{"domain", name}}, d.DistinctUnidentifiedIps());
}

}  // namespace

VisibilityReport MergeVisibility(const std::vector<const SenderVisibility*>& tables,
                                 size_t top) {
  absl::flat_hash_map<std::string, DomainVisibility> merged;
  VisibilityReport report;
  for (const SenderVisibility* table : tables) {
    table->Read(
        [&](const DomainVisibility& d) {
          auto [it, inserted] = merged.try_emplace(d.domain, d);
          if (!inserted) it->second.Merge(d);
        },
        report.other);
  }
  for (auto& [name, d] : merged) report.top.push_back(std::move(d));
  std::sort(report.top.begin(), report.top.end(), [](const auto& a, const auto& b) {
    return a.total != b.total ? a.total > b.total : a.domain < b.domain;
  });
  for (size_t i = std::min(top, report.top.size()); i < report.top.size(); ++i) {
    DomainVisibility& rest = report.top[i];
    // Sender names of the rest are not labelled: their answers count as "other".
    for (const auto& s : rest.senders) rest.other_senders += s.second;
    rest.senders.clear();
    report.other.Merge(rest);
  }
  report.top.resize(std::min(top, report.top.size()));
  return report;
}

std::vector<MetricFamily> VisibilityMetrics(const VisibilityReport& report) {
  MetricFamily rules = Family("dnsd_spf_domain_answers_total",
                              "SPF macro answers for the busiest configured domains, by answer "
                              "rule; domain=\"_other\" sums the rest.",
                              MetricType::Counter);
  MetricFamily senders = Family("dnsd_spf_domain_sender_answers_total",
                                "SPF macro answers that identified a sending service, by domain "
                                "and catalog sender; sender=\"_other\" past 8 senders a domain.",
                                MetricType::Counter);
  MetricFamily ips = Family("dnsd_spf_domain_unidentified_ips",
                            "Distinct source IPs that matched no netblock or sender of the domain, "
                            "since start (HyperLogLog estimate, about 13% error).",
                            MetricType::Gauge);
  for (const DomainVisibility& d : report.top) AddDomain(d, d.domain, rules, senders, ips);
  AddDomain(report.other, kOther, rules, senders, ips);
  return {std::move(rules), std::move(senders), std::move(ips)};
}

std::vector<MetricFamily> VisibilityCollector::Collect() const {
  std::vector<const SenderVisibility*> tables;
  server_.ForEachWorker([&](const WorkerStats& s) {
    if (s.visibility.enabled()) tables.push_back(&s.visibility);
  });
  if (tables.empty()) return {};
  return VisibilityMetrics(MergeVisibility(tables, top_));
}

}  // namespace dnsd
