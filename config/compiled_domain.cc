#include "config/compiled_domain.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <optional>
#include <span>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "config/names.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {
namespace {

void AddWarning(DomainDraft& draft, const DomainConfig& d, absl::string_view message) {
  Diagnostic e;
  e.pos.file = d.file;
  e.message = std::string(message);
  e.severity = Severity::kWarning;
  draft.errors.push_back(std::move(e));
}

uint64_t DigestRanges(const std::vector<IpPrefix>& ranges) {
  SerialDigest digest;
  for (const IpPrefix& prefix : ranges) digest.Add(FormatIpPrefix(prefix));
  return digest.value();
}

// `relative` (text labels, "" for none) prepended to the wire name `base`.
absl::StatusOr<std::string> Below(absl::string_view relative, absl::string_view base) {
  if (relative.empty()) return std::string(base);
  return Prepend(relative, base);
}

}  // namespace

CatalogDigests::CatalogDigests(const Catalog& catalog, const RefreshedRanges* refreshed) {
  for (const Sender& s : catalog.senders) by_id_[s.id] = DigestRanges(RangesInUse(s, refreshed));
}

void CatalogDigests::Add(absl::string_view id, SerialDigest& digest) const {
  digest.Add(id);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    digest.Add("missing");
  } else {
    digest.AddNumber(it->second);
  }
}

void SenderNumbers::Add(const Catalog& catalog) {
  for (const Sender& s : catalog.senders) {
    by_id_.try_emplace(s.id, static_cast<uint32_t>(by_id_.size()));
  }
}

std::vector<std::string> SenderNumbers::InOrder() const {
  std::vector<std::string> ids(by_id_.size());
  for (const auto& [id, number] : by_id_) ids[number] = id;
  return ids;
}

bool SenderNumbers::Restore(const std::vector<std::string>& in_order) {
  if (!by_id_.empty()) return false;
  for (const std::string& id : in_order) {
    if (!by_id_.try_emplace(id, static_cast<uint32_t>(by_id_.size())).second) {
      by_id_.clear();
      return false;
    }
  }
  return true;
}

int SenderNumbers::Find(absl::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? -1 : static_cast<int>(it->second);
}

namespace {

bool SameRRset(const RRset* a, const RRset* b) {
  if (a == b) return true;
  return a != nullptr && b != nullptr && SameRecords(*a, *b);
}

bool SameOwned(const Owned& a, const Owned& b) {
  return a.first == b.first && SameRRset(a.second, b.second);
}

bool SameZone(const Zone& x, const Zone& y) {
  return x.apex() == y.apex() && x.apex_labels == y.apex_labels && x.kind == y.kind &&
         x.slot == y.slot && x.serial == y.serial &&
         std::ranges::equal(x.wildcard, y.wildcard, SameRRset);
}

// Zones `a` of `x` and `b` of `y`, with their names.
bool SameZones(const CompiledDomain& x, std::span<const CompiledZone> a, const CompiledDomain& y,
               std::span<const CompiledZone> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameZone(a[i].zone, b[i].zone) ||
        !std::ranges::equal(x.NamesOf(a[i]), y.NamesOf(b[i]), SameOwned)) {
      return false;
    }
  }
  return true;
}

bool SameShared(const SharedName& a, const SharedName& b) {
  return a.zone == b.zone && SameOwned(a.name, b.name);
}

bool SameParts(const CompiledDomain& x, const CompiledDomain& y) {
  if (x.parts().size() != y.parts().size()) return false;
  for (size_t i = 0; i < x.parts().size(); ++i) {
    const CompiledPart& a = x.parts()[i];
    const CompiledPart& b = y.parts()[i];
    if (a.family() != b.family() || !std::ranges::equal(x.DigestsOf(a), y.DigestsOf(b)) ||
        !SameZones(x, x.ZonesOf(a), y, y.ZonesOf(b)) ||
        !std::ranges::equal(x.SharedOf(a), y.SharedOf(b), SameShared)) {
      return false;
    }
    if (a.data == nullptr || b.data == nullptr) {
      if (a.data != b.data) return false;
    } else if (!a.data->Same(*b.data)) {
      return false;
    }
  }
  return true;
}

bool SameDiagnostic(const Diagnostic& a, const Diagnostic& b) {
  return a.severity == b.severity && a.message == b.message && a.pos.line == b.pos.line &&
         a.pos.column == b.pos.column && a.pos.file.str() == b.pos.file.str();
}

}  // namespace

bool SameCompile(const CompiledDomain& a, const CompiledDomain& b) {
  return a.provider == b.provider && a.scheduled == b.scheduled && a.domain() == b.domain() &&
         std::ranges::equal(a.errors(), b.errors(), SameDiagnostic) && SameParts(a, b);
}

// Every domain holds one: 48 octets and make_shared's 16 fill the
// allocator's 64-octet class.
static_assert(sizeof(CompiledDomain) <= 48);
static_assert(sizeof(CompiledPart) <= 24);

namespace {

// The drafts as kept, their records still viewing the drafts' octets
// until MoveRecords copies them into the block; `bytes` is what they need.
std::vector<KeptRRset> KeptFrom(const std::vector<RRsetDraft>& drafts, size_t& bytes) {
  std::vector<KeptRRset> kept;
  kept.reserve(drafts.size());
  bytes = 0;
  for (const RRsetDraft& draft : drafts) {
    const RRset& from = *draft.rrset;
    RRset viewing;
    viewing.records = RecordBytes::Viewing(from.records);
    viewing.type = from.type;
    viewing.count = from.count;
    viewing.rdata = from.rdata;
    kept.emplace_back(std::move(viewing));
    bytes += from.records.size();
  }
  return kept;
}

// Copies each kept RRset's records to `at`, one after another, and views them there.
void MoveRecords(std::span<KeptRRset> kept, char* at) {
  for (KeptRRset& k : kept) {
    absl::string_view from = k.rrset.records;
    std::copy(from.begin(), from.end(), at);
    k.rrset.records = RecordBytes::Viewing(absl::string_view(at, from.size()));
    at += from.size();
  }
}

// Where each draft RRset went: what the names and zones pointing at a
// draft point at once it is sealed. Others (the provider's) stay.
class RRsetMoves {
 public:
  RRsetMoves(const std::vector<RRsetDraft>& drafts, std::span<const KeptRRset> kept)
      : drafts_(drafts), kept_(kept) {
    // A file may hold thousands of DKIM selectors: past a few dozen, the
    // look goes through a hash map.
    if (drafts.size() > kLinear) {
      for (size_t i = 0; i < drafts.size(); ++i) many_.emplace(drafts[i].rrset.get(), i);
    }
  }
  const RRset* operator()(const RRset* rrset) const {
    if (drafts_.size() > kLinear) {
      auto it = many_.find(rrset);
      return it != many_.end() ? &kept_[it->second].rrset : rrset;
    }
    for (size_t i = 0; i < drafts_.size(); ++i) {
      if (drafts_[i].rrset.get() == rrset) return &kept_[i].rrset;
    }
    return rrset;
  }

 private:
  static constexpr size_t kLinear = 32;
  const std::vector<RRsetDraft>& drafts_;
  std::span<const KeptRRset> kept_;
  absl::flat_hash_map<const RRset*, size_t> many_;
};

void Repoint(const RRsetMoves& moved, std::span<CompiledZone> zones, std::span<SealedName> names,
             std::span<SealedName> shared) {
  for (SealedName& name : names) name.rrset = moved(name.rrset);
  for (SealedName& name : shared) name.rrset = moved(name.rrset);
  for (CompiledZone& zone : zones) {
    if (zone.zone.wildcard.empty()) continue;
    RRsetList wildcard;
    for (const RRset* rrset : zone.zone.wildcard) wildcard.push_back(moved(rrset));
    zone.zone.wildcard = std::move(wildcard);
  }
}

// An owner name and where it goes in a sealed domain's block: its own
// octets (`copied`), or the end of a longer name's that ends in the same
// labels.
struct PlacedName {
  absl::string_view name;
  size_t offset = 0;
  bool copied = false;
};

// Past this many owner names a domain's seal looks names up by hash.
constexpr size_t kLinearNames = 32;

// Where `name` begins in `host` if `host` ends in the same labels; npos
// if it does not. Label by label: the same octets inside a label are not
// the name (though a view of them would read the same).
size_t EndsInLabels(absl::string_view host, absl::string_view name) {
  size_t at = 0;
  while (at < host.size() && host.size() - at > name.size()) {
    at += static_cast<uint8_t>(host[at]) + 1;
  }
  if (at < host.size() && host.size() - at == name.size() && host.substr(at) == name) return at;
  return absl::string_view::npos;
}

// Lays out `names` (distinct wire names) in a block, longest first; a
// name that another ends in (the apex `_domainkey.<domain>` ends every
// selector's name) views that one's octets rather than taking its own.
// Returns the octets the block needs for them.
size_t PlaceNames(std::span<PlacedName> names) {
  absl::InlinedVector<PlacedName*, 16> order;
  for (PlacedName& name : names) order.push_back(&name);
  std::stable_sort(order.begin(), order.end(), [](const PlacedName* a, const PlacedName* b) {
    return a->name.size() > b->name.size();
  });
  // Past a few dozen names, every label-aligned ending of each name copied
  // so far, and where it is.
  absl::flat_hash_map<absl::string_view, size_t> endings;
  const bool hashed = names.size() > kLinearNames;
  size_t size = 0;
  for (PlacedName* name : order) {
    std::optional<size_t> found;
    if (hashed) {
      if (auto it = endings.find(name->name); it != endings.end()) found = it->second;
    } else {
      for (const PlacedName* host : order) {
        if (host == name) break;
        if (!host->copied) continue;
        if (size_t at = EndsInLabels(host->name, name->name); at != absl::string_view::npos) {
          found = host->offset + at;
          break;
        }
      }
    }
    if (found.has_value()) {
      name->offset = *found;
      continue;
    }
    name->offset = size;
    name->copied = true;
    if (hashed) {
      for (size_t at = 0; at < name->name.size(); at += static_cast<uint8_t>(name->name[at]) + 1) {
        endings.try_emplace(name->name.substr(at), size + at);
      }
    }
    size += name->name.size();
  }
  return size;
}

// The distinct names among a domain's owner names (a zone's apex is also
// the owner of its records there), and which each owner is. A domain has
// a dozen: no heap for the bookkeeping, and a linear look for the ones
// seen before (a file may hold thousands of DKIM selectors, so past a few
// dozen the look goes through a hash map).
struct DistinctNames {
  explicit DistinctNames(std::span<const absl::string_view> owners) {
    absl::flat_hash_map<absl::string_view, size_t> many;
    const bool hashed = owners.size() > kLinearNames;
    for (absl::string_view owner : owners) {
      size_t at = names.size();
      if (hashed) {
        at = many.try_emplace(owner, names.size()).first->second;
      } else {
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i].name == owner) {
            at = i;
            break;
          }
        }
      }
      if (at == names.size()) names.push_back({owner});
      which.push_back(static_cast<uint32_t>(at));
    }
  }
  // Where owner `i` is in the block, once PlaceNames laid `names` out.
  size_t OffsetOf(size_t i) const { return names[which[i]].offset; }

  absl::InlinedVector<PlacedName, 16> names;
  absl::InlinedVector<uint32_t, 16> which;  // of each owner, its distinct name
};

}  // namespace

void CompiledDomain::Seal(absl::string_view domain, DomainDraft&& draft) {
  domain = domain.substr(0, UINT8_MAX);
  // Every owner name: each zone's apex, then its names, then the names
  // in provider zones.
  absl::InlinedVector<absl::string_view, 16> owners;
  for (const ZoneDraft& zone : draft.zones) {
    owners.push_back(zone.zone.apex());
    for (const Owned& name : zone.names) owners.push_back(name.first);
  }
  for (const SharedName& name : draft.shared) owners.push_back(name.name.first);
  DistinctNames distinct(owners);
  const size_t size = PlaceNames(distinct.names);
  // The zones as kept, and each owner name as where it will be in the
  // block, in the same order; the records still the drafts' until
  // Repoint.
  size_t next = 0;
  auto sealed_name = [&](const Owned& name, ZoneKind zone) {
    return SealedName{static_cast<uint32_t>(distinct.OffsetOf(next++)),
                      static_cast<uint8_t>(name.first.size()), zone, name.second};
  };
  std::vector<CompiledZone> zones;
  std::vector<SealedName> names;
  absl::InlinedVector<size_t, 4> apexes;  // each zone's, in the block
  for (ZoneDraft& zone : draft.zones) {
    apexes.push_back(distinct.OffsetOf(next++));
    for (const Owned& name : zone.names) names.push_back(sealed_name(name, 0));
    zones.push_back({std::move(zone.zone), static_cast<uint32_t>(names.size())});
  }
  std::vector<SealedName> shared;
  shared.reserve(draft.shared.size());
  for (const SharedName& name : draft.shared) shared.push_back(sealed_name(name.name, name.zone));
  size_t record_bytes;
  std::vector<KeptRRset> kept = KeptFrom(draft.rrsets, record_bytes);
  // The drafts' bytes are read until the views are moved onto the copies.
  decltype(lists_) lists(std::move(draft.errors), std::move(draft.parts), std::move(zones),
                         std::move(shared), std::move(draft.digests), std::move(kept),
                         std::move(names), size + record_bytes + domain.size());
  char* block = lists.bytes();
  for (const PlacedName& p : distinct.names) {
    if (p.copied) std::copy(p.name.begin(), p.name.end(), block + p.offset);
  }
  MoveRecords(lists.get<5>(), block + size);
  std::copy(domain.begin(), domain.end(), block + size + record_bytes);
  std::span<CompiledZone> sealed = lists.get<2>();
  for (size_t i = 0; i < sealed.size(); ++i) {
    sealed[i].zone.set_apex(absl::string_view(block + apexes[i], sealed[i].zone.apex().size()));
  }
  Repoint(RRsetMoves(draft.rrsets, lists.get<5>()), sealed, lists.get<6>(), lists.get<3>());
  lists_ = std::move(lists);
  domain_size_ = static_cast<uint8_t>(domain.size());
  // The compile made each part's data, and nothing else holds it yet.
  for (const CompiledPart& part : parts()) {
    if (part.data != nullptr) const_cast<FamilyData&>(*part.data).Sealed(this->domain());
  }
}

const CompiledPart* CompiledDomain::Part(const RecordFamily* family) const {
  for (const CompiledPart& part : parts()) {
    if (part.family() == family) return &part;
  }
  return nullptr;
}

absl::string_view CompiledDomain::NameEndingIn(absl::string_view wire) const {
  for (const CompiledZone& zone : zones()) {
    absl::string_view apex = zone.zone.apex();
    // Label by label: the same octets inside a label are not the name.
    size_t at = 0;
    while (at < apex.size() && apex.size() - at > wire.size()) {
      at += static_cast<uint8_t>(apex[at]) + 1;
    }
    if (at <= apex.size() && apex.size() - at == wire.size() && apex.substr(at) == wire) {
      return apex.substr(at);
    }
  }
  return {};
}

namespace {

// The run of `part` in a vector of every part's, whose ends `end` gives.
template <typename T, typename End>
std::span<const T> RunOf(std::span<const CompiledPart> parts, const CompiledPart& part,
                         std::span<const T> all, End end) {
  size_t at = static_cast<size_t>(&part - parts.data());
  size_t begin = at == 0 ? 0 : end(parts[at - 1]);
  return all.subspan(begin, end(part) - begin);
}

size_t ZonesEnd(const CompiledPart& part) { return part.zones_end; }
size_t SharedEnd(const CompiledPart& part) { return part.shared_end; }
size_t DigestsEnd(const CompiledPart& part) { return part.digests_end; }

// The families parts have named, by number. A family is a static object
// that lives as long as the process: its number never changes once given.
constexpr size_t kMaxFamilies = CompiledPart::kNoFamily;
std::atomic<const RecordFamily*> numbered_families[kMaxFamilies];
std::atomic<size_t> numbered_count{0};
absl::Mutex numbering;

}  // namespace

uint8_t CompiledPart::FamilyNumber(const RecordFamily* family) {
  if (family == nullptr) return kNoFamily;
  auto find = [family](size_t count) -> int {
    for (size_t i = 0; i < count; ++i) {
      if (numbered_families[i].load(std::memory_order_relaxed) == family) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  if (int n = find(numbered_count.load(std::memory_order_acquire)); n >= 0) {
    return static_cast<uint8_t>(n);
  }
  absl::MutexLock lock(&numbering);
  size_t count = numbered_count.load(std::memory_order_relaxed);
  if (int n = find(count); n >= 0) return static_cast<uint8_t>(n);
  // The families are the handful config/families.cc lists (and a test's
  // own): never this many.
  if (count == kMaxFamilies) std::abort();
  numbered_families[count].store(family, std::memory_order_relaxed);
  numbered_count.store(count + 1, std::memory_order_release);
  return static_cast<uint8_t>(count);
}

const RecordFamily* CompiledPart::FamilyNumbered(uint8_t number) {
  if (number >= numbered_count.load(std::memory_order_acquire)) return nullptr;
  return numbered_families[number].load(std::memory_order_relaxed);
}

std::span<const CompiledZone> CompiledDomain::ZonesOf(const CompiledPart& part) const {
  return RunOf<CompiledZone>(parts(), part, zones(), ZonesEnd);
}

SealedNames<Owned> CompiledDomain::NamesOf(const CompiledZone& zone) const {
  std::span<const CompiledZone> all = zones();
  size_t at = static_cast<size_t>(&zone - all.data());
  size_t begin = at == 0 ? 0 : all[at - 1].names_end;
  return {names(), lists_.get<6>().subspan(begin, zone.names_end - begin)};
}

SealedNames<SharedName> CompiledDomain::SharedOf(const CompiledPart& part) const {
  return {names(), RunOf<SealedName>(parts(), part, lists_.get<3>(), SharedEnd)};
}

std::span<const ZoneDigestShare> CompiledDomain::DigestsOf(const CompiledPart& part) const {
  return RunOf<ZoneDigestShare>(parts(), part, digests(), DigestsEnd);
}

DomainCompiler::DomainCompiler(CompiledDomain& out, CompiledPart& part, DomainDraft& draft,
                               const DomainConfig& domain, const Catalog& catalog,
                               const SenderNumbers& senders, const RefreshedRanges* refreshed,
                               UtcSeconds now)
    : out_(out), part_(part), draft_(draft), domain_(domain), catalog_(catalog),
      senders_(senders), refreshed_(refreshed), now_(now), zones_begin_(draft.zones.size()),
      shared_begin_(draft.shared.size()), digests_begin_(draft.digests.size()) {
  if (auto name = wire::NameFromText(domain.domain); name.ok()) wire_name_ = *std::move(name);
}

const RRset* DomainCompiler::Txt(absl::string_view text) {
  return Txt(text, kZoneTtl);
}

const RRset* DomainCompiler::Txt(absl::string_view text, uint32_t ttl) {
  draft_.rrsets.push_back({std::make_unique<const RRset>(TxtRRset(text, ttl)), RdataRef()});
  return draft_.rrsets.back().rrset.get();
}

const RRset* DomainCompiler::TxtSharing(RdataRef rdata) {
  auto rrset = std::make_unique<const RRset>(
      RecordWithRdataApart(wire::kTypeTxt, kZoneTtl, rdata.get()));
  draft_.rrsets.push_back({std::move(rrset), std::move(rdata)});
  return draft_.rrsets.back().rrset.get();
}

const RRset* DomainCompiler::Cname(absl::string_view target_wire) {
  draft_.rrsets.push_back({std::make_unique<const RRset>(RRsetBuilder(
                               wire::kTypeCname, kZoneTtl).Add(target_wire).Build()),
                           RdataRef()});
  return draft_.rrsets.back().rrset.get();
}

absl::StatusOr<ZoneDraft*> DomainCompiler::AddZone(absl::string_view prefix, ZoneKind kind) {
  if (wire_name_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(domain_.domain, " is not a valid name"));
  }
  DNSD_RETURN_IF_ERROR(RoomFor(draft_.zones.size(), "zones"));
  DNSD_ASSIGN_OR_RETURN(std::string apex, Prepend(prefix, wire_name_));
  ZoneDraft& zone = draft_.zones.emplace_back();
  zone.zone.set_apex(Draft(std::move(apex)));
  zone.zone.apex_labels = static_cast<uint8_t>(wire::CountLabels(zone.zone.apex()));
  zone.zone.kind = kind;
  return &zone;
}

absl::Status DomainCompiler::Add(ZoneDraft* zone, absl::string_view relative,
                                 const RRset* rrset) {
  DNSD_ASSIGN_OR_RETURN(std::string owner, Below(relative, zone->zone.apex()));
  zone->names.emplace_back(Draft(std::move(owner)), rrset);
  return absl::OkStatus();
}

absl::Status DomainCompiler::AddShared(ZoneKind zone, absl::string_view zone_apex,
                                       absl::string_view relative, const RRset* rrset) {
  DNSD_RETURN_IF_ERROR(RoomFor(draft_.shared.size(), "names in the provider's zones",
                               CompiledPart::kMaxShared));
  DNSD_ASSIGN_OR_RETURN(std::string owner, Below(relative, zone_apex));
  draft_.shared.push_back(SharedName{zone, {Draft(std::move(owner)), rrset}});
  return absl::OkStatus();
}

absl::Status DomainCompiler::RoomFor(size_t held, absl::string_view what, size_t most) const {
  if (held < most) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat(domain_.domain, " has more than ", most, " ", what));
}

absl::Status DomainCompiler::AddDigest(ZoneKind zone, uint64_t digest) {
  DNSD_RETURN_IF_ERROR(RoomFor(draft_.digests.size(), "serial digests"));
  draft_.digests.emplace_back(zone, digest);
  return absl::OkStatus();
}

absl::string_view DomainCompiler::Draft(std::string name) {
  draft_.names.push_front(std::move(name));
  return draft_.names.front();
}

void DomainCompiler::Warn(absl::string_view message) { AddWarning(draft_, domain_, message); }

bool DomainCompiler::Finish() {
  // AddZone and AddDigest keep both within their 16 bits.
  part_.zones_end = static_cast<uint16_t>(draft_.zones.size());
  part_.shared_end = static_cast<uint32_t>(draft_.shared.size());  // AddShared: 24 bits
  part_.digests_end = static_cast<uint16_t>(draft_.digests.size());
  for (size_t i = zones_begin_; i < draft_.zones.size(); ++i) {
    ZoneDraft& compiled = draft_.zones[i];
    Zone& zone = compiled.zone;
    SerialDigest digest;
    digest.Add(zone.apex());
    for (const auto& [owner, rrset] : compiled.names) {
      digest.Add(owner);
      digest.Add(*rrset);
    }
    for (const RRset* wildcard : zone.wildcard) {
      digest.Add("\1*");
      digest.Add(*wildcard);
    }
    zone.serial = digest.serial();
  }
  return draft_.zones.size() > zones_begin_ || draft_.shared.size() > shared_begin_ ||
         draft_.digests.size() > digests_begin_ || part_.data != nullptr;
}

void DomainCompiler::Abandon() {
  draft_.zones.resize(zones_begin_);
  draft_.shared.resize(shared_begin_);
  draft_.digests.resize(digests_begin_);
}

}  // namespace dnsd::config
