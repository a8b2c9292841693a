#include "policy/dmarc_report/report_family.h"

#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/names.h"
#include "config/served_name.h"
#include "policy/dmarc/dmarc.h"

namespace dnsd::config {
namespace {

class DmarcReport final : public RecordFamily {
 public:
  absl::string_view name() const override { return "dmarc_report"; }
  absl::string_view section() const override { return ""; }

  void Check(YamlReader& r, const DomainConfig& d, const Catalog&,
             const ProviderSettings& provider) const override {
    if (!d.domain.empty() && !provider.report_domain.empty() &&
        RuaPointsAtProvider(d.dmarc, provider.report_domain)) {
      CheckServedName(r, d, absl::StrCat("_report._dmarc.", provider.report_domain),
                      "report authorisation name");
    }
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    zones.push_back({kReportZone, p.report_zone});
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    const ProviderRecords& p = out.provider();
    if (!RuaPointsAtProvider(d.dmarc, p.settings.report_domain)) return absl::OkStatus();
    return out.AddShared(kReportZone, p.report_zone, d.domain, &p.report_authorised);
  }
};

const DmarcReport kDmarcReport;

}  // namespace

const RecordFamily& DmarcReportFamily() { return kDmarcReport; }

}  // namespace dnsd::config
