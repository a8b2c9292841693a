// The one list of record families dnsd hosts. A family's room is
// policy/<family>/; adding one is adding it here, its section to
// config/model.h and its zones' kinds to config/zone_kinds.h.
#include "config/family.h"

#include "config/compiled_domain.h"
#include "policy/bimi/bimi_family.h"
#include "policy/dkim/dkim_family.h"
#include "policy/dmarc/dmarc_family.h"
#include "policy/dmarc_report/report_family.h"
#include "policy/mta_sts/mta_sts_family.h"
#include "policy/spf/spf_family.h"
#include "policy/tls_rpt/tls_rpt_family.h"

namespace dnsd::config {

absl::Span<const RecordFamily* const> Families() {
  // In reading order: a family may look at the sections read before its own.
  static const RecordFamily* const kFamilies[] = {
      &SpfFamily(),
      &DmarcFamily(),
      &DmarcReportFamily(),
      &DkimFamily(),
      &BimiFamily(),
      &TlsRptFamily(),
      &MtaStsFamily(),
  };
  return kFamilies;
}

std::unique_ptr<const FamilyData> RecordFamily::ReadData(ImageReader& /*in*/) const {
  return nullptr;  // a family that keeps no data has none to read
}

std::vector<std::string> InputsOf(const DomainHead& d) {
  const DomainConfig* model = d.model();
  if (model == nullptr) return d.released_inputs();
  std::vector<std::string> ids;
  for (const RecordFamily* family : Families()) family->Inputs(*model, ids);
  return ids;
}

std::vector<ScheduledChange> TimelineOf(const DomainConfig& d) {
  std::vector<ScheduledChange> timeline;
  for (const RecordFamily* family : Families()) family->Timeline(d, timeline);
  return timeline;
}

}  // namespace dnsd::config
