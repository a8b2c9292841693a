#include "config/compile.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "config/compile_spf.h"
#include "config/compiled_domain.h"
#include "config/parallel.h"
#include "config/zone_builder.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {
namespace {

// Below this many domains to compile, threads cost more than they save.
constexpr size_t kParallelCompile = 256;

struct ProviderZones {
  Zone* dmarc_targets;
  Zone* report;
};

// A domain whose names another zone already serves (the provider's own
// domain configured as a customer, say) is refused before anything is added.
// An empty non-terminal (made by a subdomain's names) is not taken.
bool Taken(const ZoneTable& zones, const std::string& name) {
  const Node* node = zones.FindNode(name);
  return (node != nullptr && (node->apex || !node->rrsets.empty())) ||
         zones.FindZoneByApex(name) != nullptr;
}

absl::Status CheckFree(const CompiledDomain& d, const ZoneTable& zones) {
  for (const std::string* name :
       {&d.dmarc_apex, &d.domainkey_apex, &d.dmarc_target, &d.report_name}) {
    if (!name->empty() && Taken(zones, *name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(wire::NameToText(*name), " is already served by another zone"));
    }
  }
  return absl::OkStatus();
}

absl::Status AddDomain(const CompiledDomain& d, const ProviderZones& pz, ZoneBuilder& b) {
  DNSD_RETURN_IF_ERROR(CheckFree(d, b.zones()));
  DNSD_ASSIGN_OR_RETURN(Zone * dmarc, b.AddZone(d.dmarc_apex, ZoneKind::kDmarc, d.dmarc_serial));
  DNSD_RETURN_IF_ERROR(b.Add(dmarc, d.dmarc_apex, d.dmarc_txt));
  DNSD_ASSIGN_OR_RETURN(Zone * dkim,
                        b.AddZone(d.domainkey_apex, ZoneKind::kDomainkey, d.domainkey_serial));
  for (const auto& [owner, rrset] : d.selectors) {
    DNSD_RETURN_IF_ERROR(b.Add(dkim, owner, rrset));
  }
  if (d.revoke_all) b.AddWildcard(dkim, &d.provider->revoked_dkim);
  DNSD_RETURN_IF_ERROR(b.Add(pz.dmarc_targets, d.dmarc_target, d.dmarc_txt));
  b.Digest(pz.dmarc_targets, d.dmarc_target_digest);
  if (!d.report_name.empty()) {
    DNSD_RETURN_IF_ERROR(b.Add(pz.report, d.report_name, &d.provider->report_authorised));
    b.Digest(pz.report, d.report_digest);
  }
  return absl::OkStatus();
}

// Every domain of `config`, compiled or taken from `cache`; those to
// compile are compiled on every core when there are many.
std::vector<std::shared_ptr<const CompiledDomain>> CompileDomains(
    const ConfigSet& config, const std::shared_ptr<const ProviderRecords>& provider,
    const RefreshedRanges* refreshed, const CompileCache* cache, CompileStats& stats) {
  SenderDigests senders(config.catalog, refreshed);
  std::vector<uint64_t> digests;
  digests.reserve(config.domains.size());
  for (const DomainConfig& d : config.domains) digests.push_back(senders.Of(d));
  std::vector<std::shared_ptr<const CompiledDomain>> out =
      cache != nullptr ? cache->Find(config.domains, digests, provider.get())
                       : std::vector<std::shared_ptr<const CompiledDomain>>(config.domains.size());
  std::vector<std::pair<size_t, uint64_t>> todo;  // index, senders' digest
  for (size_t i = 0; i < config.domains.size(); ++i) {
    if (out[i] == nullptr) todo.emplace_back(i, digests[i]);
  }
  stats.compiled = todo.size();
  stats.reused = config.domains.size() - todo.size();
  ForEachOnAllCores(todo.size(), kParallelCompile, [&](size_t t) {
    auto [i, digest] = todo[t];
    out[i] = CompileDomain(config.domains[i], provider, config.catalog, refreshed, digest);
  });
  return out;
}

}  // namespace

absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed, CompileCache* cache) {
  const ServerConfig& server = config.server;
  Compiled out;
  out.snapshot = std::make_unique<Snapshot>();
  Snapshot& snap = *out.snapshot;
  snap.generation = generation;
  snap.udp_payload = server.udp_payload;
  if (cache != nullptr) {
    DNSD_ASSIGN_OR_RETURN(snap.provider, cache->Provider(server.provider));
  } else {
    DNSD_ASSIGN_OR_RETURN(snap.provider, CompileProviderRecords(server.provider));
  }

  snap.domains = CompileDomains(config, snap.provider, refreshed, cache, out.stats);
  size_t nodes = 0;
  for (const auto& d : snap.domains) nodes += 5 + d->selectors.size() + d->nspf.size();
  snap.zones.Reserve(3 + 2 * snap.domains.size(), nodes);

  ZoneBuilder b(snap, server.provider.ttl);
  ProviderZones pz;
  DNSD_ASSIGN_OR_RETURN(pz.dmarc_targets,
                        b.AddZone(snap.provider->dmarc_zone, ZoneKind::kDmarcTargets));
  DNSD_ASSIGN_OR_RETURN(pz.report, b.AddZone(snap.provider->report_zone, ZoneKind::kReport));
  for (size_t i = 0; i < snap.domains.size(); ++i) {
    const CompiledDomain& d = *snap.domains[i];
    out.errors.insert(out.errors.end(), d.errors.begin(), d.errors.end());
    if (!d.dmarc_ok) continue;
    if (absl::Status status = AddDomain(d, pz, b); !status.ok()) {
      // A half-added domain would serve a partial answer set: fail the
      // snapshot rather than publish that.
      if (status.code() == absl::StatusCode::kAlreadyExists) return status;
      Diagnostic error;
      error.pos.file = config.domains[i].file;
      error.message = std::string(status.message());
      out.errors.push_back(std::move(error));
    }
  }
  DNSD_RETURN_IF_ERROR(CompileSpf(config, snap.domains, b, snap, &out.errors, refreshed));
  DNSD_RETURN_IF_ERROR(snap.zones.Validate());
  b.SetSerials();
  if (cache != nullptr) cache->Keep(snap.domains);  // shared, not copied
  return out;
}

}  // namespace dnsd::config
