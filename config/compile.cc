#include "config/compile.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
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
  for (const CompiledZone& zone : part.zones) DNSD_RETURN_IF_ERROR(check(zone.zone.apex));
  for (const SharedName& shared : part.shared) DNSD_RETURN_IF_ERROR(check(shared.name.first));
  return absl::OkStatus();
}

// What AddNames has added of one part, so that a failure takes it all out
// again: a part is served whole or not at all.
struct Added {
  std::vector<std::pair<absl::string_view, uint16_t>> names;  // owner, type
  std::vector<const Zone*> zones;
};

void Undo(const Added& added, ZoneTable& zones) {
  for (auto it = added.names.rbegin(); it != added.names.rend(); ++it) {
    zones.RemoveRRset(it->first, it->second);
  }
  for (auto it = added.zones.rbegin(); it != added.zones.rend(); ++it) zones.RemoveZone(*it);
}

// One family's part of a domain into the zone table: its own zones, and
// its names in the provider's zones.
absl::Status AddNames(const CompiledPart& part, ZoneBuilder& b, Added& added) {
  ZoneTable& zones = b.zones();
  DNSD_RETURN_IF_ERROR(CheckFree(part, zones));
  for (const CompiledZone& compiled : part.zones) {
    DNSD_RETURN_IF_ERROR(zones.AddZone(&compiled.zone));
    added.zones.push_back(&compiled.zone);
    for (const auto& [owner, rrset] : compiled.names) {
      DNSD_RETURN_IF_ERROR(zones.AddRRset(&compiled.zone, owner, rrset));
      added.names.emplace_back(owner, rrset->type);
    }
  }
  for (const SharedName& shared : part.shared) {
    const Zone* zone = b.StandIn(shared.zone);
    if (zone == nullptr) continue;  // the provider does not serve that zone
    DNSD_RETURN_IF_ERROR(zones.AddRRset(zone, shared.name.first, shared.name.second));
    added.names.emplace_back(shared.name.first, shared.name.second->type);
  }
  return absl::OkStatus();
}

uint64_t ZoneDigest(const Zone& zone) {
  SerialDigest digest;
  digest.Add(zone.apex);
  digest.AddNumber(zone.serial);
  return digest.value();
}

// A part's shares of what the snapshot sums (LinkTotals), added or taken away.
void Account(const CompiledPart& part, ZoneBuilder& b, LinkTotals& totals, bool add) {
  for (const CompiledZone& zone : part.zones) {
    uint64_t digest = ZoneDigest(zone.zone);
    totals.zones_digest += add ? digest : 0 - digest;
  }
  for (const SharedName& shared : part.shared) {
    if (b.StandIn(shared.zone) != nullptr) b.Share(shared.zone, shared.digest, add);
  }
  for (const auto& [kind, digest] : part.digests) {
    if (b.StandIn(kind) != nullptr) b.Share(kind, digest, add);
  }
}

absl::Status LinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link) {
  Added added;
  if (absl::Status status = AddNames(part, link.builder, added); !status.ok()) {
    Undo(added, link.builder.zones());
    return status;
  }
  Account(part, link.builder, link.snapshot.link, /*add=*/true);
  part.family->LinkPart(d, part, link, /*add=*/true);
  return absl::OkStatus();
}

void UnlinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link) {
  ZoneTable& zones = link.builder.zones();
  for (const SharedName& shared : part.shared) {
    if (link.builder.StandIn(shared.zone) != nullptr) {
      zones.RemoveRRset(shared.name.first, shared.name.second->type);
    }
  }
  for (const CompiledZone& compiled : part.zones) {
    for (const auto& [owner, rrset] : compiled.names) zones.RemoveRRset(owner, rrset->type);
    zones.RemoveZone(&compiled.zone);
  }
  Account(part, link.builder, link.snapshot.link, /*add=*/false);
  part.family->LinkPart(d, part, link, /*add=*/false);
}

absl::Status AddProviderZones(LinkContext& link) {
  std::vector<ProviderZone> zones;
  for (const RecordFamily* family : Families()) family->ProviderZones(*link.snapshot.provider, zones);
  for (const ProviderZone& pz : zones) {
    DNSD_RETURN_IF_ERROR(link.builder.AddProviderZone(pz.apex, pz.kind).status());
  }
  return absl::OkStatus();
}

// Every domain into empty tables, in name order: where two domains claim
// one name, the first keeps it and the second's part is left out.
void LinkAll(const ConfigSet& config, LinkContext& link) {
  const auto& domains = link.snapshot.domains;
  for (size_t i = 0; i < domains.size(); ++i) {
    for (const CompiledPart& part : domains[i]->parts) {
      if (absl::Status status = LinkPart(*domains[i], part, link); !status.ok()) {
        ++link.snapshot.link.part_errors;
        Diagnostic error;
        error.pos.file = config.domains[i].file;
        error.message = std::string(status.message());
        link.errors.push_back(std::move(error));
      }
    }
  }
}

// The tables of `before`'s snapshot (`link.snapshot` starts as their fork)
// changed into those of link.snapshot.domains: the domains no longer
// served, or served from another compile, are taken out first, then the
// new ones put in. False if a part could not be put in: which of two
// claimants keeps a name is decided by name order over all domains, so the
// caller links everything instead.
bool LinkChanges(const CompiledDomainList& before, LinkContext& link) {
  const auto& after = link.snapshot.domains;
  std::vector<const CompiledDomain*> removed, added;
  size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    if (i < before.size() && j < after.size() && before[i] == after[j]) {
      ++i, ++j;  // the same compile: most of them, with no name compared
      continue;
    }
    if (j == after.size() || (i < before.size() && before[i]->domain < after[j]->domain)) {
      removed.push_back(before[i++].get());
    } else if (i == before.size() || after[j]->domain < before[i]->domain) {
      added.push_back(after[j++].get());
    } else {
      if (before[i] != after[j]) {
        removed.push_back(before[i].get());
        added.push_back(after[j].get());
      }
      ++i, ++j;
    }
  }
  for (const CompiledDomain* d : removed) {
    for (const CompiledPart& part : d->parts) UnlinkPart(*d, part, link);
  }
  for (const CompiledDomain* d : added) {
    for (const CompiledPart& part : d->parts) {
      if (!LinkPart(*d, part, link).ok()) return false;
    }
  }
  return true;
}

// One domain, family by family. Thread-safe: reads only its arguments.
std::shared_ptr<const CompiledDomain> CompileDomain(
    const DomainConfig& d, std::shared_ptr<const ProviderRecords> provider,
    const Catalog& catalog, const SenderNumbers& senders, const RefreshedRanges* refreshed,
    uint64_t inputs_digest, UtcSeconds now) {
  auto out = std::make_shared<CompiledDomain>();
  out->version = d.version;
  out->inputs_digest = inputs_digest;
  out->domain = d.domain;
  out->provider = std::move(provider);
  std::vector<ScheduledChange> timeline;
  for (const RecordFamily* family : Families()) family->Timeline(d, timeline);
  out->scheduled = !timeline.empty();
  for (const RecordFamily* family : Families()) {
    CompiledPart part;
    part.family = family;
    DomainCompiler compiler(*out, part, d, catalog, senders, refreshed, now);
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
  out->ShrinkToFit();
  return out;
}

// Calls `progress` from whichever compiling thread first finds two seconds
// have passed since the last call.
class ProgressEvery {
 public:
  ProgressEvery(const CompileProgressFn& progress, size_t total)
      : progress_(progress), total_(total), next_(Now() + kEvery) {}
  void Done() {
    size_t done = done_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (!progress_) return;
    int64_t next = next_.load(std::memory_order_relaxed);
    int64_t now = Now();
    if (now < next || !next_.compare_exchange_strong(next, now + kEvery)) return;
    std::lock_guard<std::mutex> lock(mu_);
    progress_(done, total_, false);
  }

 private:
  static constexpr int64_t kEvery = 2000;  // milliseconds
  static int64_t Now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  const CompileProgressFn& progress_;
  size_t total_;
  std::atomic<size_t> done_{0};
  std::atomic<int64_t> next_;
  std::mutex mu_;
};

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
CompiledDomainList CompileDomains(
    const ConfigSet& config, const std::shared_ptr<const ProviderRecords>& provider,
    const SenderNumbers& senders, const RefreshedRanges* refreshed, const CompileCache* cache,
    UtcSeconds now, Schedule& schedule, CompileStats& stats, const CompileProgressFn& progress) {
  CatalogDigests catalog(config.catalog, refreshed);
  // The catalog's ranges and the provider records as the last compile had
  // them: then a cached domain from this very read of its file, with
  // nothing on a schedule, is taken without digesting its inputs again.
  bool same_inputs = cache != nullptr && cache->catalog() != nullptr &&
                     *cache->catalog() == catalog;
  const CompiledDomainList none;
  const CompiledDomainList& cached = cache != nullptr ? cache->domains() : none;
  std::vector<std::shared_ptr<const CompiledDomain>> out(config.domains.size());
  std::vector<uint64_t> digests(config.domains.size());
  size_t k = 0;  // cached is sorted by name too: walk both
  for (size_t i = 0; i < config.domains.size(); ++i) {
    const DomainConfig& d = config.domains[i];
    const CompiledDomain* candidate = nullptr;
    if (k < cached.size() && d.version != 0 && cached[k]->version == d.version) {
      candidate = cached[k++].get();  // in step: no name compared
    } else {
      while (k < cached.size() && cached[k]->domain < d.domain) ++k;
      if (k < cached.size() && cached[k]->domain == d.domain) candidate = cached[k++].get();
    }
    bool same_read = candidate != nullptr && d.version != 0 &&
                     candidate->version == d.version && candidate->provider == provider;
    if (same_read && same_inputs && !candidate->scheduled) {
      out[i] = cached[k - 1];
      continue;
    }
    SerialDigest digest;
    for (const RecordFamily* family : Families()) family->InputsDigest(d, catalog, digest);
    TimelineDigest(d, now, digest, schedule);
    digests[i] = digest.value();
    if (same_read && candidate->inputs_digest == digests[i]) out[i] = cached[k - 1];
  }
  std::vector<std::pair<size_t, uint64_t>> todo;  // index, inputs' digest
  for (size_t i = 0; i < config.domains.size(); ++i) {
    if (out[i] == nullptr) todo.emplace_back(i, digests[i]);
  }
  stats.compiled = todo.size();
  stats.reused = config.domains.size() - todo.size();
  ProgressEvery every(progress, todo.size());
  ForEachOnAllCores(todo.size(), kParallelCompile, [&](size_t t) {
    auto [i, digest] = todo[t];
    out[i] = CompileDomain(config.domains[i], provider, config.catalog, senders, refreshed,
                           digest, now);
    every.Done();
  });
  return CompiledDomainList(std::move(out));
}

// Links the compiled domains of `snap` into its tables: from `cache`'s
// tables, changing only what changed, when they were made with the same
// provider records and every part went in; else from empty tables.
absl::Status Link(const ConfigSet& config, const SenderNumbers& senders,
                  const RefreshedRanges* refreshed, const CompileCache* cache, Snapshot& snap,
                  std::vector<Diagnostic>& errors) {
  const Snapshot* base = cache != nullptr ? cache->tables() : nullptr;
  if (base != nullptr && base->provider == snap.provider && base->link.part_errors == 0) {
    snap.zones = base->zones.Fork();
    for (const RecordFamily* family : Families()) family->ForkTables(*base, snap);
    snap.link = base->link;
    std::vector<Diagnostic> link_errors;
    ZoneBuilder b(snap, config.server.provider.ttl);
    LinkContext link{config, senders, refreshed, b, snap, link_errors};
    DNSD_RETURN_IF_ERROR(AddProviderZones(link));
    if (LinkChanges(cache->domains(), link)) {
      for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
      b.SetSerials();
      errors.insert(errors.end(), link_errors.begin(), link_errors.end());
      return absl::OkStatus();
    }
  }
  snap.zones = ZoneTable();
  snap.spf = spf::MacroZone();
  snap.mta_sts_policies = mta_sts::PolicyTable();
  snap.link = LinkTotals();
  ZoneBuilder b(snap, config.server.provider.ttl);
  LinkContext link{config, senders, refreshed, b, snap, errors};
  DNSD_RETURN_IF_ERROR(AddProviderZones(link));
  LinkAll(config, link);
  for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
  b.SetSerials();
  return absl::OkStatus();
}

// The tables of `snap` to start the next link from: shared, not copied.
std::unique_ptr<const Snapshot> TablesOf(const Snapshot& snap) {
  auto tables = std::make_unique<Snapshot>();
  tables->provider = snap.provider;
  tables->zones = snap.zones.Fork();
  for (const RecordFamily* family : Families()) family->ForkTables(snap, *tables);
  tables->link = snap.link;
  return tables;
}

}  // namespace

uint64_t ConfigDigest(const Snapshot& snapshot) {
  SerialDigest payload;
  payload.AddNumber(snapshot.udp_payload);
  // The customers' zones are summed as they are linked (LinkTotals).
  uint64_t sum = payload.value() + snapshot.link.zones_digest;
  snapshot.zones.ForEachProviderZone([&sum](const Zone& zone) { sum += ZoneDigest(zone); });
  return sum;
}

absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed, CompileCache* cache,
                                         std::optional<UtcSeconds> now,
                                         const CompileProgressFn& progress) {
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

  SenderNumbers fresh;
  SenderNumbers& senders = cache != nullptr ? cache->sender_numbers() : fresh;
  senders.Add(config.catalog);
  Schedule schedule;
  snap.domains = CompileDomains(config, snap.provider, senders, refreshed, cache, snap.as_of,
                                schedule, out.stats, progress);
  if (progress && out.stats.compiled >= kParallelCompile) {
    progress(out.stats.compiled, out.stats.compiled, /*linking=*/true);
  }
  snap.next_change = schedule.next;
  KeepEarliest(schedule.upcoming, Snapshot::kUpcomingShown);
  snap.upcoming = std::move(schedule.upcoming);
  for (const auto& d : snap.domains) {
    out.errors.insert(out.errors.end(), d->errors.begin(), d->errors.end());
  }
  DNSD_RETURN_IF_ERROR(Link(config, senders, refreshed, cache, snap, out.errors));
  snap.digest = ConfigDigest(snap);
  if (cache != nullptr) {
    cache->Keep(snap.domains, TablesOf(snap));  // shared, not copied
    cache->KeepCatalog(CatalogDigests(config.catalog, refreshed));
  }
  return out;
}

}  // namespace dnsd::config
