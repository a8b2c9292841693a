#include "config/compile.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/family.h"
#include "config/link_context.h"
#include "config/parallel.h"
#include "config/zone_builder.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd::config {
namespace {

// Below this many domains to compile, threads cost more than they save.
constexpr size_t kParallelCompile = 256;

// A domain whose names another zone already serves (the provider's own
// domain configured as a customer, say) is refused before anything is added.
// An empty non-terminal (made by a subdomain's names) is not taken.
bool Taken(const ZoneTable& zones, const std::string& name) {
  const Node* node = zones.FindNode(name);
  return (node != nullptr && (node->apex || !node->rrsets.empty())) ||
         zones.FindZoneByApex(name) != nullptr;
}

absl::Status CheckFree(const CompiledPart& part, const ZoneTable& zones) {
  auto check = [&](const std::string& name) {
    return Taken(zones, name) ? absl::InvalidArgumentError(absl::StrCat(
                                    wire::NameToText(name), " is already served by another zone"))
                              : absl::OkStatus();
  };
  for (const CompiledZone& zone : part.zones) DNSD_RETURN_IF_ERROR(check(zone.apex));
  for (const SharedName& shared : part.shared) DNSD_RETURN_IF_ERROR(check(shared.name.first));
  return absl::OkStatus();
}

// Adds one family's part of a domain: its own zones, and its names and
// serial shares in the provider's zones.
absl::Status AddPart(const CompiledPart& part, LinkContext& link) {
  ZoneBuilder& b = link.builder;
  DNSD_RETURN_IF_ERROR(CheckFree(part, b.zones()));
  for (const CompiledZone& compiled : part.zones) {
    DNSD_ASSIGN_OR_RETURN(Zone * zone, b.AddZone(compiled.apex, compiled.kind, compiled.serial));
    for (const auto& [owner, rrset] : compiled.names) DNSD_RETURN_IF_ERROR(b.Add(zone, owner, rrset));
    if (compiled.wildcard != nullptr) b.AddWildcard(zone, compiled.wildcard);
  }
  for (const SharedName& shared : part.shared) {
    Zone* zone = link.provider_zones[shared.zone];
    if (zone == nullptr) continue;  // the provider does not serve that zone
    DNSD_RETURN_IF_ERROR(b.Add(zone, shared.name.first, shared.name.second));
    b.Digest(zone, shared.digest);
  }
  for (const auto& [kind, digest] : part.digests) {
    if (Zone* zone = link.provider_zones[kind]; zone != nullptr) b.Digest(zone, digest);
  }
  return absl::OkStatus();
}

absl::Status AddProviderZones(LinkContext& link) {
  std::vector<ProviderZone> zones;
  for (const RecordFamily* family : Families()) family->ProviderZones(*link.snapshot.provider, zones);
  for (const ProviderZone& pz : zones) {
    DNSD_ASSIGN_OR_RETURN(link.provider_zones[pz.kind], link.builder.AddZone(pz.apex, pz.kind));
  }
  return absl::OkStatus();
}

// One domain, family by family. Thread-safe: reads only its arguments.
std::shared_ptr<const CompiledDomain> CompileDomain(
    const DomainConfig& d, std::shared_ptr<const ProviderRecords> provider,
    const Catalog& catalog, const RefreshedRanges* refreshed, uint64_t inputs_digest,
    UtcSeconds now) {
  auto out = std::make_shared<CompiledDomain>();
  out->version = d.version;
  out->inputs_digest = inputs_digest;
  out->domain = d.domain;
  out->provider = std::move(provider);
  for (const RecordFamily* family : Families()) {
    CompiledPart part;
    part.family = family;
    DomainCompiler compiler(*out, part, d, catalog, refreshed, now);
    if (absl::Status st = family->Compile(d, compiler); !st.ok()) {
      Diagnostic error;
      error.pos.file = d.file;
      error.message = std::string(st.message());
      out->errors.push_back(std::move(error));
      continue;
    }
    compiler.Finish();
    if (!part.zones.empty() || !part.shared.empty() || !part.digests.empty() || part.data) {
      out->parts.push_back(std::move(part));
    }
  }
  return out;
}

// What the domains' timelines say about the snapshot: when it must be
// compiled again, and what is due first.
struct Schedule {
  std::optional<UtcSeconds> next;
  std::vector<std::pair<std::string, ScheduledChange>> upcoming;
};

// Adds where `d` stands on its timeline at `now` to `digest`, so that a
// domain is compiled again when it passes one of its instants, and its
// changes still to come to `schedule`.
void TimelineDigest(const DomainConfig& d, UtcSeconds now, SerialDigest& digest,
                    Schedule& schedule) {
  std::vector<ScheduledChange> timeline;
  for (const RecordFamily* family : Families()) family->Timeline(d, timeline);
  if (timeline.empty()) return;
  Phase phase = PhaseAt(timeline, now);
  digest.AddNumber(phase.passed);
  if (!phase.next) return;
  if (!schedule.next || *phase.next < *schedule.next) schedule.next = phase.next;
  for (ScheduledChange& change : timeline) {
    if (change.at > now) schedule.upcoming.emplace_back(d.domain, std::move(change));
  }
}

void KeepEarliest(std::vector<std::pair<std::string, ScheduledChange>>& upcoming, size_t n) {
  auto earlier = [](const auto& a, const auto& b) {
    return std::tie(a.second.at, a.first, a.second.what) <
           std::tie(b.second.at, b.first, b.second.what);
  };
  if (upcoming.size() > n) {
    std::nth_element(upcoming.begin(), upcoming.begin() + n, upcoming.end(), earlier);
    upcoming.resize(n);
  }
  std::sort(upcoming.begin(), upcoming.end(), earlier);
}

// Every domain of `config`, compiled or taken from `cache`; those to
// compile are compiled on every core when there are many.
std::vector<std::shared_ptr<const CompiledDomain>> CompileDomains(
    const ConfigSet& config, const std::shared_ptr<const ProviderRecords>& provider,
    const RefreshedRanges* refreshed, const CompileCache* cache, UtcSeconds now,
    Schedule& schedule, CompileStats& stats) {
  CatalogDigests catalog(config.catalog, refreshed);
  std::vector<uint64_t> digests;
  digests.reserve(config.domains.size());
  for (const DomainConfig& d : config.domains) {
    SerialDigest digest;
    for (const RecordFamily* family : Families()) family->InputsDigest(d, catalog, digest);
    TimelineDigest(d, now, digest, schedule);
    digests.push_back(digest.value());
  }
  std::vector<std::shared_ptr<const CompiledDomain>> out =
      cache != nullptr ? cache->Find(config.domains, digests, provider.get())
                       : std::vector<std::shared_ptr<const CompiledDomain>>(config.domains.size());
  std::vector<std::pair<size_t, uint64_t>> todo;  // index, inputs' digest
  for (size_t i = 0; i < config.domains.size(); ++i) {
    if (out[i] == nullptr) todo.emplace_back(i, digests[i]);
  }
  stats.compiled = todo.size();
  stats.reused = config.domains.size() - todo.size();
  ForEachOnAllCores(todo.size(), kParallelCompile, [&](size_t t) {
    auto [i, digest] = todo[t];
    out[i] = CompileDomain(config.domains[i], provider, config.catalog, refreshed, digest, now);
  });
  return out;
}

void Reserve(Snapshot& snap) {
  size_t zones = 0, nodes = 0;
  for (const auto& d : snap.domains) {
    for (const CompiledPart& part : d->parts) {
      zones += part.zones.size();
      for (const CompiledZone& zone : part.zones) nodes += 1 + zone.names.size();
      nodes += part.shared.size();
    }
  }
  // Each name may bring an empty non-terminal or two; the provider zones.
  snap.zones.Reserve(zones + kZoneKindCount, nodes + nodes / 2 + kZoneKindCount);
}

}  // namespace

uint64_t ConfigDigest(const Snapshot& snapshot) {
  SerialDigest payload;
  payload.AddNumber(snapshot.udp_payload);
  uint64_t sum = payload.value();
  snapshot.zones.ForEachZone([&sum](const Zone& zone) {
    SerialDigest digest;
    digest.Add(zone.apex);
    digest.AddNumber(zone.serial);
    sum += digest.value();
  });
  return sum;
}

absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed, CompileCache* cache,
                                         std::optional<UtcSeconds> now) {
  const ServerConfig& server = config.server;
  Compiled out;
  out.snapshot = std::make_unique<Snapshot>();
  Snapshot& snap = *out.snapshot;
  snap.generation = generation;
  snap.udp_payload = server.udp_payload;
  snap.as_of = now.value_or(NowUtc());
  snap.identity = server.identity;
  if (!server.identity.empty()) {
    // TTL 0, as NSD answers it: the identity says which server answered
    // this very query, so no cache should hand it out for another.
    snap.identity_txt =
        RRsetBuilder(wire::kTypeTxt, 0, wire::kClassCh).Add(TxtRdata(server.identity)).Build();
  }
  if (cache != nullptr) {
    DNSD_ASSIGN_OR_RETURN(snap.provider, cache->Provider(server.provider));
  } else {
    DNSD_ASSIGN_OR_RETURN(snap.provider, CompileProviderRecords(server.provider));
  }

  Schedule schedule;
  snap.domains =
      CompileDomains(config, snap.provider, refreshed, cache, snap.as_of, schedule, out.stats);
  snap.next_change = schedule.next;
  KeepEarliest(schedule.upcoming, Snapshot::kUpcomingShown);
  snap.upcoming = std::move(schedule.upcoming);
  Reserve(snap);
  ZoneBuilder b(snap, server.provider.ttl);
  LinkContext link{config, snap.domains, refreshed, b, snap, out.errors};
  DNSD_RETURN_IF_ERROR(AddProviderZones(link));
  for (size_t i = 0; i < snap.domains.size(); ++i) {
    const CompiledDomain& d = *snap.domains[i];
    out.errors.insert(out.errors.end(), d.errors.begin(), d.errors.end());
    for (const CompiledPart& part : d.parts) {
      if (absl::Status status = AddPart(part, link); !status.ok()) {
        // A half-added part would serve a partial answer set: fail the
        // snapshot rather than publish that.
        if (status.code() == absl::StatusCode::kAlreadyExists) return status;
        Diagnostic error;
        error.pos.file = config.domains[i].file;
        error.message = std::string(status.message());
        out.errors.push_back(std::move(error));
      }
    }
  }
  for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
  DNSD_RETURN_IF_ERROR(snap.zones.Validate());
  b.SetSerials();
  snap.digest = ConfigDigest(snap);
  if (cache != nullptr) cache->Keep(snap.domains);  // shared, not copied
  return out;
}

}  // namespace dnsd::config
