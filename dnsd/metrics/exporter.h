// The metrics HTTP endpoint: /metrics (every registered collector, in
// Prometheus' text format) and a small status page at / on the same port
// (version, uptime, configuration generation and load time, per-file
// configuration errors, catalog refresh ages per sender).
// Served by dnsd's own HTTP server (dnsd/http/), one event-loop thread with
// a cap on connections in all and per client; the query path never waits
// on it.
#ifndef DNSD_METRICS_EXPORTER_H_
#define DNSD_METRICS_EXPORTER_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/model.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/control/reloader.h"
#include "dnsd/http/response.h"
#include "dnsd/http/server.h"
#include "dnsd/server/server.h"

namespace prometheus {
class Collectable;
}

namespace dnsd {

class MetricsExporter {
 public:
  // Binds `listen` ("127.0.0.1:9153", "[::1]:0") with the limits of
  // `settings` (max_connections, max_connections_per_client,
  // header_timeout_ms; its listen is not read) and serves nothing until
  // Serve(): so the port can be bound while dnsd still holds the privilege
  // to bind any, before the reloader it reports on exists.
  static absl::StatusOr<std::unique_ptr<MetricsExporter>> Bind(
      const std::string& listen, const config::MetricsSettings& settings);
  // Registers the collectors and starts the HTTP thread. `refresher` (may
  // be null) adds the catalog refresh metrics. Call once.
  void Serve(const Server& server, const Reloader& reloader,
             const refresh::Refresher* refresher = nullptr);

  // Stops serving and waits for the HTTP thread: before what Serve() was
  // given goes. Idempotent; the destructor does it too.
  void Stop() { http_->Stop(); }

  // Bind and Serve at once, with the default limits.
  static absl::StatusOr<std::unique_ptr<MetricsExporter>> Start(
      const std::string& listen, const Server& server, const Reloader& reloader,
      size_t top_domains, const refresh::Refresher* refresher = nullptr);
  ~MetricsExporter();
  MetricsExporter(const MetricsExporter&) = delete;
  MetricsExporter& operator=(const MetricsExporter&) = delete;

  // Adds a collector of a part that is not always there (dnstap, the
  // MTA-STS policy host), kept alive here. Any time, from any thread.
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  int port() const { return http_->port(); }
  // REQUIRES: Serve() was called.
  std::string StatusPage() const;

 private:
  explicit MetricsExporter(const config::MetricsSettings& settings);
  http::Response Handle(const http::Request& request) const;
  std::string Scrape() const;
  std::string CatalogSection() const;

  config::MetricsSettings settings_;
  const Server* server_ = nullptr;
  const Reloader* reloader_ = nullptr;
  const refresh::Refresher* refresher_ = nullptr;
  std::chrono::system_clock::time_point started_;
  mutable std::mutex mu_;  // guards collectables_: AddCollectable against a scrape
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  // Last: stopped and destroyed first, while what its handler reads is still here.
  std::unique_ptr<http::Server> http_;
};

}  // namespace dnsd

#endif  // DNSD_METRICS_EXPORTER_H_
