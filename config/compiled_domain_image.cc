#include "config/compiled_domain_image.h"

#include <array>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "config/family.h"
#include "config/zone_kinds.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {
namespace {

// The records every domain may point at rather than own, by their place
// here: the image names them so, and the reader finds them again in its
// own provider's records.
std::array<const RRset*, 5> ProviderRRsets(const ProviderRecords& p) {
  return {&p.revoked_dkim, &p.report_authorised, &p.spf_soft, &p.spf_fail, &p.spf_unknown};
}

// An RRset as the image names it: 0 for none, then the domain's own
// (1 + its index in rrsets()), then the provider's.
class RRsetRefs {
 public:
  explicit RRsetRefs(const CompiledDomain& d) : provider_(ProviderRRsets(*d.provider)) {
    std::span<const KeptRRset> own = d.rrsets();
    own_.reserve(own.size());
    for (size_t i = 0; i < own.size(); ++i) own_.emplace(&own[i].rrset, i + 1);
    own_size_ = own.size();
  }
  // False if `rrset` is neither the domain's nor its provider's.
  bool Put(const RRset* rrset, ImageWriter& out) const {
    if (rrset == nullptr) return out.Varint(0), true;
    if (auto it = own_.find(rrset); it != own_.end()) return out.Varint(it->second), true;
    for (size_t k = 0; k < provider_.size(); ++k) {
      if (provider_[k] == rrset) return out.Varint(own_size_ + 1 + k), true;
    }
    return false;
  }

 private:
  std::array<const RRset*, 5> provider_;
  absl::flat_hash_map<const RRset*, size_t> own_;
  size_t own_size_ = 0;
};

// How an RRset's RDATA kept apart is written: none, its octets, or as its
// family holds it (RecordFamily::WriteRdata).
constexpr uint8_t kNoApart = 0;
constexpr uint8_t kApartOctets = 1;
constexpr uint8_t kApartHeld = 2;

// Which part owns each RRset whose RDATA is kept apart: the family that
// made it reads it back.
absl::flat_hash_map<const RRset*, size_t> PartsOfApart(const CompiledDomain& d) {
  absl::flat_hash_map<const RRset*, size_t> out;
  bool any = false;
  for (const KeptRRset& k : d.rrsets()) any |= k.rrset.rdata != nullptr;
  if (!any) return out;
  std::span<const CompiledPart> parts = d.parts();
  for (size_t p = 0; p < parts.size(); ++p) {
    for (const CompiledZone& zone : d.ZonesOf(parts[p])) {
      for (const Owned& name : d.NamesOf(zone)) out.emplace(name.second, p);
      for (const RRset* rrset : zone.zone.wildcard) out.emplace(rrset, p);
    }
    for (const SharedName& name : d.SharedOf(parts[p])) out.emplace(name.name.second, p);
  }
  return out;
}

size_t FamilyIndex(const RecordFamily* family) {
  absl::Span<const RecordFamily* const> all = Families();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == family) return i;
  }
  return all.size();
}

bool WriteBody(const CompiledDomain& d, ImageWriter& out) {
  if (d.provider == nullptr) return false;
  RRsetRefs refs(d);
  out.U64(d.version);
  out.U64(d.inputs_digest);
  out.U8(d.scheduled ? 1 : 0);
  out.Bytes(d.domain());

  absl::flat_hash_map<const RRset*, size_t> apart = PartsOfApart(d);
  ImageWriter own;  // a record kept apart, as its family holds it
  out.Varint(d.rrsets().size());
  for (const KeptRRset& k : d.rrsets()) {
    out.U16(k.rrset.type);
    out.U16(k.rrset.count);
    out.Bytes(k.rrset.records.view());
    if (k.rrset.rdata == nullptr) {
      out.U8(kNoApart);
      continue;
    }
    auto it = apart.find(&k.rrset);
    if (it == apart.end()) return false;  // served by no part: nothing made it
    own.bytes().clear();
    bool held = d.parts()[it->second].family()->WriteRdata(*k.rrset.rdata, own);
    out.U8(held ? kApartHeld : kApartOctets);
    out.Varint(it->second);
    out.Bytes(held ? own.bytes() : k.rrset.rdata->Bytes());
  }

  out.Varint(d.errors().size());
  for (const Diagnostic& e : d.errors()) {
    out.U8(e.severity == Severity::kWarning ? 1 : 0);
    out.Bytes(e.pos.file.str());
    out.Varint(static_cast<uint32_t>(e.pos.line));
    out.Varint(static_cast<uint32_t>(e.pos.column));
    out.Bytes(e.message.str());
  }

  out.Varint(d.parts().size());
  for (const CompiledPart& part : d.parts()) {
    size_t family = FamilyIndex(part.family());
    if (family >= Families().size()) return false;
    out.U8(static_cast<uint8_t>(family));
    out.U16(part.zones_end);
    out.U16(part.digests_end);
    out.U32(part.shared_end);
    out.U8(part.data != nullptr ? 1 : 0);
    if (part.data != nullptr && !part.family()->WriteData(*part.data, out)) return false;
  }

  out.Varint(d.zones().size());
  for (const CompiledZone& z : d.zones()) {
    // A compile's zones are no table's stand-ins (Zone::slot).
    if (z.zone.slot != -1) return false;
    out.Bytes(z.zone.apex());
    out.U8(z.zone.kind);
    out.U32(z.zone.serial);
    out.Varint(z.zone.wildcard.size());
    for (const RRset* rrset : z.zone.wildcard) {
      if (!refs.Put(rrset, out)) return false;
    }
    out.U32(z.names_end);
    for (const Owned& name : d.NamesOf(z)) {
      out.Bytes(name.first);
      if (!refs.Put(name.second, out)) return false;
    }
  }

  out.Varint(d.shared().size());
  for (const SharedName& s : d.shared()) {
    out.U8(s.zone);
    out.Bytes(s.name.first);
    if (!refs.Put(s.name.second, out)) return false;
  }

  out.Varint(d.digests().size());
  for (const auto& [kind, digest] : d.digests()) {
    out.U8(kind);
    out.U64(digest);
  }
  return true;
}

// ---- reading ---------------------------------------------------------

constexpr size_t kMaxPath = 4096;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("compiled domain: ", what));
}

// A lower-case wire name, whole: labels of 1..63 octets, 255 octets at most,
// the root label last.
bool WireName(absl::string_view name) {
  if (name.empty() || name.size() > wire::kMaxNameSize) return false;
  size_t at = 0;
  while (at < name.size()) {
    size_t len = static_cast<uint8_t>(name[at]);
    if (len == 0) return at + 1 == name.size();
    if (len > wire::kMaxLabelSize || at + 1 + len >= name.size()) return false;
    for (size_t i = at + 1; i <= at + len; ++i) {
      if (name[i] >= 'A' && name[i] <= 'Z') return false;
    }
    at += 1 + len;
  }
  return false;
}

// `count` records of `type` (TYPE CLASS TTL RDLENGTH RDATA, no owner), and
// nothing after; with `apart`, one record whose RDATA (of that size) is
// kept apart.
bool WellFormed(absl::string_view records, uint16_t type, uint16_t count, const ApartRdata* apart) {
  if (count == 0) return false;
  if (apart != nullptr && count != 1) return false;
  size_t at = 0;
  for (uint16_t i = 0; i < count; ++i) {
    if (records.size() - at < 10) return false;
    auto u16 = [&](size_t o) {
      return static_cast<uint16_t>(static_cast<uint8_t>(records[at + o]) << 8 |
                                   static_cast<uint8_t>(records[at + o + 1]));
    };
    if (u16(0) != type) return false;
    size_t rdlength = u16(8);
    at += 10;
    if (apart != nullptr) return at == records.size() && rdlength == apart->size();
    if (records.size() - at < rdlength) return false;
    at += rdlength;
  }
  return at == records.size();
}

// A record whose RDATA is kept apart, as the image holds it: its RRset's
// index, the part whose family made it, and its bytes: the RDATA's octets,
// or what the family wrote of it (RecordFamily::WriteRdata).
struct Apart {
  size_t rrset;
  size_t part;
  bool held;
  absl::string_view bytes;
};

class DomainReader {
 public:
  DomainReader(ImageReader& in, const ImageProvider& provider)
      : in_(in),
        provider_(provider.records()),
        provider_rrsets_(ProviderRRsets(*provider_)),
        provider_zones_(provider.zones()) {}

  absl::StatusOr<CompiledDomainList::Ptr> Read() {
    auto out = std::make_shared<CompiledDomain>();
    out->version = in_.U64();
    out->inputs_digest = in_.U64();
    out->scheduled = in_.U8() != 0;
    absl::string_view domain = in_.Bytes(UINT8_MAX);
    DomainDraft draft;
    std::vector<Apart> apart;
    DNSD_RETURN_IF_ERROR(ReadRRsets(draft, apart));
    DNSD_RETURN_IF_ERROR(ReadErrors(draft));
    DNSD_RETURN_IF_ERROR(ReadParts(draft));
    DNSD_RETURN_IF_ERROR(ReadApart(draft, apart));
    DNSD_RETURN_IF_ERROR(ReadZones(draft));
    DNSD_RETURN_IF_ERROR(ReadShared(draft));
    DNSD_RETURN_IF_ERROR(ReadDigests(draft));
    if (!in_.ok()) return Corrupt("cut short");
    if (!in_.done()) return Corrupt("bytes after the domain");
    DNSD_RETURN_IF_ERROR(CheckRuns(draft));
    out->provider = provider_;
    out->Seal(domain, std::move(draft));
    return CompiledDomainList::Ptr(std::move(out));
  }

 private:
  absl::Status ReadRRsets(DomainDraft& draft,
                          std::vector<Apart>& apart) {
    size_t n = in_.Count(6);
    draft.rrsets.reserve(n);
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      auto rrset = std::make_unique<RRset>();
      rrset->type = in_.U16();
      rrset->count = in_.U16();
      rrset->records = RecordBytes::Viewing(in_.Bytes(UINT32_MAX >> 1));
      if (uint8_t form = in_.U8(); form != kNoApart) {
        if (form != kApartOctets && form != kApartHeld) return Corrupt("a record's form");
        size_t part = in_.Varint();
        absl::string_view bytes = in_.Bytes(UINT16_MAX);
        apart.push_back({i, part, form == kApartHeld, bytes});
      }
      draft.rrsets.push_back({std::move(rrset), RdataRef()});
    }
    return in_.ok() ? absl::OkStatus() : Corrupt("records cut short");
  }

  absl::Status ReadErrors(DomainDraft& draft) {
    size_t n = in_.Count(5);
    draft.errors.reserve(n);
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      Diagnostic e;
      uint8_t severity = in_.U8();
      if (severity > 1) return Corrupt("a diagnostic's severity");
      e.severity = severity == 1 ? Severity::kWarning : Severity::kError;
      e.pos.file = FileName(in_.Bytes(kMaxPath));
      e.pos.line = static_cast<int>(in_.Varint() & INT32_MAX);
      e.pos.column = static_cast<int>(in_.Varint() & INT32_MAX);
      e.message = SharedText(in_.Bytes(1 << 16));
      draft.errors.push_back(std::move(e));
    }
    return absl::OkStatus();
  }

  absl::Status ReadParts(DomainDraft& draft) {
    size_t n = in_.Count(10);
    absl::Span<const RecordFamily* const> families = Families();
    if (n > families.size()) return Corrupt("more parts than families");
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      CompiledPart part;
      size_t family = in_.U8();
      if (family >= families.size()) return Corrupt("a part's family");
      part.set_family(families[family]);
      part.zones_end = in_.U16();
      part.digests_end = in_.U16();
      uint32_t shared_end = in_.U32();
      if (shared_end > CompiledPart::kMaxShared) return Corrupt("a part's names");
      part.shared_end = shared_end;
      if (in_.U8() != 0) {
        part.data = part.family()->ReadData(in_);
        if (part.data == nullptr) return Corrupt(absl::StrCat(part.family()->name(), " data"));
      }
      draft.parts.push_back(std::move(part));
    }
    return absl::OkStatus();
  }

  // The records kept apart, as their families keep them.
  absl::Status ReadApart(DomainDraft& draft, const std::vector<Apart>& apart) {
    for (const auto& [rrset, part, held, bytes] : apart) {
      if (part >= draft.parts.size()) return Corrupt("a record's part");
      RdataRef ref;
      if (held) {
        ImageReader in(bytes);
        ref = draft.parts[part].family()->ReadRdata(in);
        if (!ref || !in.ok() || !in.done()) return Corrupt("a record kept apart");
      } else {
        ref = BytesRdata::Make(bytes);
      }
      RRsetDraft& r = draft.rrsets[rrset];
      const_cast<RRset&>(*r.rrset).rdata = ref.get();
      r.rdata = std::move(ref);
    }
    for (const RRsetDraft& r : draft.rrsets) {
      if (!WellFormed(r.rrset->records, r.rrset->type, r.rrset->count, r.rrset->rdata)) {
        return Corrupt("records");
      }
    }
    return absl::OkStatus();
  }

  const RRset* Ref(const DomainDraft& draft, bool& ok) {
    uint64_t ref = in_.Varint();
    if (ref == 0) return nullptr;
    if (ref <= draft.rrsets.size()) return draft.rrsets[ref - 1].rrset.get();
    ref -= draft.rrsets.size() + 1;
    if (ref < provider_rrsets_.size()) return provider_rrsets_[ref];
    ok = false;
    return nullptr;
  }

  absl::Status ReadZones(DomainDraft& draft) {
    size_t n = in_.Count(12);
    uint32_t names = 0;
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      ZoneDraft& z = draft.zones.emplace_back();
      z.zone.set_apex(in_.Bytes(wire::kMaxNameSize));
      if (!WireName(z.zone.apex())) return Corrupt("a zone's apex");
      z.zone.apex_labels = static_cast<uint8_t>(wire::CountLabels(z.zone.apex()));
      z.zone.kind = in_.U8();
      if (z.zone.kind >= kZoneKindCount) return Corrupt("a zone's kind");
      z.zone.serial = in_.U32();
      bool ok = true;
      size_t wildcards = in_.Count(1);
      for (size_t w = 0; w < wildcards && in_.ok(); ++w) {
        const RRset* rrset = Ref(draft, ok);
        if (rrset == nullptr) ok = false;
        z.zone.wildcard.push_back(rrset);
      }
      uint32_t end = in_.U32();
      if (end < names || end - names > in_.left() / 2) return Corrupt("a zone's names");
      for (; names < end && in_.ok(); ++names) {
        absl::string_view owner = in_.Bytes(wire::kMaxNameSize);
        if (!WireName(owner) || !wire::IsSubdomain(owner, z.zone.apex())) {
          return Corrupt("an owner name");
        }
        const RRset* rrset = Ref(draft, ok);
        if (rrset == nullptr) ok = false;  // a name has records, or the link has none to add
        z.names.emplace_back(owner, rrset);
      }
      if (!ok) return Corrupt("a zone's records");
    }
    return absl::OkStatus();
  }

  absl::Status ReadShared(DomainDraft& draft) {
    size_t n = in_.Count(3);
    draft.shared.reserve(n);
    bool ok = true;
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      SharedName s;
      s.zone = in_.U8();
      if (s.zone >= kZoneKindCount) return Corrupt("a shared name's zone");
      s.name.first = in_.Bytes(wire::kMaxNameSize);
      // Below the provider's zone of its kind, where the link puts it.
      if (!WireName(s.name.first) ||
          (provider_zones_[s.zone] != nullptr &&
           !wire::IsSubdomain(s.name.first, *provider_zones_[s.zone]))) {
        return Corrupt("a shared name");
      }
      s.name.second = Ref(draft, ok);
      if (s.name.second == nullptr) ok = false;
      draft.shared.push_back(s);
    }
    return ok ? absl::OkStatus() : Corrupt("a shared name's records");
  }

  absl::Status ReadDigests(DomainDraft& draft) {
    size_t n = in_.Count(9);
    draft.digests.reserve(n);
    for (size_t i = 0; i < n && in_.ok(); ++i) {
      ZoneKind kind = in_.U8();
      if (kind >= kZoneKindCount) return Corrupt("a digest's zone");
      draft.digests.emplace_back(kind, in_.U64());
    }
    return absl::OkStatus();
  }

  // Each part's runs begin where the one before ends and stay within the
  // domain's lists (CompiledDomain::ZonesOf and the like read them so).
  absl::Status CheckRuns(const DomainDraft& draft) {
    size_t zones = 0, digests = 0, shared = 0;
    for (const CompiledPart& part : draft.parts) {
      if (part.zones_end < zones || part.digests_end < digests || part.shared_end < shared) {
        return Corrupt("a part's runs");
      }
      zones = part.zones_end;
      digests = part.digests_end;
      shared = part.shared_end;
    }
    if (zones != draft.zones.size() || digests != draft.digests.size() ||
        shared != draft.shared.size()) {
      return Corrupt("the parts' runs");
    }
    return absl::OkStatus();
  }

  ImageReader& in_;
  std::shared_ptr<const ProviderRecords> provider_;
  std::array<const RRset*, 5> provider_rrsets_;
  const std::array<const std::string*, kZoneKindCount>& provider_zones_;
};

}  // namespace

bool WriteCompiledDomain(const CompiledDomain& d, ImageWriter& out) {
  ImageWriter body;
  if (!WriteBody(d, body)) return false;
  out.Digested(body.bytes());
  return true;
}

ImageProvider::ImageProvider(std::shared_ptr<const ProviderRecords> provider)
    : records_(std::move(provider)) {
  for (const RecordFamily* family : Families()) family->ProviderZones(*records_, zones_);
  for (const ProviderZone& zone : zones_) by_kind_[zone.kind] = &zone.apex;
}

absl::StatusOr<CompiledDomainList::Ptr> ReadCompiledDomain(
    ImageReader& in, std::shared_ptr<const ProviderRecords> provider) {
  return ReadCompiledDomain(in, ImageProvider(std::move(provider)));
}

absl::StatusOr<CompiledDomainList::Ptr> ReadCompiledDomain(ImageReader& in,
                                                           const ImageProvider& provider) {
  ImageReader::DigestedBytes record = in.Digested();
  if (!in.ok()) return Corrupt("cut short");
  // Bytes changed on the disk may still read as a domain, of other
  // records: the digest says they are the ones written.
  if (!record.Holds()) return Corrupt("not the bytes written");
  ImageReader domain(record.bytes);
  return DomainReader(domain, std::move(provider)).Read();
}

}  // namespace dnsd::config
