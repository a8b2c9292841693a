// What one domain file compiles to, on its own: every record rendered,
// every name in wire form, its zones' serials, its errors; one part per
// record family (config/family.h).
//
// Nothing in it depends on another domain, which is what makes reloads
// incremental: a domain whose file, provider settings and senders' ranges
// did not change is not compiled again (config/compile_cache.h), and the
// old and the new snapshot share its records. Immutable once built; held by
// shared pointer by every snapshot that serves it.
#ifndef DNSD_CONFIG_COMPILED_DOMAIN_H_
#define DNSD_CONFIG_COMPILED_DOMAIN_H_

#include <cstdint>
#include <deque>
#include <forward_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/chunked_list.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/provider_records.h"
#include "config/refreshed_ranges.h"
#include "config/sealed_lists.h"
#include "config/serial_digest.h"
#include "config/timeline.h"
#include "dnsd/protocol/zone/apart_rdata.h"
#include "dnsd/protocol/zone/rrset.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd::config {

class RecordFamily;

// The catalog, digested once per compile: each sender's ranges in use
// (RangesInUse). A family whose records depend on senders digests those
// it names (RecordFamily::InputsDigest), so that a changed range
// recompiles only the domains that use it.
class CatalogDigests {
 public:
  CatalogDigests(const Catalog& catalog, const RefreshedRanges* refreshed);
  // Adds sender `id`'s digest, or a mark that the catalog has no such sender.
  void Add(absl::string_view id, SerialDigest& digest) const;
  friend bool operator==(const CatalogDigests&, const CatalogDigests&) = default;

 private:
  absl::flat_hash_map<std::string, uint64_t> by_id_;
};

// Numbers for senders that stay the same from one compile to the next:
// a domain compiled once names its senders by number, and keeps doing so
// while the catalog gains, loses or reorders senders around them. A fresh
// set numbers a catalog in its order. Grows only (a catalog has dozens).
class SenderNumbers {
 public:
  // Gives each sender of `catalog` without a number the next one.
  void Add(const Catalog& catalog);
  // The number of sender `id`, or -1 if it never had one.
  int Find(absl::string_view id) const;
  size_t size() const { return by_id_.size(); }
  // Every id, by number: what the compiled image keeps.
  std::vector<std::string> InOrder() const;
  // A fresh set numbered as `in_order` (InOrder of another); false, and
  // nothing changed, if the set is not fresh or an id comes twice.
  bool Restore(const std::vector<std::string>& in_order);

 private:
  absl::flat_hash_map<std::string, uint32_t> by_id_;
};

// A wire owner name and its records. The name is a view of the compiled
// domain's `names` (or, while a compile runs, of its draft): the zone
// table keys its nodes by the same bytes. A sealed domain keeps each as a
// SealedName, and NamesOf reads it back as this.
using Owned = std::pair<absl::string_view, const RRset*>;

// A zone of the customer's that is delegated to us (_dmarc.<domain>, …).
// The zone itself (apex, kind, serial, wildcard) is what the snapshot's
// table points at: it lives here, so every snapshot that serves this
// compiled domain shares it.
struct CompiledZone {
  Zone zone;  // apex in wire form; serial a digest of everything below
  // Where its names (at or below the apex) end in the domain's list of
  // every zone's names, CompiledDomain::NamesOf: 4 octets, not a span's 16.
  uint32_t names_end = 0;
};
static_assert(sizeof(CompiledZone) <= 40);

// A CompiledZone while its domain compiles: its names grow.
struct ZoneDraft {
  Zone zone;
  std::vector<Owned> names;
};

// A name the domain adds to one of the provider's shared zones. Its
// share of that zone's serial is worked out from the name and its records
// when the domain is linked (DigestOf), as a zone's own digest is: kept,
// it took 8 octets of every such name.
struct SharedName {
  ZoneKind zone = 0;  // the provider zone of that kind
  Owned name;
};

// An owner name as a sealed domain keeps it: where its octets are in the
// domain's block (CompiledDomain::names()) and its records. 16 octets,
// where an Owned (a view and a pointer) took 24: a domain keeps several,
// a million domains at a time. `zone`: for a name in a provider zone,
// that zone's kind (SharedName::zone); 0 for a name in one of the
// domain's own zones.
struct SealedName {
  uint32_t offset = 0;
  uint8_t size = 0;  // a wire name has at most 255 octets
  ZoneKind zone = 0;
  const RRset* rrset = nullptr;
};
static_assert(sizeof(SealedName) <= 16);

// A run of a sealed domain's names, read as the Owned (or SharedName) each
// stands for: what a compile drafted, viewing the block.
template <typename T>
class SealedNames {
 public:
  class iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::forward_iterator_tag;
    iterator() = default;
    iterator(const char* block, const SealedName* at) : block_(block), at_(at) {}
    T operator*() const { return Read(block_, *at_); }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator was = *this;
      ++at_;
      return was;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.at_ == b.at_; }

   private:
    const char* block_ = nullptr;
    const SealedName* at_ = nullptr;
  };

  SealedNames() = default;
  SealedNames(const char* block, std::span<const SealedName> names)
      : block_(block), names_(names) {}
  size_t size() const { return names_.size(); }
  bool empty() const { return names_.empty(); }
  T operator[](size_t i) const { return Read(block_, names_[i]); }
  iterator begin() const { return iterator(block_, names_.data()); }
  iterator end() const { return iterator(block_, names_.data() + names_.size()); }

 private:
  static T Read(const char* block, const SealedName& name) {
    Owned owned(absl::string_view(block + name.offset, name.size), name.rrset);
    if constexpr (std::is_same_v<T, Owned>) {
      return owned;
    } else {
      return T{name.zone, owned};
    }
  }

  const char* block_ = nullptr;
  std::span<const SealedName> names_;
};

// What a family keeps per domain for its Link step (the SPF macro zone's
// policy); the family knows the type.
struct FamilyData {
  virtual ~FamilyData() = default;
  // Whether `other`, the same family's data for the same domain, serves
  // the same: records it points at are compared by what they hold.
  virtual bool Same(const FamilyData& other) const = 0;
  // Called once, by CompiledDomain::Seal and before the domain is shared,
  // with the domain's name where the sealed domain keeps it: data that
  // names its domain (the SPF policy) views it there, not a copy of its
  // own, for as long as the domain lives. Until then the model's name
  // does.
  virtual void Sealed(absl::string_view /*domain*/) {}
};

// A share of a provider zone's serial for content outside the zone table.
using ZoneDigestShare = std::pair<ZoneKind, uint64_t>;

// One family's part of a domain; left out whole if it did not compile.
// Its zones, names in provider zones and digests are runs of the domain's
// own (CompiledDomain::ZonesOf and the like): each part's three vectors
// cost more than the records a domain has, and a domain has three or
// four parts.
struct CompiledPart {
  // Its family, kept as a number (FamilyNumber): with the runs' ends, 8
  // octets, and a part 16, not 24.
  const RecordFamily* family() const { return FamilyNumbered(family_); }
  void set_family(const RecordFamily* family) { family_ = FamilyNumber(family); }

  // Where its runs end in the domain's lists; each begins where the part
  // before it ends. A domain has a few zones and digests (DomainCompiler
  // refuses more than kMaxRun of either), and may have thousands of names
  // in the provider's zones (it refuses more than kMaxShared).
  static constexpr size_t kMaxRun = UINT16_MAX;
  static constexpr size_t kMaxShared = (size_t{1} << 24) - 1;
  uint16_t zones_end = 0;
  uint16_t digests_end = 0;
  uint32_t shared_end : 24 = 0;

  // A number for each family a part has named, in the order they were
  // first named (there are a handful); kNoFamily for none.
  static constexpr uint8_t kNoFamily = UINT8_MAX;
  static uint8_t FamilyNumber(const RecordFamily* family);
  static const RecordFamily* FamilyNumbered(uint8_t number);

 private:
  uint32_t family_ : 8 = kNoFamily;  // beside shared_end, in its 32 bits

 public:
  std::unique_ptr<const FamilyData> data;
};
static_assert(sizeof(CompiledPart) <= 16);

// An RRset a compiled domain owns. Its records' octets are in the
// domain's block (RRset::records views them): a domain has several
// RRsets, and each cost an object and a string of its own. It holds a
// reference to the RDATA it keeps apart (RRset::rdata), shared with the
// model it was compiled from: a DKIM key is held once, not twice.
struct KeptRRset {
  KeptRRset() = default;
  explicit KeptRRset(RRset kept) : rrset(std::move(kept)) {
    if (rrset.rdata != nullptr) rrset.rdata->Ref();
  }
  KeptRRset(KeptRRset&& other) noexcept : rrset(std::move(other.rrset)) {
    other.rrset.rdata = nullptr;
  }
  KeptRRset& operator=(KeptRRset&&) = delete;
  ~KeptRRset() {
    if (rrset.rdata != nullptr) rrset.rdata->Unref();
  }

  RRset rrset;
};

// A KeptRRset while its domain compiles: each stays where it was put, so
// that names and zones can point at it until Seal moves it into the block.
struct RRsetDraft {
  std::unique_ptr<const RRset> rrset;
  RdataRef rdata;
};

struct DomainDraft;

struct CompiledDomain {
  // What it was compiled from: reused only while all three are the same.
  // A compile of a new read that comes out the same (SameCompile) keeps
  // this one instead, with `version` and `inputs_digest` set to what that
  // compile was of: the control thread's bookkeeping, which the query path
  // never reads, hence mutable in an otherwise immutable domain.
  mutable uint64_t version = 0;                     // DomainConfig::version
  std::shared_ptr<const ProviderRecords> provider;  // also keeps its RRsets alive
  mutable uint64_t inputs_digest = 0;               // the families' InputsDigest
  // Its records change at instants of their own (RecordFamily::Timeline):
  // a reload looks at where it stands even if nothing else changed.
  bool scheduled = false;

  // As configured (text), kept in the block after the names and records:
  // a std::string of its own took 32 octets here and, past 15 characters,
  // an allocation.
  absl::string_view domain() const {
    return absl::string_view(lists_.bytes() + lists_.bytes_size() - domain_size_, domain_size_);
  }

  // What its compile made (DomainDraft), kept by Seal in one block.
  // Why a part is left out, and warnings.
  std::span<const Diagnostic> errors() const { return lists_.get<0>(); }
  std::span<const CompiledPart> parts() const { return lists_.get<1>(); }  // in family order
  // Of every part, in part order: the customer's zones delegated to us,
  // its names in the provider's zones, shares of provider zones' serials.
  std::span<const CompiledZone> zones() const { return lists_.get<2>(); }
  SealedNames<SharedName> shared() const { return {names(), lists_.get<3>()}; }
  std::span<const ZoneDigestShare> digests() const { return lists_.get<4>(); }
  // Owns every RRset above that is not the provider's.
  std::span<const KeptRRset> rrsets() const { return lists_.get<5>(); }
  // Every owner name of its parts (SealedName) and its zones' apexes, in
  // wire form, each name once: a domain has a dozen, and a heap string
  // each cost more than the name itself. A name that a longer one ends in,
  // label for label, takes no octets of its own: it views that one's end
  // (`_domainkey.<domain>` ends every selector's name). The records'
  // octets of rrsets() follow them.
  const char* names() const { return lists_.bytes(); }

  // Called once its compile is complete, as it is then kept for as long as
  // it is served: takes the lists of `draft`, moves every owner name into
  // names() and every RRset into rrsets() (the views and pointers pointed
  // at the draft's until then), and keeps `domain` (at most 255 octets: a
  // name past that is cut, and could not have compiled).
  void Seal(absl::string_view domain, DomainDraft&& draft);

  // The part of `family`, or null if it has none.
  const CompiledPart* Part(const RecordFamily* family) const;
  // `wire` (a wire name) as a view of the domain's own names, where one of
  // its zones' apexes ends in those labels (`_dmarc.<domain>` ends in the
  // domain's); empty if none does. A table keyed by the domain's name can
  // view it there rather than hold a copy.
  absl::string_view NameEndingIn(absl::string_view wire) const;
  // The runs of `part`, one of `parts`.
  std::span<const CompiledZone> ZonesOf(const CompiledPart& part) const;
  // The names of `zone`, one of zones(): a run of every zone's, zone after
  // zone.
  SealedNames<Owned> NamesOf(const CompiledZone& zone) const;
  SealedNames<SharedName> SharedOf(const CompiledPart& part) const;
  std::span<const ZoneDigestShare> DigestsOf(const CompiledPart& part) const;
  // The data `family` kept, as the type it kept.
  template <typename T>
  const T* Data(const RecordFamily* family) const {
    const CompiledPart* part = Part(family);
    return part != nullptr ? static_cast<const T*>(part->data.get()) : nullptr;
  }

 private:
  // Every domain holds these lists, a million domains at a time: one
  // allocation for all of them, and 8 octets in the domain. The last
  // holds every zone's names, zone after zone.
  uint8_t domain_size_ = 0;  // beside `scheduled`, in the same 8 octets
  SealedLists<Diagnostic, CompiledPart, CompiledZone, SealedName, ZoneDigestShare, KeptRRset,
              SealedName>
      lists_;
};

// Whether two compiles of a domain serve and report the same: the same
// zones with the same serials, the same records at the same names, the
// same family data and errors. Not what they were compiled from, nor where
// each keeps its records. A file whose bytes changed but whose records did
// not (a comment, a generator's time stamp, keys in another order) then
// keeps the compile it had: the snapshot's tables stay shared, and a
// reload that rewrites every file holds no second copy of the records.
bool SameCompile(const CompiledDomain& a, const CompiledDomain& b);

// The compiled domains of a snapshot, sorted by name: a ChunkedList that
// the snapshot and the compile cache share, and that the next compile edits
// by the domains that changed (config/chunked_list.h).
class CompiledDomainList {
 public:
  using Ptr = std::shared_ptr<const CompiledDomain>;
  struct NameOf {
    absl::string_view operator()(const Ptr& d) const { return d->domain(); }
  };
  using List = ChunkedList<Ptr, NameOf>;

  CompiledDomainList() = default;
  explicit CompiledDomainList(const std::vector<Ptr>& domains) {
    for (const Ptr& d : domains) list_.push_back(d);
  }

  void push_back(Ptr domain) { list_.push_back(std::move(domain)); }
  // Puts `domain` in its place by name, replacing the one of that name.
  void Set(Ptr domain) { list_.Set(std::move(domain)); }
  bool Erase(absl::string_view name) { return list_.Erase(name); }
  // The domain named `name`, or null.
  const Ptr* Find(absl::string_view name) const { return list_.Find(name); }

  const Ptr& operator[](size_t i) const { return list_[i]; }
  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  List::const_iterator begin() const { return list_.begin(); }
  List::const_iterator end() const { return list_.end(); }

 private:
  List list_;
};

// Owner names while a domain compiles: each stays where it was put (a
// list's nodes do not move), so a part's views of them hold until
// CompiledDomain::Seal copies them into the domain.
using NameDrafts = std::forward_list<std::string>;

// A compiled domain's lists while it compiles, family by family (each
// family's DomainCompiler adds to them), until CompiledDomain::Seal.
struct DomainDraft {
  NameDrafts names;
  std::vector<Diagnostic> errors;
  std::vector<CompiledPart> parts;
  std::deque<ZoneDraft> zones;  // a deque: AddZone's drafts stay where they are
  std::vector<SharedName> shared;
  std::vector<ZoneDigestShare> digests;
  std::vector<RRsetDraft> rrsets;
};

// Builds one family's part of one domain: the family's Compile calls it.
class DomainCompiler {
 public:
  DomainCompiler(CompiledDomain& out, CompiledPart& part, DomainDraft& draft,
                 const DomainConfig& domain, const Catalog& catalog,
                 const SenderNumbers& senders, const RefreshedRanges* refreshed, UtcSeconds now);

  const DomainConfig& domain() const { return domain_; }
  const ProviderRecords& provider() const { return *out_.provider; }
  const Catalog& catalog() const { return catalog_; }
  // Every sender of catalog() has one.
  const SenderNumbers& sender_numbers() const { return senders_; }
  const RefreshedRanges* refreshed() const { return refreshed_; }
  // The instant compiled for (config/timeline.h): a family with a
  // Timeline compiles what it serves from then until its next instant.
  UtcSeconds now() const { return now_; }
  // The domain's name in wire form.
  const std::string& wire_name() const { return wire_name_; }
  // Records owned by the compiled domain, with the provider's TTL.
  const RRset* Txt(absl::string_view text);
  const RRset* Txt(absl::string_view text, uint32_t ttl);
  const RRset* Cname(absl::string_view target_wire);
  // A TXT record whose RDATA is what `rdata` writes, shared with whoever
  // else holds it rather than copied.
  const RRset* TxtSharing(RdataRef rdata);

  // A zone at `prefix` (text labels, "_dmarc") prepended to the domain;
  // fails past CompiledPart::kMaxRun zones in the domain. The draft stays
  // valid while the part compiles, however many zones it adds after it.
  absl::StatusOr<ZoneDraft*> AddZone(absl::string_view prefix, ZoneKind kind);
  // `rrset` at `relative` (text labels; "" is the apex) in `zone`.
  absl::Status Add(ZoneDraft* zone, absl::string_view relative, const RRset* rrset);
  // A name under one of the provider's zones: `relative` (text labels)
  // prepended to `zone_apex` (wire form).
  absl::Status AddShared(ZoneKind zone, absl::string_view zone_apex, absl::string_view relative,
                         const RRset* rrset);
  // Fails past CompiledPart::kMaxRun digests in the domain.
  absl::Status AddDigest(ZoneKind zone, uint64_t digest);
  void Keep(std::unique_ptr<const FamilyData> data) { part_.data = std::move(data); }
  // A warning: the part is served, the message says what is missing.
  void Warn(absl::string_view message);

  // Computes the serials of the part's zones and ends its runs; called
  // once it compiled. Whether the part has anything to serve or link.
  bool Finish();
  // Takes out what a part that did not compile added to the domain.
  void Abandon();

 private:
  // An error unless the domain has room for one more of `what`, of which
  // it holds `held`, and may hold `most`.
  absl::Status RoomFor(size_t held, absl::string_view what,
                       size_t most = CompiledPart::kMaxRun) const;
  // A draft of `name`, to be sealed into the domain.
  absl::string_view Draft(std::string name);

  CompiledDomain& out_;
  CompiledPart& part_;
  DomainDraft& draft_;
  const DomainConfig& domain_;
  const Catalog& catalog_;
  const SenderNumbers& senders_;
  const RefreshedRanges* refreshed_;
  UtcSeconds now_;
  std::string wire_name_;
  // Where the part's runs begin in the draft's vectors.
  size_t zones_begin_, shared_begin_, digests_begin_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILED_DOMAIN_H_
