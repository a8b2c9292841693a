#include "dnsd/mta_sts/policy_service.h"

#include "dnsd/protocol/base/status_macros.h"

namespace dnsd::mta_sts {

absl::StatusOr<std::unique_ptr<PolicyService>> PolicyService::Bind(const std::string& listen,
                                                                   const http::Limits& limits,
                                                                   const SnapshotHolder& snapshots,
                                                                   unsigned slot) {
  std::unique_ptr<PolicyService> service(new PolicyService());
  SiteStats* stats = &service->stats_;
  auto handler = [&snapshots, slot, stats](const http::Request& request) {
    SnapshotHolder::ReadGuard guard(snapshots, slot);
    return Handle(guard.snapshot().mta_sts_policies, request, *stats);
  };
  DNSD_ASSIGN_OR_RETURN(service->server_, http::Server::Bind(listen, limits, handler));
  return service;
}

}  // namespace dnsd::mta_sts
