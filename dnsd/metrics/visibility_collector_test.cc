#include "dnsd/metrics/visibility_collector.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

using spf::Rule;

TEST(MergeVisibility, SumsWorkersAndKeepsTheTopN) {
  SenderVisibility w1, w2;
  w1.Reset(64);
  w2.Reset(64);
  // d0 busiest (10+10), d1 (9), d2 (5+3), d3..d5 quieter.
  for (int i = 0; i < 10; ++i) w1.Record("d0.example", Rule::kSenderRange, "office365", nullptr);
  for (int i = 0; i < 10; ++i) w2.Record("d0.example", Rule::kSenderRange, "office365", nullptr);
  for (int i = 0; i < 9; ++i) w1.Record("d1.example", Rule::kNetblock, "", nullptr);
  for (int i = 0; i < 5; ++i) w1.Record("d2.example", Rule::kSenderHelo, "sendgrid", nullptr);
  for (int i = 0; i < 3; ++i) w2.Record("d2.example", Rule::kSenderHelo, "sendgrid", nullptr);
  for (int d = 3; d < 6; ++d) {
    w2.Record(absl::StrCat("d", d, ".example"), Rule::kSenderRange, "mailchimp", nullptr);
  }
  VisibilityReport r = MergeVisibility({&w1, &w2}, 3);
  ASSERT_EQ(r.top.size(), 3u);
  EXPECT_EQ(r.top[0].domain, "d0.example");
  EXPECT_EQ(r.top[0].total, 20u);
  ASSERT_EQ(r.top[0].senders.size(), 1u);
  EXPECT_EQ(r.top[0].senders[0].second, 20u);
  EXPECT_EQ(r.top[1].domain, "d1.example");
  EXPECT_EQ(r.top[2].domain, "d2.example");
  EXPECT_EQ(r.top[2].total, 8u);
  EXPECT_EQ(r.other.total, 3u);
  EXPECT_EQ(r.other.other_senders, 3u);  // the rest's senders are not labelled

  std::map<std::string, double> series;
  for (const auto& family : VisibilityMetrics(r)) {
    for (const auto& m : family.metric) {
      std::string key = family.name;
      for (const auto& l : m.label) key += absl::StrCat(",", l.name, "=", l.value);
      series[key] = family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
  }
  EXPECT_EQ((series["dnsd_spf_domain_answers_total,domain=d0.example,rule=sender_range"]), 20);
  EXPECT_EQ((series["dnsd_spf_domain_answers_total,domain=_other,rule=sender_range"]), 3);
  EXPECT_EQ((series["dnsd_spf_domain_sender_answers_total,domain=d2.example,sender=sendgrid"]), 8);
  EXPECT_EQ((series["dnsd_spf_domain_sender_answers_total,domain=_other,sender=_other"]), 3);
  EXPECT_EQ(series.count("dnsd_spf_domain_unidentified_ips,domain=d1.example"), 1u);
  // Labels: three top domains and _other, never more.
  for (const auto& [key, value] : series) {
    EXPECT_TRUE(key.find("d3.example") == std::string::npos) << key;
  }
}

}  // namespace
}  // namespace dnsd
