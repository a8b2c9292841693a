#include "dnsd/metrics/http_collector.h"

#include <string>

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace dnsd {
namespace {

TEST(MetricsHttpCollectorTest, ExportsEveryEventAndTheOpenConnections) {
  http::ServerStats stats;
  stats.accepted = 7;
  stats.refused_over_limit = 1;
  stats.refused_client_limit = 2;
  stats.closed_timeout = 3;
  stats.open = 4;
  std::string text = prometheus::TextSerializer().Serialize(MetricsHttpCollector(stats).Collect());
  EXPECT_NE(text.find("# TYPE dnsd_metrics_http_connections_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("dnsd_metrics_http_connections_total{event=\"accepted\"} 7\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("dnsd_metrics_http_connections_total{event=\"refused_over_limit\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("dnsd_metrics_http_connections_total{event=\"refused_client_limit\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("dnsd_metrics_http_connections_total{event=\"closed_timeout\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("# TYPE dnsd_metrics_http_connections_open gauge\n"), std::string::npos);
  EXPECT_NE(text.find("dnsd_metrics_http_connections_open 4\n"), std::string::npos);
}

}  // namespace
}  // namespace dnsd
