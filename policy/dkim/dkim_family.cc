#include "policy/dkim/dkim_family.h"

#include <algorithm>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/field_readers.h"
#include "config/served_name.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/dkim_record.h"
#include "policy/dkim/dkim_reader.h"

namespace dnsd::config {
namespace {

// A key the file still has, byte for byte, becomes the copy already held
// (`held`, nulls skipped): a full reload of files whose keys did not change
// holds no second copy of them, and leaves the pages of the first ones as
// full as they were. Records are immutable octets, so sharing equal ones
// is always safe.
void TakeHeldKeys(absl::Span<const ApartRdata* const> held, DomainConfig& fresh) {
  for (DkimSelector& s : fresh.dkim.selectors) {
    if (!s.key.record) continue;
    for (const ApartRdata* rdata : held) {
      if (rdata != nullptr && SameRdata(rdata, s.key.record.get())) {
        s.key.record = RdataRef(rdata);
        break;
      }
    }
  }
}

constexpr absl::string_view kDomainKeys[] = {"dkim_delegation"};
constexpr absl::string_view kZoneKey = "dkim_zone";
constexpr absl::string_view kProviderKeys[] = {kZoneKey};

// What a selector answers: its key, a CNAME to the vendor's key, or the
// revoked key (RFC 6376 §3.6.1: an empty p=) that every selector of a
// blocked domain, and a selector past its `until`, answers.
absl::StatusOr<const RRset*> SelectorRecords(const DkimSelector& s, bool revoked,
                                             DomainCompiler& out) {
  if (revoked || s.key.kind == DkimKey::Kind::kRevoked) return &out.provider().revoked_dkim;
  if (s.key.kind == DkimKey::Kind::kCname) {
    DNSD_ASSIGN_OR_RETURN(std::string target, wire::NameFromText(s.key.text()));
    return out.Cname(target);
  }
  return out.TxtSharing(s.key.record);
}

// Signing needs a published key: warns when, from now on, a rotation
// leaves the domain with no selector answering a key or a CNAME.
void WarnIfNoneActive(const DomainConfig& d, DomainCompiler& out) {
  const std::vector<DkimSelector>& selectors = d.dkim.selectors;
  auto scheduled = [](const DkimSelector& s) { return s.schedule.from || s.schedule.until; };
  if (std::none_of(selectors.begin(), selectors.end(), scheduled)) return;
  std::vector<UtcSeconds> instants = {out.now()};
  for (const DkimSelector& s : selectors) {
    for (auto at : {s.schedule.from, s.schedule.until}) {
      if (at && *at > out.now()) instants.push_back(*at);
    }
  }
  std::sort(instants.begin(), instants.end());
  for (UtcSeconds t : instants) {
    bool active = std::any_of(selectors.begin(), selectors.end(), [t](const DkimSelector& s) {
      return s.key.kind != DkimKey::Kind::kRevoked && s.StateAt(t) == SelectorState::kActive;
    });
    if (active) continue;
    out.Warn(absl::StrCat(t == out.now() ? "now" : absl::StrCat("from ", FormatUtc(t), " on"),
                          ", no DKIM selector of ", d.domain,
                          " publishes a key: mail signed then fails DKIM; publish the next "
                          "selector (from:) before the last one's until"));
    return;
  }
}

class Dkim final : public RecordFamily {
 public:
  absl::string_view name() const override { return "dkim"; }
  absl::Span<const absl::string_view> domain_keys() const override { return kDomainKeys; }
  absl::Span<const absl::string_view> provider_keys() const override { return kProviderKeys; }

  void Read(YamlReader& r, const Value* value, const DomainContext& ctx,
            DomainConfig& d) const override {
    if (value != nullptr) {
      KeyHeap heap = d.mode == Mode::kBlocked ? KeyHeap::kRead : KeyHeap::kKept;
      d.dkim.selectors = ReadDkimSection(r, *value, d.domain, heap);
    }
    if (auto delegation = ReadDelegation(r, ctx.top, "dkim_delegation")) {
      d.dkim.delegation = *delegation;
    }
  }

  // The keys of the last model, or else those the served records point
  // into (RRset::rdata), once that model is released.
  void ShareUnchanged(const DomainConfig& previous, DomainConfig& fresh) const override {
    absl::InlinedVector<const ApartRdata*, 4> held;
    for (const DkimSelector& old : previous.dkim.selectors) held.push_back(old.key.record.get());
    TakeHeldKeys(held, fresh);
  }
  void ShareServed(const CompiledDomain& served, DomainConfig& fresh) const override {
    absl::InlinedVector<const ApartRdata*, 4> held;
    for (const KeptRRset& kept : served.rrsets()) held.push_back(kept.rrset.rdata);
    TakeHeldKeys(held, fresh);
  }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog&,
             const ProviderSettings& provider) const override {
    if (!d.domain.empty()) {
      CheckCnameVariant(r, d, d.dkim.delegation, name(), kZoneKey, provider);
    }
    auto zone = provider.family_zones.find(std::string(kZoneKey));
    if (d.domain.empty() || zone == provider.family_zones.end()) return;
    for (const DkimSelector& s : d.dkim.selectors) {
      CheckServedName(r, d, absl::StrCat(s.selector, ".", zone->second), "DKIM CNAME target of");
    }
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    if (const std::string* zone = FamilyZone(p, kZoneKey)) zones.push_back({kDkimTargetsZone, *zone});
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    const std::string* targets = FamilyZone(out.provider(), kZoneKey);
    bool blocked = d.mode == Mode::kBlocked;
    DNSD_ASSIGN_OR_RETURN(ZoneDraft * zone, out.AddZone("_domainkey", kDomainkeyZone));
    // A blocked domain answers the revoked key at every name below
    // _domainkey, configured selectors included: only the wildcard, so no
    // selector's labels can make an empty non-terminal that answers NODATA.
    if (blocked) zone->zone.wildcard.push_back(&out.provider().revoked_dkim);
    for (const DkimSelector& s : d.dkim.selectors) {
      SelectorState state = blocked ? SelectorState::kRevoked : s.StateAt(out.now());
      if (state == SelectorState::kPending || state == SelectorState::kGone) continue;
      DNSD_ASSIGN_OR_RETURN(const RRset* rrset,
                            SelectorRecords(s, state == SelectorState::kRevoked, out));
      if (!blocked) DNSD_RETURN_IF_ERROR(out.Add(zone, s.selector, rrset));
      if (targets != nullptr) {
        DNSD_RETURN_IF_ERROR(out.AddShared(kDkimTargetsZone, *targets,
                                           absl::StrCat(s.selector, ".", d.domain), rrset));
      }
    }
    if (!blocked) WarnIfNoneActive(d, out);
    return absl::OkStatus();
  }

  // A key's record as Compile holds it: its DER, not its text.
  bool WriteRdata(const ApartRdata& rdata, ImageWriter& out) const override {
    const auto* key = dynamic_cast<const DkimKeyRecord*>(&rdata);
    if (key == nullptr) return false;
    key->WriteTo(out);
    return true;
  }
  RdataRef ReadRdata(ImageReader& in) const override { return DkimKeyRecord::Read(in); }

  void Timeline(const DomainConfig& d, std::vector<ScheduledChange>& out) const override {
    for (const DkimSelector& s : d.dkim.selectors) {
      const DkimSchedule& when = s.schedule;
      auto add = [&](UtcSeconds at, absl::string_view what) {
        out.push_back({at, absl::StrCat("dkim: selector ", s.selector, " ", what)});
      };
      if (when.from) add(*when.from, "published");
      if (when.until) {
        add(*when.until, "revoked (p=)");
        add(*when.until + when.retain, "no longer served");
      }
    }
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    auto zone = p.family_zones.find(std::string(kZoneKey));
    if (d.dkim.delegation == Delegation::kCname && zone != p.family_zones.end()) {
      for (const DkimSelector& s : d.dkim.selectors) {
        lines.push_back(PublishLine(absl::StrCat(s.selector, "._domainkey.", d.domain), "CNAME",
                                    absl::StrCat(s.selector, ".", d.domain, ".", zone->second, ".")));
      }
      lines.push_back(absl::StrCat("; Selectors not listed here stay in your own zone."));
      return;
    }
    PublishNs(absl::StrCat("_domainkey.", d.domain), p.nameservers, lines);
    // Delegating _domainkey hands every selector under it to dnsd: one the
    // customer publishes today (a Google Workspace `google`, say) stops
    // resolving unless the domain file lists it too.
    std::string served;
    for (const DkimSelector& s : d.dkim.selectors) absl::StrAppend(&served, " ", s.selector);
    lines.push_back(absl::StrCat("; Delegating _domainkey.", d.domain,
                                 " moves every selector under it to dnsd, which serves:",
                                 served.empty() ? " none" : served, "."));
    lines.push_back("; Any other selector you publish today must be added to the domain file "
                    "first (as a key or a cname), or it stops resolving.");
  }
};

const Dkim kDkim;

}  // namespace

const RecordFamily& DkimFamily() { return kDkim; }

}  // namespace dnsd::config
