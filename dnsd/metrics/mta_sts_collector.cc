#include "dnsd/metrics/mta_sts_collector.h"

#include <utility>

#include "dnsd/metrics/family.h"

namespace dnsd {

using prometheus::MetricFamily;
using prometheus::MetricType;

std::vector<MetricFamily> MtaStsCollector::Collect() const {
  const mta_sts::SiteStats& site = service_.site_stats();
  const http::ServerStats& http = service_.http_stats();
  auto value = [](const auto& counter) { return static_cast<double>(counter.load()); };

  MetricFamily requests = Family("dnsd_mta_sts_http_requests_total",
                                 "Requests to the MTA-STS policy host by result: policy (served), "
                                 "not_found, bad_method (405), tls_ask (the certificate ask "
                                 "endpoint), bad_request (malformed or too large, then closed).",
                                 MetricType::Counter);
  for (auto [result, count] :
       {std::pair{"policy", value(site.policy)}, std::pair{"not_found", value(site.not_found)},
        std::pair{"bad_method", value(site.bad_method)}, std::pair{"tls_ask", value(site.tls_ask)},
        std::pair{"bad_request", value(http.bad_requests)}}) {
    AddSample(requests, {{"result", result}}, count);
  }
  MetricFamily ask = Family("dnsd_mta_sts_tls_ask_total",
                            "Answers to the TLS proxy's question whether to get a certificate "
                            "for a name: allow (mta-sts.<d> of a domain with a policy) or deny.",
                            MetricType::Counter);
  AddSample(ask, {{"decision", "allow"}}, value(site.ask_allow));
  AddSample(ask, {{"decision", "deny"}}, value(site.ask_deny));
  MetricFamily connections = Family("dnsd_mta_sts_http_connections_total",
                                    "Connections to the MTA-STS policy host: accepted, refused "
                                    "over the total or the per-client limit, closed on a timeout.",
                                    MetricType::Counter);
  for (auto [event, count] :
       {std::pair{"accepted", value(http.accepted)},
        std::pair{"refused_over_limit", value(http.refused_over_limit)},
        std::pair{"refused_client_limit", value(http.refused_client_limit)},
        std::pair{"closed_timeout", value(http.closed_timeout)}}) {
    AddSample(connections, {{"event", event}}, count);
  }
  MetricFamily open = Family("dnsd_mta_sts_http_connections_open",
                             "Connections open to the MTA-STS policy host.", MetricType::Gauge);
  AddSample(open, {}, value(http.open));
  return {std::move(requests), std::move(ask), std::move(connections), std::move(open)};
}

}  // namespace dnsd
