#include "policy/dmarc/dmarc_family.h"

#include "absl/strings/str_cat.h"
#include "config/compiled_domain.h"
#include "config/delegation.h"
#include "config/field_readers.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/served_name.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/dmarc/dmarc.h"
#include "policy/dmarc/dmarc_reader.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kDomainKeys[] = {"dmarc_delegation"};

// p=none asks only for reports: with no rua, nobody gets them.
void WarnMonitorWithoutRua(YamlReader& r, const DomainContext& ctx, const DomainConfig& d) {
  if (ctx.mode != Mode::kMonitor || !d.dmarc.rua.empty()) return;  // not when mode is invalid
  SourcePos pos = ctx.mode_value != nullptr ? ctx.mode_value->pos : d.pos();
  r.Warning(pos, "mode monitor without a dmarc rua: p=none only asks receivers for aggregate "
                 "reports, and with no rua nobody receives them; add dmarc: rua");
}

// A rua or ruf outside the domain (RFC 7489 §7.1, kept by RFC 9989 as the
// verification of external destinations): receivers send reports there only
// if that domain authorises it with a record of its own. dnsd publishes the
// provider's report domain's own (policy/dmarc_report/); the domain's names
// and its parents are one organisation.
void WarnThirdPartyReports(YamlReader& r, const DomainConfig& d,
                           const ProviderSettings& provider) {
  if (d.domain.empty()) return;
  auto check = [&](absl::string_view tag, const std::vector<std::string>& uris,
                   const std::vector<SourcePos>& positions) {
    for (size_t i = 0; i < uris.size(); ++i) {
      std::string at = DmarcUriDomain(uris[i]);
      if (at.empty() || IsAtOrBelow(at, d.domain) || IsAtOrBelow(d.domain, at)) continue;
      if (!provider.report_domain.empty() && IsAtOrBelow(at, provider.report_domain)) continue;
      SourcePos pos = i < positions.size() ? positions[i] : d.dmarc.positions.section;
      r.Warning(pos, absl::StrCat(tag, " ", Quoted(uris[i]), " is at another domain, ", at,
                                  ": receivers send it reports only if ", at, " publishes ",
                                  d.domain, "._report._dmarc.", at,
                                  " TXT \"v=DMARC1\" (RFC 7489 §7.1)"));
    }
  };
  check("rua", d.dmarc.rua, d.dmarc.positions.rua);
  check("ruf", d.dmarc.ruf, d.dmarc.positions.ruf);
}

// p=reject and nothing that can pass: every message of the domain fails.
void WarnRejectingEverything(YamlReader& r, const DomainConfig& d) {
  bool rejects = d.dmarc.p == "reject";
  for (const DmarcStep& step : d.dmarc.schedule) rejects = rejects || step.p == "reject";
  if (d.mode != Mode::kEnforce || !rejects) return;
  if (!d.spf.senders.empty() || !d.spf.netblocks.empty() || !d.spf.terms.empty()) return;
  for (const DkimSelector& s : d.dkim.selectors) {
    if (s.key.kind != DkimKey::Kind::kRevoked) return;
  }
  r.Warning(d.dmarc.positions.p.value_or(d.dmarc.positions.section),
            absl::StrCat("p=reject with no SPF sender, netblock or term and no DKIM key: "
                         "receivers will reject every message from ", d.domain,
                         "; list what sends its mail, or use mode: blocked if nothing does"));
}

// Two v=DMARC1 records at one name make receivers discard both (RFC 9989
// §4.10): the CNAME target must not fall among the report authorisations.
void CheckOneRecordPerName(YamlReader& r, const DomainConfig& d,
                           const ProviderSettings& provider) {
  if (d.domain.empty() || provider.dmarc_zone.empty() || provider.report_domain.empty()) return;
  std::string target = absl::StrCat(d.domain, ".", provider.dmarc_zone);
  std::string reports = absl::StrCat("_report._dmarc.", provider.report_domain);
  if (IsAtOrBelow(target, reports)) {
    r.Error(d.pos(), absl::StrCat("the DMARC record's name ", target,
                                " is among the report authorisations (", reports,
                                "): a receiver could find two v=DMARC1 records there and "
                                "discard both; move dmarc_zone or report_domain apart"));
  }
}

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
    if (value == nullptr) d.dmarc.positions.section = d.pos();
    d.dmarc = EffectiveDmarcPolicy(d.mode, d.dmarc);
    WarnMonitorWithoutRua(r, ctx, d);
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
    CheckOneRecordPerName(r, d, provider);
    WarnThirdPartyReports(r, d, provider);
    WarnRejectingEverything(r, d);
  }

  void ProviderZones(const ProviderRecords& p, std::vector<ProviderZone>& zones) const override {
    zones.push_back({kDmarcTargetsZone, p.dmarc_zone});
  }

  void Timeline(const DomainConfig& d, std::vector<ScheduledChange>& out) const override {
    if (d.mode == Mode::kBlocked) return;  // reject whatever a step says
    for (const DmarcStep& step : d.dmarc.schedule) {
      out.push_back({step.at, absl::StrCat("dmarc: ", DescribeStep(step))});
      if (d.dmarc.ttl_ramp > 0) {
        out.push_back({step.at - d.dmarc.ttl_ramp,
                       absl::StrCat("dmarc: TTL ", d.dmarc.ramp_ttl, " s until the step at ",
                                    FormatUtc(step.at))});
      }
    }
  }

  absl::Status Compile(const DomainConfig& d, DomainCompiler& out) const override {
    // Blocked publishes reject at every step, with the usual TTL.
    bool scheduled = d.mode != Mode::kBlocked;
    std::string record =
        scheduled ? RenderDmarcRecord(d.mode, DmarcPolicyAt(d.dmarc, out.now())) : RenderDmarcRecord(d);
    const RRset* txt = scheduled && InTtlRamp(d.dmarc, out.now())
                           ? out.Txt(record, d.dmarc.ramp_ttl)
                           : out.Txt(record);
    DNSD_ASSIGN_OR_RETURN(ZoneDraft * zone, out.AddZone("_dmarc", kDmarcZone));
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
