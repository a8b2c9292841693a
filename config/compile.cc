#include "config/compile.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <tuple>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/compiled_domain_image.h"
#include "config/family.h"
#include "config/link_context.h"
#include "config/parallel.h"
#include "config/serial_digest.h"
#include "config/zone_builder.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd::config {
namespace {

// Below this many domains to compile, threads cost more than they save.
constexpr size_t kParallelCompile = 256;

// Which compiled domains a compile took out of the cache's list and which
// it put in: what the link changes in the tables.
struct Edits {
  std::vector<CompiledDomainList::Ptr> removed, added;
};

// A domain whose names another zone already serves (the provider's own
// domain configured as a customer, say) is refused before anything is added.
// An empty non-terminal (made by a subdomain's names) is not taken. (A
// zone's apex is a node too: one look-up finds both.)
bool Taken(const ZoneTable& zones, absl::string_view name) {
  const Node* node = zones.FindNode(name);
  return node != nullptr && (node->apex() || !node->rrsets.empty());
}

absl::Status CheckFree(const CompiledDomain& d, const CompiledPart& part,
                       const ZoneTable& zones) {
  auto check = [&](absl::string_view name) {
    return Taken(zones, name) ? absl::InvalidArgumentError(absl::StrCat(
                                    wire::NameToText(name), " is already served by another zone"))
                              : absl::OkStatus();
  };
  for (const CompiledZone& zone : d.ZonesOf(part)) DNSD_RETURN_IF_ERROR(check(zone.zone.apex()));
  for (const SharedName& shared : d.SharedOf(part)) {
    DNSD_RETURN_IF_ERROR(check(shared.name.first));
  }
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
absl::Status AddNames(const CompiledDomain& d, const CompiledPart& part, ZoneBuilder& b,
                      Added& added) {
  ZoneTable& zones = b.zones();
  DNSD_RETURN_IF_ERROR(CheckFree(d, part, zones));
  for (const CompiledZone& compiled : d.ZonesOf(part)) {
    DNSD_RETURN_IF_ERROR(zones.AddZone(&compiled.zone));
    added.zones.push_back(&compiled.zone);
    for (const auto& [owner, rrset] : d.NamesOf(compiled)) {
      DNSD_RETURN_IF_ERROR(zones.AddRRset(&compiled.zone, owner, rrset, KeyBytes::kView));
      added.names.emplace_back(owner, rrset->type);
    }
  }
  for (const SharedName& shared : d.SharedOf(part)) {
    const Zone* zone = b.StandIn(shared.zone);
    if (zone == nullptr) continue;  // the provider does not serve that zone
    DNSD_RETURN_IF_ERROR(
        zones.AddRRset(zone, shared.name.first, shared.name.second, KeyBytes::kView));
    added.names.emplace_back(shared.name.first, shared.name.second->type);
  }
  return absl::OkStatus();
}

uint64_t ZoneDigest(const Zone& zone) {
  SerialDigest digest;
  digest.Add(zone.apex());
  digest.AddNumber(zone.serial);
  return digest.value();
}

// A part's shares of what the snapshot sums (LinkTotals), added or taken away.
void Account(const CompiledDomain& d, const CompiledPart& part, ZoneBuilder& b,
             LinkTotals& totals, bool add) {
  for (const CompiledZone& zone : d.ZonesOf(part)) {
    uint64_t digest = ZoneDigest(zone.zone);
    totals.zones_digest += add ? digest : 0 - digest;
  }
  for (const SharedName& shared : d.SharedOf(part)) {
    if (b.StandIn(shared.zone) == nullptr) continue;
    b.Share(shared.zone, DigestOf(shared.name.first, *shared.name.second), add);
  }
  for (const auto& [kind, digest] : d.DigestsOf(part)) {
    if (b.StandIn(kind) != nullptr) b.Share(kind, digest, add);
  }
}

absl::Status LinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link) {
  Added added;
  if (absl::Status status = AddNames(d, part, link.builder, added); !status.ok()) {
    Undo(added, link.builder.zones());
    return status;
  }
  Account(d, part, link.builder, link.snapshot.link, /*add=*/true);
  part.family()->LinkPart(d, part, link, /*add=*/true);
  return absl::OkStatus();
}

void UnlinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link) {
  ZoneTable& zones = link.builder.zones();
  for (const SharedName& shared : d.SharedOf(part)) {
    if (link.builder.StandIn(shared.zone) != nullptr) {
      zones.RemoveRRset(shared.name.first, shared.name.second->type);
    }
  }
  for (const CompiledZone& compiled : d.ZonesOf(part)) {
    for (const auto& [owner, rrset] : d.NamesOf(compiled)) zones.RemoveRRset(owner, rrset->type);
    zones.RemoveZone(&compiled.zone);
  }
  Account(d, part, link.builder, link.snapshot.link, /*add=*/false);
  part.family()->LinkPart(d, part, link, /*add=*/false);
}

absl::Status AddProviderZones(LinkContext& link) {
  std::vector<ProviderZone> zones;
  for (const RecordFamily* family : Families()) family->ProviderZones(*link.snapshot.provider, zones);
  for (const ProviderZone& pz : zones) {
    DNSD_RETURN_IF_ERROR(link.builder.AddProviderZone(pz.apex, pz.kind).status());
  }
  return absl::OkStatus();
}

// Every part of `d` into the tables; a part that claims a name another
// zone already serves is left out, with an error.
void LinkDomain(const ConfigSet& config, const CompiledDomain& d, LinkContext& link) {
  for (const CompiledPart& part : d.parts()) {
    if (absl::Status status = LinkPart(d, part, link); !status.ok()) {
      ++link.snapshot.link.part_errors;
      Diagnostic error;
      if (const DomainHead* configured = config.domains.Find(d.domain())) {
        error.pos.file = configured->file;
      }
      error.message = std::string(status.message());
      link.errors.push_back(std::move(error));
    }
  }
}

// Every domain into empty tables, in name order: where two domains claim
// one name, the first keeps it and the second's part is left out.
// Linking every domain takes many seconds at a million; `progress`
// hears how far it got every two seconds.
void LinkAll(const ConfigSet& config, LinkContext& link, const CompileProgressFn& progress) {
  constexpr auto kEvery = std::chrono::seconds(2);
  auto next = std::chrono::steady_clock::now() + kEvery;
  size_t linked = 0;
  size_t total = link.snapshot.domains.size();
  for (const auto& d : link.snapshot.domains) {
    if (progress && ++linked % 1024 == 0 && std::chrono::steady_clock::now() >= next) {
      progress(linked, total, /*linking=*/true);
      next = std::chrono::steady_clock::now() + kEvery;
    }
    LinkDomain(config, *d, link);
  }
}

// The domains `before` has and `after` has not, or has from another
// compile, and the other way round: one walk down both lists.
Edits EditsBetween(const CompiledDomainList& before, const CompiledDomainList& after) {
  Edits edits;
  auto i = before.begin();
  auto j = after.begin();
  while (i != before.end() || j != after.end()) {
    if (i != before.end() && j != after.end() && *i == *j) {
      ++i, ++j;  // the same compile: most of them, with no name compared
      continue;
    }
    if (j == after.end() || (i != before.end() && (*i)->domain() < (*j)->domain())) {
      edits.removed.push_back(*i++);
    } else if (i == before.end() || (*j)->domain() < (*i)->domain()) {
      edits.added.push_back(*j++);
    } else {
      edits.removed.push_back(*i++);
      edits.added.push_back(*j++);
    }
  }
  return edits;
}

// The tables of the cache's snapshot (`link.snapshot` starts as their fork)
// changed by `edits`: the domains no longer served, or served from another
// compile, are taken out first, then the new ones put in. False if a part
// could not be put in: which of two claimants keeps a name is decided by
// name order over all domains, so the caller links everything instead.
bool LinkChanges(const Edits& edits, LinkContext& link) {
  for (const auto& d : edits.removed) {
    for (const CompiledPart& part : d->parts()) UnlinkPart(*d, part, link);
  }
  for (const auto& d : edits.added) {
    for (const CompiledPart& part : d->parts()) {
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
  out->provider = std::move(provider);
  out->scheduled = !TimelineOf(d).empty();
  DomainDraft draft;
  for (const RecordFamily* family : Families()) {
    CompiledPart part;
    part.set_family(family);
    DomainCompiler compiler(*out, part, draft, d, catalog, senders, refreshed, now);
    if (absl::Status st = family->Compile(d, compiler); !st.ok()) {
      compiler.Abandon();
      Diagnostic error;
      error.pos.file = d.file;
      error.message = std::string(st.message());
      draft.errors.push_back(std::move(error));
      continue;
    }
    if (compiler.Finish()) draft.parts.push_back(std::move(part));
  }
  out->Seal(d.domain, std::move(draft));
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
  std::vector<ScheduledChange> timeline = TimelineOf(d);
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

// Whether a link whose changes take `replaced` of `domains` domains out
// of the tables builds them afresh instead (Link): taking most of them out
// of a fork would copy every shard only to empty it, and leave the tables
// larger than building them afresh.
bool LinksAfresh(size_t replaced, size_t domains) { return replaced > domains / 2; }

// Decides domain by domain whether the cache's compile still holds, and
// compiles the others, on every core when there are many.
class DomainCompiles {
 public:
  DomainCompiles(const ConfigSet& config, std::shared_ptr<const ProviderRecords> provider,
                 const SenderNumbers& senders, const RefreshedRanges* refreshed,
                 const CompileCache* cache, UtcSeconds now, Schedule& schedule)
      : config_(config),
        provider_(std::move(provider)),
        senders_(senders),
        refreshed_(refreshed),
        now_(now),
        schedule_(schedule),
        catalog_(config.catalog, refreshed),
        // The catalog's ranges and the provider records as the last compile
        // had them: then a cached domain from this very read of its file,
        // with nothing on a schedule, is taken without digesting its inputs.
        same_inputs_(cache != nullptr && cache->catalog() != nullptr &&
                     *cache->catalog() == catalog_) {
    if (cache != nullptr && !cache->image_domains().empty()) image_provider_.emplace(provider_);
  }

  // `cached` (may be null) if it still holds for `d`; else null, and `d`
  // is queued for Compile under `slot`: to be read from `image` (a compiled
  // image's record of it, may be null) if that holds, else compiled.
  const CompiledDomainList::Ptr* Take(const DomainHead& d, const CompiledDomainList::Ptr* cached,
                                      size_t slot,
                                      const CompileCache::ImageDomain* image = nullptr) {
    const CompiledDomain* candidate = cached != nullptr ? cached->get() : nullptr;
    bool same_read = candidate != nullptr && d.version != 0 && candidate->version == d.version &&
                     candidate->provider == provider_;
    if (same_read && same_inputs_ && !candidate->scheduled) return cached;
    SerialDigest digest;
    for (const std::string& id : InputsOf(d)) catalog_.Add(id, digest);
    // A released model had no timeline (ConfigState keeps those).
    if (const DomainConfig* model = d.model()) TimelineDigest(*model, now_, digest, schedule_);
    if (same_read && candidate->inputs_digest == digest.value()) return cached;
    // The image's compile holds on the cache's terms; its provider records
    // are these (the image was written from the same server file).
    bool from_image = candidate == nullptr && image != nullptr && image_provider_ &&
                      d.version != 0 && image->version == d.version && !image->scheduled &&
                      image->inputs_digest == digest.value();
    queued_.push_back({&d, digest.value(), slot, cached != nullptr ? *cached : nullptr,
                       from_image ? image->record : absl::string_view()});
    return nullptr;
  }

  // Compiles what Take queued; `put(slot, compiled)` for each, in queue
  // order. A compile that comes out the same as the cache's (SameCompile)
  // is dropped at once and the cache's is put instead, stamped with this
  // read: its records and the tables that point at them stay as they are.
  // With `handoff`, each is also handed to it under its slot as soon as it
  // is compiled.
  template <typename Put>
  void Compile(const CompileProgressFn& progress, Put put,
               InOrderHandoff<CompiledDomain>* handoff = nullptr) {
    std::vector<CompiledDomainList::Ptr> compiled(queued_.size());
    ProgressEvery every(progress, queued_.size());
    // Reading a compile from an image costs less than linking it: when
    // most are read so while the linker takes them (a restart), a core is
    // left to the linker, which is then what the load waits for.
    size_t reads = std::count_if(queued_.begin(), queued_.end(),
                                 [](const Queued& q) { return !q.image.empty(); });
    unsigned threads = ComputeThreads();
    if (handoff != nullptr && reads > queued_.size() / 2 && threads > 1) --threads;
    ForEachInParallel(queued_.size(), kParallelCompile, threads, [&](size_t t) {
      const Queued& q = queued_[t];
      compiled[t] = CompileQueued(q);
      if (q.previous != nullptr && compiled[t] != q.previous &&
          SameCompile(*compiled[t], *q.previous)) {
        compiled[t] = q.previous;
      }
      if (handoff != nullptr) handoff->Put(q.slot, compiled[t].get());
      every.Done();
    });
    // Which came out the same, before Rehome replaces some of them.
    std::vector<bool> same(queued_.size());
    for (size_t t = 0; t < queued_.size(); ++t) {
      same[t] = !queued_[t].unread && compiled[t] == queued_[t].previous;
    }
    if (handoff == nullptr) Rehome(compiled, same);
    for (size_t t = 0; t < queued_.size(); ++t) {
      const Queued& q = queued_[t];
      if (q.unread) {
        ++unread_;  // kept as it was, not stamped: compiled again once it can be
      } else if (same[t]) {
        if (compiled[t] == q.previous) {
          q.previous->version = q.domain->version;
          q.previous->inputs_digest = q.digest;
        }
        ++unchanged_;
      }
      put(q.slot, std::move(compiled[t]));
    }
  }

  size_t queued() const { return queued_.size(); }
  // Of those queued, how many were read from a compiled image.
  size_t from_image() const { return from_image_.load(); }
  // Of those compiled, how many came out the same as the cache's.
  size_t unchanged() const { return unchanged_; }
  // Of those queued, how many had released their model and could not read
  // it again (their file changed since it was read): kept as compiled.
  size_t unread() const { return unread_; }
  // The catalog's ranges are those the cache's compile used.
  bool same_inputs() const { return same_inputs_; }

 private:
  struct Queued {
    const DomainHead* domain;
    uint64_t digest;  // of its inputs
    size_t slot;
    CompiledDomainList::Ptr previous;  // the cache's compile of it, if any
    absl::string_view image;  // a compiled image's record of this compile, if any
    mutable bool unread = false;  // set by the compiling thread that took it
  };

  // A compile that replaced most of the domains is linked into tables of
  // its own (Link): a domain that came out the same then keeps no table
  // shared by keeping its served compile, and that compile's block would
  // keep its slab (config/block_heap.h) after the swap, though nearly
  // every other block of it is freed: at 5% of the domains the same,
  // nearly every old slab stays, and a tenth of the heap with it. Those
  // are compiled once more, into the slabs this compile filled. Counted
  // from the compiles alone (domains that went are not), and not done
  // where the link takes each compile as it comes (a handoff: the start,
  // or tables that cannot be forked), which holds it by then.
  void Rehome(std::vector<CompiledDomainList::Ptr>& compiled, const std::vector<bool>& same) const {
    size_t replaced = 0;
    std::vector<size_t> again;
    for (size_t t = 0; t < queued_.size(); ++t) {
      if (same[t]) {
        again.push_back(t);
      } else if (queued_[t].previous != nullptr && !queued_[t].unread) {
        ++replaced;
      }
    }
    if (again.empty() || !LinksAfresh(replaced, config_.domains.size())) return;
    ForEachInParallel(again.size(), kParallelCompile, ComputeThreads(), [&](size_t i) {
      const Queued& q = queued_[again[i]];
      CompiledDomainList::Ptr fresh = CompileQueued(q);
      // Not read again as it was (its file changed since): the served
      // compile stays, as it would have, and counts as the same, which
      // the first read found it to be.
      if (!q.unread) compiled[again[i]] = std::move(fresh);
      q.unread = false;
    });
  }

  // Compiles `q`, reading its released model again if need be. A model
  // that cannot be read again as it was (its file changed, and the watcher
  // has not said so yet) keeps the cache's compile: the reload that file's
  // change brings compiles it. With no compile to keep, the domain is
  // served with no records and the reason.
  CompiledDomainList::Ptr CompileQueued(const Queued& q) const {
    if (!q.image.empty()) {
      ImageReader in(q.image);
      auto read = ReadCompiledDomain(in, *image_provider_);
      if (read.ok() && (*read)->domain() == q.domain->domain) {
        from_image_.fetch_add(1, std::memory_order_relaxed);
        return *std::move(read);
      }
      // A record that does not read whole: compiled, as without the image.
    }
    std::shared_ptr<const DomainConfig> reread;
    const DomainConfig* model = q.domain->model();
    if (model == nullptr && config_.reread) {
      reread = config_.reread(*q.domain);
      model = reread.get();
    }
    if (model != nullptr) {
      return CompileDomain(*model, provider_, config_.catalog, senders_, refreshed_, q.digest,
                           now_);
    }
    q.unread = true;
    if (q.previous != nullptr) return q.previous;
    auto out = std::make_shared<CompiledDomain>();
    Diagnostic error;
    error.pos.file = q.domain->file;
    error.message = absl::StrCat(q.domain->domain,
                                 ": its file changed since it was read; served once read again");
    DomainDraft draft;
    draft.errors.push_back(std::move(error));
    out->Seal(q.domain->domain, std::move(draft));
    return out;
  }
  const ConfigSet& config_;
  std::shared_ptr<const ProviderRecords> provider_;
  const SenderNumbers& senders_;
  const RefreshedRanges* refreshed_;
  UtcSeconds now_;
  Schedule& schedule_;
  CatalogDigests catalog_;
  bool same_inputs_;
  std::vector<Queued> queued_;
  size_t unchanged_ = 0;
  size_t unread_ = 0;
  std::optional<ImageProvider> image_provider_;  // when the cache holds image domains
  mutable std::atomic<size_t> from_image_{0};
};

// Every domain of `config`, compiled or taken from `cache`; with
// `handoff`, each is also handed to it under its index in config.domains
// once it is ready.
CompiledDomainList CompileAll(const ConfigSet& config, DomainCompiles& compiles,
                              const CompileCache* cache, CompileStats& stats,
                              const CompileProgressFn& progress,
                              InOrderHandoff<CompiledDomain>* handoff = nullptr) {
  const CompiledDomainList none;
  const CompiledDomainList& cached = cache != nullptr ? cache->domains() : none;
  const std::vector<CompileCache::ImageDomain> no_image;
  const auto& image = cache != nullptr ? cache->image_domains() : no_image;
  std::vector<CompiledDomainList::Ptr> out(config.domains.size());
  auto k = cached.begin();  // cached is sorted by name too: walk both
  auto m = image.begin();   // and so is the image's
  size_t i = 0;
  for (const DomainHead& d : config.domains.heads()) {
    const CompiledDomainList::Ptr* candidate = nullptr;
    if (k != cached.end() && d.version != 0 && (*k)->version == d.version) {
      candidate = &*k++;  // in step: no name compared
    } else {
      while (k != cached.end() && (*k)->domain() < d.domain) ++k;
      if (k != cached.end() && (*k)->domain() == d.domain) candidate = &*k++;
    }
    const CompileCache::ImageDomain* in_image = nullptr;
    if (!image.empty()) {
      while (m != image.end() && m->name < d.domain) ++m;
      if (m != image.end() && m->name == d.domain) in_image = &*m++;
    }
    if (const CompiledDomainList::Ptr* kept = compiles.Take(d, candidate, i, in_image)) {
      out[i] = *kept;
      if (handoff != nullptr) handoff->Put(i, kept->get());
    }
    ++i;
  }
  stats.compiled = compiles.queued();
  stats.reused = config.domains.size() - compiles.queued();
  compiles.Compile(
      progress, [&](size_t slot, CompiledDomainList::Ptr d) { out[slot] = std::move(d); },
      handoff);
  stats.unchanged = compiles.unchanged();
  stats.unread = compiles.unread();
  stats.from_image = compiles.from_image();
  stats.compiled -= stats.from_image;
  return CompiledDomainList(out);
}

// The cache's domains changed by `delta` (how `config.domains` differs from
// the domains they were compiled from), and every domain on a schedule
// looked at again: nothing else is looked at. `edits` says what changed.
CompiledDomainList CompileDelta(const ConfigSet& config, const DomainDelta& delta,
                                DomainCompiles& compiles, const CompileCache& cache,
                                CompileStats& stats, const CompileProgressFn& progress,
                                Edits& edits) {
  CompiledDomainList out = cache.domains();  // shares its chunks
  for (const std::string& name : delta.removed) {
    if (const CompiledDomainList::Ptr* d = out.Find(name)) {
      edits.removed.push_back(*d);
      out.Erase(name);
    }
  }
  absl::btree_set<absl::string_view> look(delta.added.begin(), delta.added.end());
  look.insert(delta.changed.begin(), delta.changed.end());
  look.insert(cache.scheduled().begin(), cache.scheduled().end());
  std::vector<CompiledDomainList::Ptr> replaced;
  for (absl::string_view name : look) {
    const DomainHead* d = config.domains.Find(name);
    if (d == nullptr) continue;  // a scheduled domain that went: removed above
    const CompiledDomainList::Ptr* cached = out.Find(name);
    if (compiles.Take(*d, cached, replaced.size()) == nullptr) {
      replaced.push_back(cached != nullptr ? *cached : nullptr);
    }
  }
  stats.compiled = compiles.queued();
  stats.reused = config.domains.size() - compiles.queued();
  compiles.Compile(progress, [&](size_t slot, CompiledDomainList::Ptr d) {
    if (d == replaced[slot]) return;  // compiled to the same: nothing to edit
    if (replaced[slot] != nullptr) edits.removed.push_back(std::move(replaced[slot]));
    edits.added.push_back(d);
    out.Set(std::move(d));
  });
  stats.unchanged = compiles.unchanged();
  stats.unread = compiles.unread();
  return out;
}

// Whether `cache`'s tables can be edited into `snap`'s: they were made
// with the same provider records and every part went in.
bool Forkable(const CompileCache* cache, const Snapshot& snap) {
  const Snapshot* base = cache != nullptr ? cache->tables() : nullptr;
  return base != nullptr && base->provider == snap.provider && base->link.part_errors == 0;
}

// Empty tables for `snap`, to link every domain into.
void ClearTables(Snapshot& snap) {
  snap.zones = ZoneTable();
  snap.spf = spf::MacroZone();
  snap.mta_sts_policies = mta_sts::PolicyTable();
  snap.link = LinkTotals();
}

// Compacts the tables of `snap`, once linked, for publishing; `let_go`
// as PersistentMap::Freeze says.
void FreezeTables(Snapshot& snap, const std::function<void()>& let_go) {
  snap.zones.Freeze(let_go);
  for (const RecordFamily* family : Families()) family->FreezeTables(snap, let_go);
}

// Links the compiled domains of `snap` into its tables: from `cache`'s
// tables, changing only what changed, when Forkable; else from empty
// tables.
absl::Status Link(const ConfigSet& config, const SenderNumbers& senders,
                  const RefreshedRanges* refreshed, const CompileCache* cache, Snapshot& snap,
                  const std::optional<Edits>& edits, std::vector<Diagnostic>& errors,
                  const CompileProgressFn& progress, const std::function<void()>& let_go) {
  const Snapshot* base = cache != nullptr ? cache->tables() : nullptr;
  bool forkable = Forkable(cache, snap);
  std::optional<Edits> between;
  if (forkable && !edits) between = EditsBetween(cache->domains(), snap.domains);
  const Edits* changes = edits ? &*edits : between ? &*between : nullptr;
  // Most domains replaced (a full reload): linked from empty, the new
  // tables cost what they hold.
  if (forkable && !LinksAfresh(changes->removed.size(), snap.domains.size())) {
    snap.zones = base->zones.Fork();
    for (const RecordFamily* family : Families()) family->ForkTables(*base, snap);
    snap.link = base->link;
    std::vector<Diagnostic> link_errors;
    ZoneBuilder b(snap);
    LinkContext link{config, senders, refreshed, b, snap, link_errors};
    DNSD_RETURN_IF_ERROR(AddProviderZones(link));
    if (LinkChanges(*changes, link)) {
      for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
      b.SetSerials();
      FreezeTables(snap, let_go);
      errors.insert(errors.end(), link_errors.begin(), link_errors.end());
      return absl::OkStatus();
    }
  }
  ClearTables(snap);
  ZoneBuilder b(snap);
  LinkContext link{config, senders, refreshed, b, snap, errors};
  DNSD_RETURN_IF_ERROR(AddProviderZones(link));
  LinkAll(config, link, progress);
  for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
  b.SetSerials();
  FreezeTables(snap, let_go);
  return absl::OkStatus();
}

// CompileAll and a Link from empty tables at once, for the start and
// whenever the tables cannot be forked: each domain is linked, in name
// order, as soon as it and every domain before it are compiled, on a
// thread of its own. Linking is one thread's work, so after the compile
// it left a core idle for as long as the compile took on all of them (at
// a million domains, 13 s of link after 12 s of compile). The tables, the
// link's errors and their order are those of CompileAll then Link.
absl::StatusOr<CompiledDomainList> CompileAndLinkAll(
    const ConfigSet& config, DomainCompiles& compiles, const CompileCache* cache,
    const SenderNumbers& senders, const RefreshedRanges* refreshed, Snapshot& snap,
    CompileStats& stats, std::vector<Diagnostic>& link_errors, const CompileProgressFn& progress,
    const std::function<void()>& let_go) {
  ClearTables(snap);
  ZoneBuilder b(snap);
  LinkContext link{config, senders, refreshed, b, snap, link_errors};
  DNSD_RETURN_IF_ERROR(AddProviderZones(link));
  size_t total = config.domains.size();
  InOrderHandoff<CompiledDomain> handoff(total);
  std::atomic<size_t> linked{0};
  std::future<void> linker = std::async(std::launch::async, [&] {
    for (size_t i = 0; i < total; ++i) {
      LinkDomain(config, handoff.Take(i), link);
      linked.store(i + 1, std::memory_order_relaxed);
    }
  });
  CompiledDomainList domains = CompileAll(config, compiles, cache, stats, progress, &handoff);
  // The compiling threads are done with `progress`; this thread reports
  // the rest of the link.
  if (progress && stats.compiled >= kParallelCompile) {
    progress(stats.compiled, stats.compiled, /*linking=*/true);
  }
  while (linker.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    if (progress) progress(linked.load(std::memory_order_relaxed), total, /*linking=*/true);
  }
  linker.get();
  snap.domains = domains;
  for (const RecordFamily* family : Families()) DNSD_RETURN_IF_ERROR(family->Link(link));
  b.SetSerials();
  FreezeTables(snap, let_go);
  return domains;
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

std::unique_ptr<const Snapshot> LinkInNameOrder(const ServerConfig& server,
                                                std::shared_ptr<const ProviderRecords> provider,
                                                const SenderNumbers& senders,
                                                const InOrderHandoff<CompiledDomain>& domains,
                                                std::atomic<size_t>& linked) {
  Snapshot snap;
  snap.provider = std::move(provider);
  ConfigSet config;  // no domain files: a link error names none
  config.server = server;
  std::vector<Diagnostic> errors;
  ZoneBuilder b(snap);
  LinkContext link{config, senders, /*refreshed=*/nullptr, b, snap, errors};
  if (!AddProviderZones(link).ok()) return nullptr;
  for (size_t i = 0; i < domains.size(); ++i) {
    LinkDomain(config, domains.Take(i), link);
    linked.store(i + 1, std::memory_order_relaxed);
  }
  if (!errors.empty()) return nullptr;
  FreezeTables(snap, nullptr);
  return TablesOf(snap);
}

uint64_t ConfigDigest(const Snapshot& snapshot) {
  SerialDigest payload;
  payload.AddNumber(snapshot.udp_payload);
  // The SOA, NS and TTL every zone serves, which no zone's serial holds.
  payload.AddNumber(snapshot.common.serial_mix);
  // The customers' zones are summed as they are linked (LinkTotals).
  uint64_t sum = payload.value() + snapshot.link.zones_digest;
  snapshot.zones.ForEachProviderZone([&sum](const Zone& zone) { sum += ZoneDigest(zone); });
  return sum;
}

absl::StatusOr<Compiled> CompileSnapshot(const ConfigSet& config, uint64_t generation,
                                         const RefreshedRanges* refreshed, CompileCache* cache,
                                         std::optional<UtcSeconds> now,
                                         const CompileProgressFn& progress,
                                         const DomainDelta* delta,
                                         const std::function<void()>& let_go) {
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
  DNSD_ASSIGN_OR_RETURN(snap.common, CompileZoneCommon(server.provider));

  SenderNumbers fresh;
  SenderNumbers& senders = cache != nullptr ? cache->sender_numbers() : fresh;
  senders.Add(config.catalog);
  Schedule schedule;
  DomainCompiles compiles(config, snap.provider, senders, refreshed, cache, snap.as_of, schedule);
  std::optional<Edits> edits;
  // Linked while compiling: then Link below is not needed.
  std::optional<std::vector<Diagnostic>> link_errors;
  // A delta says which domains changed; not whether a sender's ranges or
  // the provider records did, which every domain may depend on.
  if (delta != nullptr && cache != nullptr && cache->tables() != nullptr &&
      cache->tables()->provider == snap.provider && compiles.same_inputs()) {
    edits.emplace();
    snap.domains = CompileDelta(config, *delta, compiles, *cache, out.stats, progress, *edits);
    out.stats.by_delta = true;
    out.stats.edited = !edits->removed.empty() || !edits->added.empty();
  } else if (!Forkable(cache, snap) && config.domains.size() >= kParallelCompile &&
             ComputeThreads() > 1) {
    link_errors.emplace();
    DNSD_ASSIGN_OR_RETURN(snap.domains,
                          CompileAndLinkAll(config, compiles, cache, senders, refreshed, snap,
                                            out.stats, *link_errors, progress, let_go));
  } else {
    snap.domains = CompileAll(config, compiles, cache, out.stats, progress);
  }
  if (!link_errors && progress && out.stats.compiled >= kParallelCompile) {
    progress(out.stats.compiled, out.stats.compiled, /*linking=*/true);
  }
  snap.next_change = schedule.next;
  KeepEarliest(schedule.upcoming, Snapshot::kUpcomingShown);
  snap.upcoming = std::move(schedule.upcoming);
  CompileCache::Marked marked =
      edits && cache != nullptr ? cache->marked() : CompileCache::Marked();
  if (edits) {
    marked.Apply(edits->removed, edits->added);
  } else {
    marked = CompileCache::Marked::Of(snap.domains);
  }
  for (const auto& [name, d] : marked.with_errors) {
    out.errors.insert(out.errors.end(), d->errors().begin(), d->errors().end());
  }
  if (link_errors) {
    out.errors.insert(out.errors.end(), link_errors->begin(), link_errors->end());
  } else {
    DNSD_RETURN_IF_ERROR(
        Link(config, senders, refreshed, cache, snap, edits, out.errors, progress, let_go));
  }
  snap.digest = ConfigDigest(snap);
  if (cache != nullptr) {
    cache->Keep(snap.domains, TablesOf(snap), std::move(marked));  // shared, not copied
    cache->KeepCatalog(CatalogDigests(config.catalog, refreshed));
  }
  return out;
}

}  // namespace dnsd::config
