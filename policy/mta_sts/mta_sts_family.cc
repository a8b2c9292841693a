#include "policy/mta_sts/mta_sts_family.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/field_readers.h"
#include "config/image_bytes.h"
#include "config/link_context.h"
#include "config/quote.h"
#include "config/served_name.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/mta_sts/mta_sts_policy.h"
#include "policy/mta_sts/policy_table.h"

namespace dnsd::config {
namespace {

// Far past any policy a domain file can make.
constexpr size_t kMaxPolicyImage = 1 << 20;

constexpr absl::string_view kKeys[] = {"mode", "mx", "max_age"};
constexpr absl::string_view kModes[] = {"enforce", "testing", "none"};
constexpr absl::string_view kDomainKeys[] = {"mta_sts_delegation"};
constexpr absl::string_view kZoneKey = "mta_sts_zone";
constexpr absl::string_view kProviderKeys[] = {kZoneKey};

mta_sts::Mode ModeOf(absl::string_view text) {
  if (text == "enforce") return mta_sts::Mode::kEnforce;
  if (text == "none") return mta_sts::Mode::kNone;
  return mta_sts::Mode::kTesting;
}

std::vector<std::string> ReadMx(YamlReader& r, const Value& value) {
  std::vector<std::string> mx;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return mx;
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (StringItem& item : *items) {
    absl::StatusOr<std::string> pattern = mta_sts::NormalizeMxPattern(item.text);
    if (!pattern.ok()) {
      r.Error(item.pos, std::string(pattern.status().message()));
    } else if (!seen.insert(*pattern).second) {
      r.Error(item.pos, absl::StrCat(Quoted(item.text), " is listed twice"));
    } else {
      mx.push_back(*std::move(pattern));
    }
  }
  return mx;
}

void ReadPolicy(YamlReader& r, const Value& value, MtaStsSection& s) {
  std::optional<Fields> f = r.Map(value, kKeys);
  if (!f) return;
  s.configured = true;
  if (const Value* v = r.Require(*f, "mode")) {
    if (auto mode = r.OneOf(*v, kModes)) s.policy.mode = ModeOf(*mode);
  }
  s.policy.max_age = kDefaultMaxAge;
  if (const Value* v = f->Get("max_age")) {
    if (auto age = r.Integer(*v, 0, mta_sts::kMaxMaxAge)) s.policy.max_age = static_cast<uint32_t>(*age);
  }
  const Value* mx = f->Get("mx");
  if (mx != nullptr) s.policy.mx = ReadMx(r, *mx);
  // RFC 8461 §3.2: mx is required at least once, except in mode none.
  if (s.policy.mode != mta_sts::Mode::kNone && s.policy.mx.empty() && r.ok()) {
    r.Error(mx != nullptr ? mx->pos : f->pos(),
            absl::StrCat("mode ", mta_sts::ModeName(s.policy.mode),
                         " needs at least one mx (a host name, or *. and a name)"));
  }
}

// The policy file a domain serves over HTTP, rendered with its compile so
// that the file and the TXT id are always of the same policy.
struct MtaStsData final : FamilyData {
  mta_sts::ServedPolicy served;

  bool Same(const FamilyData& other) const override {
    const auto& o = static_cast<const MtaStsData&>(other);
    return served.text == o.served.text && served.id == o.served.id;
  }
};

class MtaSts final : public RecordFamily {
 public:
  absl::string_view name() const override { return "mta_sts"; }
  absl::Span<const absl::string_view> domain_keys() const override { return kDomainKeys; }
  absl::Span<const absl::string_view> provider_keys() const override { return kProviderKeys; }

  void Read(YamlReader& r, const Value* value, const DomainContext& ctx,
            DomainConfig& d) const override {
    if (value != nullptr) ReadPolicy(r, *value, d.mta_sts);
    if (auto delegation = ReadDelegation(r, ctx.top, "mta_sts_delegation")) {
      d.mta_sts.delegation = *delegation;
    }
  }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog&,
             const ProviderSettings& provider) const override {
    if (!d.domain.empty() && d.mta_sts.configured) {
      CheckCnameVariant(r, d, d.mta_sts.delegation, name(), kZoneKey, provider);
    }
    auto zone = provider.family_zones.find(std::string(kZoneKey));
    if (!d.domain.empty() && d.mta_sts.configured && zone != provider.family_zones.end()) {
      CheckServedName(r, d, zone->second, "MTA-STS CNAME target");
    }
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    if (const std::string* zone = FamilyZone(p, kZoneKey)) zones.push_back({kMtaStsTargetsZone, *zone});
  }

  // The policy file as served, and its id.
  bool WriteData(const FamilyData& data, ImageWriter& out) const override {
    const mta_sts::ServedPolicy& served = static_cast<const MtaStsData&>(data).served;
    out.Bytes(served.text);
    out.Bytes(served.id);
    return true;
  }
  std::unique_ptr<const FamilyData> ReadData(ImageReader& in) const override {
    auto data = std::make_unique<MtaStsData>();
    data->served.text = std::string(in.Bytes(kMaxPolicyImage));
    data->served.id = std::string(in.Bytes(kMaxPolicyImage));
    return in.ok() ? std::move(data) : nullptr;
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    if (!d.mta_sts.configured) return absl::OkStatus();
    auto data = std::make_unique<MtaStsData>();
    data->served.text = mta_sts::PolicyText(d.mta_sts.policy);
    data->served.id = mta_sts::PolicyId(d.mta_sts.policy);
    const RRset* txt = out.Txt(mta_sts::RenderStsRecord(data->served.id));
    DNSD_ASSIGN_OR_RETURN(ZoneDraft * zone, out.AddZone("_mta-sts", kMtaStsZone));
    DNSD_RETURN_IF_ERROR(out.Add(zone, "", txt));
    if (const std::string* targets = FamilyZone(out.provider(), kZoneKey)) {
      DNSD_RETURN_IF_ERROR(out.AddShared(kMtaStsTargetsZone, *targets, d.domain, txt));
    }
    out.Keep(std::move(data));
    return absl::OkStatus();
  }

  // The snapshot's policy table: every domain whose MTA-STS part compiled.
  void LinkPart(const CompiledDomain& d, const CompiledPart& part, LinkContext& link,
                bool add) const override {
    const auto* data = static_cast<const MtaStsData*>(part.data.get());
    if (data == nullptr) return;
    mta_sts::PolicyTable& table = link.snapshot.mta_sts_policies;
    if (add) {
      table.Add(d.domain(), &data->served);
    } else {
      table.Remove(d.domain());
    }
  }

  void ForkTables(const Snapshot& base, Snapshot& next) const override {
    next.mta_sts_policies = base.mta_sts_policies;
  }
  void FreezeTables(Snapshot& snap, const std::function<void()>& let_go) const override {
    snap.mta_sts_policies.Freeze(let_go);
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    if (!d.mta_sts.configured) return;
    std::string owner = absl::StrCat("_mta-sts.", d.domain);
    auto zone = p.family_zones.find(std::string(kZoneKey));
    if (d.mta_sts.delegation == Delegation::kCname && zone != p.family_zones.end()) {
      lines.push_back(PublishLine(owner, "CNAME", absl::StrCat(d.domain, ".", zone->second, ".")));
    } else {
      PublishNs(owner, p.nameservers, lines);
    }
    lines.push_back(absl::StrCat("; The policy itself is fetched from https://mta-sts.", d.domain,
                                 "/.well-known/mta-sts.txt; point mta-sts.", d.domain,
                                 " at the provider's HTTPS host."));
  }
};

const MtaSts kMtaSts;

}  // namespace

const RecordFamily& MtaStsFamily() { return kMtaSts; }

}  // namespace dnsd::config
