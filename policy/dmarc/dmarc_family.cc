#include "policy/dmarc/dmarc_family.h"

#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/field_readers.h"
#include "config/names.h"
#include "config/served_name.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/dmarc/dmarc.h"
#include "policy/dmarc/dmarc_reader.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kDomainKeys[] = {"dmarc_delegation"};

class Dmarc final : public RecordFamily {
 public:
  absl::string_view name() const override { return "dmarc"; }
  absl::Span<const absl::string_view> domain_keys() const override { return kDomainKeys; }

  void Read(YamlReader& r, const Value* value, const DomainContext& ctx,
            DomainConfig& d) const override {
    if (value != nullptr) {
      d.dmarc = ReadDmarcSection(r, *value, ctx.mode);
    } else if (ctx.mode == Mode::kEnforce) {
      r.ValueError(*ctx.mode_value, "enforce needs a dmarc section with p");
    }
    d.dmarc = EffectiveDmarcPolicy(d.mode, d.dmarc);
    if (auto delegation = ReadDelegation(r, ctx.top, "dmarc_delegation")) {
      d.dmarc.delegation = *delegation;
    }
  }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog&,
             const ProviderSettings& provider) const override {
    if (!d.domain.empty() && d.dmarc.delegation == Delegation::kCname &&
        !provider.dmarc_zone.empty()) {
      CheckServedName(r, d, provider.dmarc_zone, "DMARC CNAME target");
    }
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    zones.push_back({kDmarcTargetsZone, p.dmarc_zone});
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    const RRset* txt = out.Txt(RenderDmarcRecord(d));
    DNSD_ASSIGN_OR_RETURN(CompiledZone * zone, out.AddZone("_dmarc", kDmarcZone));
    DNSD_RETURN_IF_ERROR(out.Add(zone, "", txt));
    return out.AddShared(kDmarcTargetsZone, out.provider().dmarc_zone, d.domain, txt);
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    std::string owner = absl::StrCat("_dmarc.", d.domain);
    if (d.dmarc.delegation == Delegation::kCname) {
      lines.push_back(PublishLine(owner, "CNAME", absl::StrCat(d.domain, ".", p.dmarc_zone, ".")));
    } else {
      PublishNs(owner, p.nameservers, lines);
    }
  }
};

const Dmarc kDmarc;

}  // namespace

const RecordFamily& DmarcFamily() { return kDmarc; }

}  // namespace dnsd::config
