#include "policy/spf/spf_family.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/image_bytes.h"
#include "config/link_context.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/macro_zone.h"
#include "policy/spf/nspf.h"
#include "policy/spf/spf_budget.h"
#include "policy/spf/spf_reader.h"
#include "policy/spf/template.h"

namespace dnsd::config {
namespace {

// What one domain keeps for the link: its policy, complete, which the
// snapshot's policy map points at.
struct SpfDomainData : FamilyData {
  spf::DomainPolicy policy;  // its name is the compiled domain's once sealed

  void Sealed(absl::string_view domain) override { policy.name = domain; }

  bool Same(const FamilyData& other) const override {
    const auto& o = static_cast<const SpfDomainData&>(other);
    const spf::DomainPolicy& a = policy;
    const spf::DomainPolicy& b = o.policy;
    if (a.name != b.name || a.blocked != b.blocked || a.nspf_parts != b.nspf_parts ||
        a.include_subdomains != b.include_subdomains || a.fail_all != b.fail_all ||
        a.senders != b.senders || a.netblocks != b.netblocks) {
      return false;
    }
    // A term is compiled from its text alone (spf::CompileTerm).
    return std::ranges::equal(a.terms, b.terms, {}, &spf::TermTemplate::text,
                              &spf::TermTemplate::text);
  }
};

// Far past any term the reader lets through (a TXT string is 255 octets).
constexpr size_t kMaxTermSize = 4096;

void AddWarning(std::string& warning, absl::string_view message) {
  absl::StrAppend(&warning, warning.empty() ? "" : "; ", message);
}

// The _nspf chain is written per query (policy/spf/nspf_chain.h); the
// compile counts its parts. Catalog trouble (ranges too many for the
// chain) is a warning: the macro answers do not need the flattened record,
// so only <d>._nspf falls back to the unconfigured answer.
void CountNspf(const DomainConfig& d, DomainCompiler& out, spf::DomainPolicy& dp,
               std::string& warning) {
  WithNspfSource(d, out.catalog(), out.provider().settings.spf_zone, out.refreshed(),
                 [&](const spf::NspfSource& source) {
                   dp.nspf_parts = static_cast<uint8_t>(spf::CountNspfParts(source));
                 });
  if (dp.nspf_parts == 0) {
    AddWarning(warning, absl::StrCat(NspfTooLong(), "; ", d.domain, "._nspf answers ?all"));
  }
}

class Spf final : public RecordFamily {
 public:
  absl::string_view name() const override { return "spf"; }

  void Read(YamlReader& r, const Value* section, const DomainContext&,
            DomainConfig& d) const override {
    if (section != nullptr) d.spf = ReadSpfSection(r, *section);
  }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog& catalog,
             const ProviderSettings& provider) const override {
    CheckSenderIds(r, d.spf, catalog);
    if (!d.domain.empty()) CheckSpfBudget(r, d, catalog, provider);
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    zones.push_back({kSpfZone, p.spf_zone});
  }

  void Inputs(const DomainConfig& d, std::vector<std::string>& ids) const override {
    ids.insert(ids.end(), d.spf.senders.begin(), d.spf.senders.end());
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    const ProviderRecords& p = out.provider();
    auto data = std::make_unique<SpfDomainData>();
    spf::DomainPolicy& dp = data->policy;
    dp.name = d.domain;  // the model's, until the domain is sealed
    dp.blocked = d.mode == Mode::kBlocked;
    dp.include_subdomains = d.include_subdomains;
    dp.fail_all = d.spf.all == AllQualifier::kFail;
    std::string warning;
    for (const std::string& id : d.spf.senders) {
      // A domain file's last good version may name a sender the catalog
      // has since dropped: serve the rest of the domain rather than none.
      if (out.catalog().Find(id) == nullptr) {
        AddWarning(warning, absl::StrCat("sender '", id, "' is no longer in the catalog"));
      } else {
        int number = out.sender_numbers().Find(id);
        if (number < 0 || static_cast<uint32_t>(number) > spf::kMaxSenderNumber) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "sender '", id, "' has number ", number, ", past the ", spf::kMaxSenderNumber,
              " a domain's SPF policy holds: restart dnsd to number the catalog afresh"));
        }
        dp.senders.push_back(static_cast<uint16_t>(number));
      }
    }
    dp.netblocks.assign(d.spf.netblocks.begin(), d.spf.netblocks.end());
    // The terms answer. The reader has checked each term (spf_reader.cc).
    for (const std::string& text : d.spf.terms) {
      DNSD_ASSIGN_OR_RETURN(spf::TermTemplate term, spf::CompileTerm(text));
      dp.terms.push_back(std::move(term));
    }
    std::string nspf_text = NspfPartName(0, d.domain, p.settings.spf_zone);
    // RFC 7208 §7.3: a domain-spec is at most 253 octets; parts 2.. add one.
    if (nspf_text.size() + 1 > 253) {
      return absl::InvalidArgumentError(absl::StrCat(nspf_text, " is too long for an include"));
    }
    CountNspf(d, out, dp, warning);
    // What the macro answers and the _nspf chain serve, as a share of the
    // SPF zone's serial (the senders' ranges are the link's share).
    SerialDigest digest;
    digest.Add(absl::StrCat(dp.name, " ", dp.blocked, dp.include_subdomains, dp.fail_all, " ",
                            absl::StrJoin(d.spf.senders, ","), " ",
                            absl::StrJoin(d.spf.terms, " "), " ", dp.nspf_parts, " ",
                            absl::StrJoin(d.spf.netblocks, ",",
                                          [](std::string* out, const IpPrefix& p) {
                                            AppendIpPrefix(p, *out);
                                          })));
    DNSD_RETURN_IF_ERROR(out.AddDigest(kSpfZone, digest.value()));
    out.Keep(std::move(data));
    if (!warning.empty()) out.Warn(warning);
    return absl::OkStatus();
  }

  absl::Status Link(LinkContext& link) const override;

  // The policy, its terms as configured (compiled again from their text,
  // as Compile did); its name is the sealed domain's.
  bool WriteData(const FamilyData& data, ImageWriter& out) const override {
    const spf::DomainPolicy& p = static_cast<const SpfDomainData&>(data).policy;
    out.U8(static_cast<uint8_t>(p.blocked | p.include_subdomains << 1 | p.fail_all << 2));
    out.U8(p.nspf_parts);
    out.Varint(p.senders.size());
    for (uint16_t sender : p.senders) out.U16(sender);
    out.Varint(p.netblocks.size());
    for (const IpPrefix& prefix : p.netblocks) {
      out.Bytes(absl::string_view(reinterpret_cast<const char*>(prefix.address.bytes.data()),
                                  prefix.address.bytes.size()));
      out.U8(prefix.length);
    }
    out.Varint(p.terms.size());
    for (const spf::TermTemplate& term : p.terms) out.Bytes(term.text);
    return true;
  }

  std::unique_ptr<const FamilyData> ReadData(ImageReader& in) const override {
    auto data = std::make_unique<SpfDomainData>();
    spf::DomainPolicy& p = data->policy;
    uint8_t flags = in.U8();
    if (flags > 7) return nullptr;
    p.blocked = (flags & 1) != 0;
    p.include_subdomains = (flags & 2) != 0;
    p.fail_all = (flags & 4) != 0;
    p.nspf_parts = in.U8();
    for (size_t n = in.Count(2); n > 0 && in.ok(); --n) p.senders.push_back(in.U16());
    for (size_t n = in.Count(17); n > 0 && in.ok(); --n) {
      IpPrefix prefix;
      absl::string_view bytes = in.Bytes(prefix.address.bytes.size());
      prefix.length = in.U8();
      if (bytes.size() != prefix.address.bytes.size() || prefix.length > 128) return nullptr;
      std::copy(bytes.begin(), bytes.end(), prefix.address.bytes.begin());
      if (!prefix.HostBitsZero()) return nullptr;  // as the reader makes them
      p.netblocks.push_back(prefix);
    }
    for (size_t n = in.Count(1); n > 0 && in.ok(); --n) {
      absl::StatusOr<spf::TermTemplate> term = spf::CompileTerm(in.Bytes(kMaxTermSize));
      if (!term.ok()) return nullptr;
      p.terms.push_back(*std::move(term));
    }
    return in.ok() ? std::move(data) : nullptr;
  }

  void LinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link,
                bool add) const override {
    const auto* data = static_cast<const SpfDomainData*>(part.data.get());
    if (data == nullptr) return;
    // Compile made the same name in wire form, or the part would not be.
    absl::StatusOr<std::string> wire_name = wire::NameFromText(d.domain());
    if (!wire_name.ok()) return;
    if (add && !SendersKnown(d.domain(), data->policy, link)) return;
    if (add) {
      // Keyed by a view of the domain's own names where it has them (they
      // live as long as the policy, in every table that holds it), else
      // by a copy.
      spf::MacroZone::DomainMap& map = link.snapshot.spf.domains;
      absl::string_view own = d.NameEndingIn(*wire_name);
      *(own.empty() ? map.Insert(*wire_name) : map.Insert(own, KeyBytes::kView)).value =
          &data->policy;
    } else {
      link.snapshot.spf.domains.Erase(*wire_name);
    }
  }

  // An answer looks a policy's senders up by number (NspfRdata): one past
  // the snapshot's senders is never linked. A compile numbers them from
  // the snapshot's own; only a damaged compiled image could hold another.
  static bool SendersKnown(absl::string_view domain, const spf::DomainPolicy& p,
                           LinkContext& link) {
    for (uint16_t sender : p.senders) {
      if (sender < link.senders.size()) continue;
      Diagnostic error;
      if (const DomainHead* configured = link.config.domains.Find(domain)) {
        error.pos.file = configured->file;
      }
      error.message = absl::StrCat("spf: ", domain, " names sender number ", sender,
                                   " of ", link.senders.size(), "; its policy is not served");
      link.errors.push_back(std::move(error));
      return false;
    }
    return true;
  }

  void ForkTables(const Snapshot& base, Snapshot& next) const override {
    next.spf.domains = base.spf.domains;
  }
  void FreezeTables(Snapshot& snap, const std::function<void()>& let_go) const override {
    snap.spf.domains.Freeze(let_go);
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    // Inside an include the qualifier of `all` never matters (RFC 7208
    // §5.2: a non-pass does not match), so the customer's own `all`
    // carries the domain's setting.
    bool fail = d.mode == Mode::kBlocked || d.spf.all == AllQualifier::kFail;
    lines.push_back(PublishLine(d.domain, "TXT",
                                absl::StrCat("\"v=spf1 include:", p.spf_template, ".", p.spf_zone,
                                             fail ? " -all" : " ~all", "\"")));
  }
};

const Spf kSpf;

void LinkSenders(const Catalog& catalog, const SenderNumbers& numbers,
                 const RefreshedRanges* refreshed, ZoneBuilder& b, Zone* zone,
                 spf::MacroZone& spf, std::vector<Diagnostic>& errors) {
  spf.senders.resize(numbers.size());
  for (const Sender& s : catalog.senders) {
    auto n = static_cast<uint32_t>(numbers.Find(s.id));
    spf::SenderPolicy& sp = spf.senders[n];
    sp.id = s.id;
    sp.include = s.include;
    sp.answer_by_include = s.answer == SenderAnswer::kInclude;
    sp.include_answer = b.Txt(absl::StrCat("v=spf1 include:", s.include, " ~all"));
    b.Digest(zone, absl::StrCat(s.id, " ", s.include, " ", sp.answer_by_include));
    sp.ranges = RangesInUse(s, refreshed);
    for (const IpPrefix& prefix : sp.ranges) {
      spf.sender_ranges.Insert(prefix, n);
      b.Digest(zone, FormatIpPrefix(prefix));
    }
    for (const std::string& pattern : s.helo) {
      if (absl::Status st = spf.helo.Add(pattern, n); !st.ok()) {
        Diagnostic e;
        e.pos = s.pos;
        e.message = absl::StrCat("sender ", s.id, ": HELO pattern '", pattern, "': ", st.message());
        errors.push_back(std::move(e));
      }
      b.Digest(zone, pattern);
    }
  }
}

// The macro zone's snapshot-wide part: the template and the senders. The
// domains' policies are in already (LinkPart).
absl::Status Spf::Link(LinkContext& link) const {
  const ProviderSettings& p = link.config.server.provider;
  const ProviderRecords& provider = *link.snapshot.provider;
  spf::MacroZone& spf = link.snapshot.spf;
  Zone* zone = link.builder.ProviderZone(kSpfZone);
  if (zone == nullptr) return absl::OkStatus();
  DNSD_ASSIGN_OR_RETURN(spf.tmpl, spf::ParseTemplate(p.spf_template));
  spf.zone = provider.spf_zone;
  spf.zone_text = p.spf_zone;
  spf.zone_labels = static_cast<uint8_t>(wire::CountLabels(spf.zone));
  link.snapshot.spf_zone = zone;
  link.builder.Digest(zone, p.spf_template);
  LinkSenders(link.config.catalog, link.senders, link.refreshed, link.builder, zone, spf,
              link.errors);
  spf.unknown_domain = &provider.spf_unknown;
  spf.blocked = &provider.spf_fail;
  spf.softfail = &provider.spf_soft;
  spf.nspf = provider.nspf_zone;
  spf.nspf_labels = static_cast<uint8_t>(wire::CountLabels(spf.nspf));
  spf.flattened_suffix = absl::StrCat("._nspf.", p.spf_zone, " ~all");
  spf.sender_ranges.Finish();
  return absl::OkStatus();
}

}  // namespace

const RecordFamily& SpfFamily() { return kSpf; }

}  // namespace dnsd::config
