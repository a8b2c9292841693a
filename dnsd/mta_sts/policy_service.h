// The MTA-STS policy host: dnsd's HTTP server (dnsd/http/) answering with
// the routes of site.h from the current snapshot. Each request reads the
// snapshot through its own SnapshotHolder slot, for as long as it takes to
// copy the policy into the response, so the policy a sender gets and the
// _mta-sts id the workers answer with are always of one compile.
#ifndef DNSD_MTA_STS_POLICY_SERVICE_H_
#define DNSD_MTA_STS_POLICY_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "dnsd/http/limits.h"
#include "dnsd/http/server.h"
#include "dnsd/mta_sts/site.h"
#include "dnsd/server/snapshot_holder.h"

namespace dnsd::mta_sts {

class PolicyService {
 public:
  // Binds `listen`; serves from Start() on. REQUIRES: `slot` is a reader
  // slot of `snapshots` that no other thread uses.
  static absl::StatusOr<std::unique_ptr<PolicyService>> Bind(const std::string& listen,
                                                             const http::Limits& limits,
                                                             const SnapshotHolder& snapshots,
                                                             unsigned slot);
  void Start() { server_->Start(); }
  void Stop() { server_->Stop(); }

  uint16_t port() const { return server_->port(); }
  const SiteStats& site_stats() const { return stats_; }
  const http::ServerStats& http_stats() const { return server_->stats(); }

 private:
  PolicyService() = default;

  SiteStats stats_;
  std::unique_ptr<http::Server> server_;  // after stats_, which it counts in
};

}  // namespace dnsd::mta_sts

#endif  // DNSD_MTA_STS_POLICY_SERVICE_H_
