#include "policy/tls_rpt/tls_rpt_family.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/field_readers.h"
#include "config/quote.h"
#include "config/served_name.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/tls_rpt/tls_rpt_record.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kKeys[] = {"rua"};
constexpr absl::string_view kDomainKeys[] = {"tls_rpt_delegation"};
constexpr absl::string_view kZoneKey = "tls_rpt_zone";
constexpr absl::string_view kProviderKeys[] = {kZoneKey};

std::vector<std::string> ReadRua(YamlReader& r, const Value& value) {
  std::vector<std::string> rua;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return rua;
  if (items->empty()) r.ValueError(value, "lists no URI; TLS-RPT needs at least one");
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (StringItem& item : *items) {
    if (absl::Status status = tls_rpt::CheckReportUri(item.text); !status.ok()) {
      r.Error(item.pos, std::string(status.message()));
    } else if (!seen.insert(item.text).second) {
      r.Error(item.pos, absl::StrCat(Quoted(item.text), " is listed twice"));
    } else {
      rua.push_back(std::move(item.text));
    }
  }
  return rua;
}

class TlsRpt final : public RecordFamily {
 public:
  absl::string_view name() const override { return "tls_rpt"; }
  absl::Span<const absl::string_view> domain_keys() const override { return kDomainKeys; }
  absl::Span<const absl::string_view> provider_keys() const override { return kProviderKeys; }

  void Read(YamlReader& r, const Value* value, const DomainContext& ctx,
            DomainConfig& d) const override {
    if (value != nullptr) {
      if (std::optional<Fields> f = r.Map(*value, kKeys)) {
        if (const Value* rua = r.Require(*f, "rua")) d.tls_rpt.rua = ReadRua(r, *rua);
      }
    }
    if (auto delegation = ReadDelegation(r, ctx.top, "tls_rpt_delegation")) {
      d.tls_rpt.delegation = *delegation;
    }
  }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog&,
             const ProviderSettings& provider) const override {
    if (!d.domain.empty() && !d.tls_rpt.rua.empty()) {
      CheckCnameVariant(r, d, d.tls_rpt.delegation, name(), kZoneKey, provider);
    }
    auto zone = provider.family_zones.find(std::string(kZoneKey));
    if (!d.domain.empty() && !d.tls_rpt.rua.empty() && zone != provider.family_zones.end()) {
      CheckServedName(r, d, zone->second, "TLS-RPT CNAME target");
    }
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    if (const std::string* zone = FamilyZone(p, kZoneKey)) zones.push_back({kTlsRptTargetsZone, *zone});
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    if (d.tls_rpt.rua.empty()) return absl::OkStatus();
    const RRset* txt = out.Txt(tls_rpt::RenderTlsRptRecord(d.tls_rpt.rua));
    DNSD_ASSIGN_OR_RETURN(ZoneDraft * zone, out.AddZone("_smtp._tls", kTlsRptZone));
    DNSD_RETURN_IF_ERROR(out.Add(zone, "", txt));
    if (const std::string* targets = FamilyZone(out.provider(), kZoneKey)) {
      DNSD_RETURN_IF_ERROR(out.AddShared(kTlsRptTargetsZone, *targets, d.domain, txt));
    }
    return absl::OkStatus();
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    if (d.tls_rpt.rua.empty()) return;
    std::string owner = absl::StrCat("_smtp._tls.", d.domain);
    auto zone = p.family_zones.find(std::string(kZoneKey));
    if (d.tls_rpt.delegation == Delegation::kCname && zone != p.family_zones.end()) {
      lines.push_back(PublishLine(owner, "CNAME", absl::StrCat(d.domain, ".", zone->second, ".")));
    } else {
      PublishNs(owner, p.nameservers, lines);
    }
  }
};

const TlsRpt kTlsRpt;

}  // namespace

const RecordFamily& TlsRptFamily() { return kTlsRpt; }

}  // namespace dnsd::config
