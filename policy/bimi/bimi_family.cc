#include "policy/bimi/bimi_family.h"

#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/bimi/bimi_reader.h"
#include "policy/bimi/bimi_record.h"

namespace dnsd::config {
namespace {

class Bimi final : public RecordFamily {
 public:
  absl::string_view name() const override { return "bimi"; }

  // After DMARC's section (families.cc's order): the check needs its policy.
  void Read(YamlReader& r, const Value* value, const DomainContext&,
            DomainConfig& d) const override {
    if (value == nullptr) return;
    d.bimi = ReadBimiSection(r, *value);
    CheckBimiNeedsEnforcement(r, *value, d.dmarc);
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    if (d.bimi.selectors.empty()) return absl::OkStatus();
    DNSD_ASSIGN_OR_RETURN(ZoneDraft * zone, out.AddZone("_bimi", kBimiZone));
    for (const BimiSelector& s : d.bimi.selectors) {
      DNSD_RETURN_IF_ERROR(out.Add(zone, s.selector, out.Txt(bimi::RenderBimiRecord(s.l, s.a))));
    }
    return absl::OkStatus();
  }

  void Publish(const DomainConfig& d, const ProviderSettings& p,
               std::vector<std::string>& lines) const override {
    if (!d.bimi.selectors.empty()) PublishNs(absl::StrCat("_bimi.", d.domain), p.nameservers, lines);
  }
};

const Bimi kBimi;

}  // namespace

const RecordFamily& BimiFamily() { return kBimi; }

}  // namespace dnsd::config
