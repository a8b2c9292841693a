// The metrics HTTP endpoint: /metrics through prometheus-cpp's pull
// exposer, and a small status page at / on the same port (version, uptime,
// configuration generation and load time, per-file configuration errors,
// catalog refresh ages per sender).
// Its threads are civetweb's; the query path never waits on them.
#ifndef DNSD_METRICS_EXPORTER_H_
#define DNSD_METRICS_EXPORTER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/control/reloader.h"
#include "dnsd/server/server.h"

namespace prometheus {
class Collectable;
class Exposer;
}

namespace dnsd {

class ServerCollector;
class CatalogCollector;
class VisibilityCollector;

class MetricsExporter {
 public:
  // Binds `listen` ("127.0.0.1:9153", "[::1]:0"). One exporter per process:
  // the status page is reached through a civetweb callback without a user
  // pointer, so it finds the exporter through a process-wide pointer.
  // `refresher` (may be null) adds the catalog refresh metrics.
  static absl::StatusOr<std::unique_ptr<MetricsExporter>> Start(
      const std::string& listen, const Server& server, const Reloader& reloader,
      size_t top_domains, const refresh::Refresher* refresher = nullptr);
  ~MetricsExporter();

  // Adds a collector of a part that is not always there (dnstap, the
  // MTA-STS policy host), kept alive here.
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  int port() const { return port_; }
  std::string StatusPage() const;

 private:
  MetricsExporter(const Server& server, const Reloader& reloader,
                  const refresh::Refresher* refresher);
  std::string CatalogSection() const;

  const Server& server_;
  const Reloader& reloader_;
  const refresh::Refresher* refresher_;
  std::chrono::system_clock::time_point started_;
  std::shared_ptr<ServerCollector> collector_;
  std::shared_ptr<CatalogCollector> catalog_collector_;
  std::shared_ptr<VisibilityCollector> visibility_;
  std::vector<std::shared_ptr<prometheus::Collectable>> optional_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  std::string listen_;  // as given to Start, for WakeListener
};

}  // namespace dnsd

#endif  // DNSD_METRICS_EXPORTER_H_
