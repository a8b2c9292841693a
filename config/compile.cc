#include "absl/strings/string_view.h"
#include "config/compile.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "config/compile_spf.h"
#include "config/dkim.h"
#include "config/dmarc.h"
#include "config/zone_builder.h"
#include "dnsd/base/status_macros.h"
#include "dnsd/wire/constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::config {
namespace {

using wire::NameFromText;

constexpr char kRevokedDkim[] = "v=DKIM1; p=";  // RFC 6376 §3.6.1: empty p= revokes

absl::Status BuildCommon(const ProviderSettings& p, ZoneCommon* common) {
  if (p.nameservers.empty()) return absl::InvalidArgumentError("provider.nameservers is empty");
  DNSD_ASSIGN_OR_RETURN(std::string mname, NameFromText(p.nameservers.front()));
  DNSD_ASSIGN_OR_RETURN(std::string rname, NameFromText(p.hostmaster));
  std::string soa =
      SoaRdata(mname, rname, 0, p.soa_refresh, p.soa_retry, p.soa_expire, p.negative_ttl);
  common->soa = RRsetBuilder(wire::kTypeSoa, p.ttl).Add(soa).Build();
  common->soa_negative =
      RRsetBuilder(wire::kTypeSoa, std::min(p.ttl, p.negative_ttl)).Add(soa).Build();
  RRsetBuilder ns(wire::kTypeNs, p.ttl);
  for (const std::string& host : p.nameservers) {
    DNSD_ASSIGN_OR_RETURN(std::string wire_name, NameFromText(host));
    ns.Add(wire_name);
  }
  common->ns = ns.Build();
  return absl::OkStatus();
}

struct ProviderZones {
  Zone* dmarc_targets;
  Zone* report;
  std::string report_domain;  // wire
};

// The names and records of one domain, all computed before any is added,
// so that a domain goes in whole or not at all.
struct DomainPlan {
  std::string dmarc_apex, domainkey_apex, dmarc_target, report_name;
  const RRset* dmarc_txt = nullptr;
  std::vector<std::pair<std::string, const RRset*>> selectors;
  const RRset* wildcard = nullptr;  // blocked domains revoke every selector
};

absl::StatusOr<DomainPlan> PlanDomain(const DomainConfig& d, const ProviderSettings& p,
                                      const ProviderZones& pz, ZoneBuilder& b) {
  DomainPlan plan;
  DNSD_ASSIGN_OR_RETURN(std::string domain, NameFromText(d.domain));
  DNSD_ASSIGN_OR_RETURN(plan.dmarc_apex, Prepend("_dmarc", domain));
  DNSD_ASSIGN_OR_RETURN(plan.domainkey_apex, Prepend("_domainkey", domain));
  DNSD_ASSIGN_OR_RETURN(plan.dmarc_target, Prepend(d.domain, pz.dmarc_targets->apex));
  if (RuaPointsAtProvider(d.dmarc, p.report_domain)) {
    DNSD_ASSIGN_OR_RETURN(plan.report_name, Prepend(d.domain, pz.report->apex));
  }
  plan.dmarc_txt = b.Txt(RenderDmarcRecord(d));
  if (d.mode == Mode::kBlocked) {
    // Every name below _domainkey answers the revoked key, configured
    // selectors included: only the wildcard, so no selector's labels can
    // make an empty non-terminal that answers NODATA instead.
    plan.wildcard = b.Txt(kRevokedDkim);
    return plan;
  }
  for (const DkimSelector& s : d.dkim) {
    DNSD_ASSIGN_OR_RETURN(std::string owner, Prepend(s.selector, plan.domainkey_apex));
    const RRset* rrset;
    if (s.key.kind == DkimKey::Kind::kRevoked) {
      rrset = b.Txt(kRevokedDkim);
    } else if (s.key.kind == DkimKey::Kind::kCname) {
      DNSD_ASSIGN_OR_RETURN(std::string target, NameFromText(s.key.cname));
      rrset = b.Cname(target);
    } else {
      rrset = b.Txt(RenderDkimRecord(s.key));
    }
    plan.selectors.emplace_back(std::move(owner), rrset);
  }
  return plan;
}

// A domain whose names another zone already serves (the provider's own
// domain configured as a customer, say) is refused before anything is added.
// An empty non-terminal (made by a subdomain's names) is not taken.
bool Taken(const ZoneTable& zones, const std::string& name) {
  const Node* node = zones.FindNode(name);
  return (node != nullptr && (node->apex || !node->rrsets.empty())) ||
         zones.FindZoneByApex(name) != nullptr;
}

absl::Status CheckFree(const DomainPlan& plan, const ZoneTable& zones) {
  for (const std::string* name :
       {&plan.dmarc_apex, &plan.domainkey_apex, &plan.dmarc_target, &plan.report_name}) {
    if (!name->empty() && Taken(zones, *name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(wire::NameToText(*name), " is already served by another zone"));
    }
  }
  return absl::OkStatus();
}

absl::Status AddDomain(const DomainPlan& plan, const ProviderZones& pz, ZoneBuilder& b) {
  DNSD_RETURN_IF_ERROR(CheckFree(plan, b.zones()));
  DNSD_ASSIGN_OR_RETURN(Zone * dmarc, b.AddZone(plan.dmarc_apex, ZoneKind::kDmarc));
  DNSD_RETURN_IF_ERROR(b.Add(dmarc, plan.dmarc_apex, plan.dmarc_txt));
  DNSD_ASSIGN_OR_RETURN(Zone * dkim, b.AddZone(plan.domainkey_apex, ZoneKind::kDomainkey));
  for (const auto& [owner, rrset] : plan.selectors) {
    DNSD_RETURN_IF_ERROR(b.Add(dkim, owner, rrset));
  }
  if (plan.wildcard != nullptr) b.AddWildcard(dkim, plan.wildcard);
  DNSD_RETURN_IF_ERROR(b.Add(pz.dmarc_targets, plan.dmarc_target, plan.dmarc_txt));
  if (!plan.report_name.empty()) {
    DNSD_RETURN_IF_ERROR(b.Add(pz.report, plan.report_name, b.Txt("v=DMARC1")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed) {
  const ServerConfig& server = config.server;
  const ProviderSettings& p = server.provider;
  Compiled out;
  out.snapshot = std::make_unique<Snapshot>();
  Snapshot& snap = *out.snapshot;
  snap.generation = generation;
  snap.udp_payload = server.udp_payload;
  DNSD_RETURN_IF_ERROR(BuildCommon(p, &snap.common));

  ZoneBuilder b(snap, p.ttl);
  ProviderZones pz;
  DNSD_ASSIGN_OR_RETURN(std::string dmarc_zone, NameFromText(p.dmarc_zone));
  DNSD_ASSIGN_OR_RETURN(pz.dmarc_targets, b.AddZone(dmarc_zone, ZoneKind::kDmarcTargets));
  DNSD_ASSIGN_OR_RETURN(std::string report_domain, NameFromText(p.report_domain));
  DNSD_ASSIGN_OR_RETURN(std::string report_zone, Prepend("_report._dmarc", report_domain));
  DNSD_ASSIGN_OR_RETURN(pz.report, b.AddZone(report_zone, ZoneKind::kReport));

  for (const DomainConfig& d : config.domains) {
    absl::Status status;
    if (auto plan = PlanDomain(d, p, pz, b); plan.ok()) {
      status = AddDomain(*plan, pz, b);
    } else {
      status = plan.status();
    }
    if (!status.ok()) {
      // A half-added domain would serve a partial answer set: fail the
      // snapshot rather than publish that.
      if (status.code() == absl::StatusCode::kAlreadyExists) return status;
      Diagnostic error;
      error.pos.file = d.file;
      error.message = std::string(status.message());
      out.errors.push_back(std::move(error));
    }
  }
  DNSD_RETURN_IF_ERROR(CompileSpf(config, b, snap, &out.errors, refreshed));
  DNSD_RETURN_IF_ERROR(snap.zones.Validate());
  b.SetSerials();
  return out;
}

}  // namespace dnsd::config
