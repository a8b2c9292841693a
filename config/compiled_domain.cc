#include "config/compiled_domain.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/compile_spf.h"
#include "config/dkim.h"
#include "config/dmarc.h"
#include "config/zone_builder.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/template.h"

namespace dnsd::config {
namespace {

class Builder {
 public:
  Builder(CompiledDomain& out, uint32_t ttl) : out_(out), ttl_(ttl) {}

  const RRset* Txt(absl::string_view text) { return Keep(TxtRRset(text, ttl_)); }
  const RRset* Cname(absl::string_view target_wire) {
    return Keep(RRsetBuilder(wire::kTypeCname, ttl_).Add(target_wire).Build());
  }

 private:
  const RRset* Keep(RRset rrset) {
    out_.rrsets.push_back(std::make_unique<const RRset>(std::move(rrset)));
    return out_.rrsets.back().get();
  }

  CompiledDomain& out_;
  uint32_t ttl_;
};

void AddError(CompiledDomain& out, const DomainConfig& d, absl::string_view message) {
  Diagnostic e;
  e.pos.file = d.file;
  e.message = std::string(message);
  out.errors.push_back(std::move(e));
}

uint64_t DigestOf(absl::string_view owner, const RRset& rrset) {
  SerialDigest digest;
  digest.Add(owner);
  digest.Add(rrset.records);
  return digest.value();
}

// _dmarc.<domain>, _domainkey.<domain> and the names under the provider's
// zones; all or nothing.
absl::Status CompileDmarcAndDkim(const DomainConfig& d, const ProviderRecords& p,
                                 CompiledDomain& out, Builder& b) {
  DNSD_ASSIGN_OR_RETURN(std::string domain, wire::NameFromText(d.domain));
  DNSD_ASSIGN_OR_RETURN(out.dmarc_apex, Prepend("_dmarc", domain));
  DNSD_ASSIGN_OR_RETURN(out.domainkey_apex, Prepend("_domainkey", domain));
  DNSD_ASSIGN_OR_RETURN(out.dmarc_target, Prepend(d.domain, p.dmarc_zone));
  if (RuaPointsAtProvider(d.dmarc, p.settings.report_domain)) {
    DNSD_ASSIGN_OR_RETURN(out.report_name, Prepend(d.domain, p.report_zone));
    out.report_digest = DigestOf(out.report_name, p.report_authorised);
  }
  out.dmarc_txt = b.Txt(RenderDmarcRecord(d));
  out.dmarc_target_digest = DigestOf(out.dmarc_target, *out.dmarc_txt);

  SerialDigest dmarc;
  dmarc.Add(out.dmarc_apex);
  dmarc.Add(out.dmarc_apex);
  dmarc.Add(out.dmarc_txt->records);
  out.dmarc_serial = ZoneSerial(dmarc, p.common);

  SerialDigest dkim;
  dkim.Add(out.domainkey_apex);
  if (d.mode == Mode::kBlocked) {
    // Every name below _domainkey answers the revoked key, configured
    // selectors included: only the wildcard, so no selector's labels can
    // make an empty non-terminal that answers NODATA instead.
    out.revoke_all = true;
    dkim.Add("\1*");
    dkim.Add(p.revoked_dkim.records);
  } else {
    for (const DkimSelector& s : d.dkim) {
      DNSD_ASSIGN_OR_RETURN(std::string owner, Prepend(s.selector, out.domainkey_apex));
      const RRset* rrset;
      if (s.key.kind == DkimKey::Kind::kRevoked) {
        rrset = &p.revoked_dkim;
      } else if (s.key.kind == DkimKey::Kind::kCname) {
        DNSD_ASSIGN_OR_RETURN(std::string target, wire::NameFromText(s.key.cname));
        rrset = b.Cname(target);
      } else {
        rrset = b.Txt(RenderDkimRecord(s.key));
      }
      dkim.Add(owner);
      dkim.Add(rrset->records);
      out.selectors.emplace_back(std::move(owner), rrset);
    }
  }
  out.domainkey_serial = ZoneSerial(dkim, p.common);
  return absl::OkStatus();
}

// The domain's SPF policy and its _nspf chain. Catalog trouble (a sender
// dropped, ranges too many for the chain) is a warning: the rest serves.
absl::Status CompileSpf(const DomainConfig& d, const ProviderRecords& p, const Catalog& catalog,
                        const RefreshedRanges* refreshed, CompiledDomain& out, Builder& b) {
  DNSD_ASSIGN_OR_RETURN(out.wire_name, wire::NameFromText(d.domain));
  spf::DomainPolicy& dp = out.policy;
  dp.name = d.domain;
  dp.blocked = d.mode == Mode::kBlocked;
  dp.include_subdomains = d.include_subdomains;
  dp.fail_all = d.spf.all == AllQualifier::kFail;
  dp.fallback = dp.fail_all ? &p.spf_fail : &p.spf_soft;
  std::string warning;
  for (const std::string& id : d.spf.senders) {
    // A domain file's last good version may name a sender the catalog has
    // since dropped: serve the rest of the domain rather than none of it.
    if (catalog.Find(id) == nullptr) {
      absl::StrAppend(&warning, warning.empty() ? "" : "; ", "sender '", id,
                      "' is no longer in the catalog");
    }
  }
  // Rule 6. The loader has checked each term (config/spf_section.cc).
  for (const std::string& text : d.spf.terms) {
    DNSD_ASSIGN_OR_RETURN(spf::TermTemplate term, spf::CompileTerm(text));
    dp.terms.push_back(std::move(term));
  }

  const std::string& zone = p.settings.spf_zone;
  std::string nspf_text = NspfPartName(0, d.domain, zone);
  // RFC 7208 §7.3: a domain-spec is at most 253 octets; parts 2.. add one.
  if (nspf_text.size() + 1 > 253) {
    return absl::InvalidArgumentError(absl::StrCat(nspf_text, " is too long for an include"));
  }
  dp.flattened = b.Txt(absl::StrCat("v=spf1 include:", nspf_text, " ~all"));
  auto parts = FlattenedSpf(d, catalog, zone, refreshed);
  if (!parts.ok()) {
    // The macro answers do not need the flattened record: keep them, and
    // let only <d>._nspf fall back to the unconfigured answer.
    absl::StrAppend(&warning, warning.empty() ? "" : "; ", parts.status().message(), "; ",
                    d.domain, "._nspf answers ?all");
    parts = std::vector<std::string>{"v=spf1 ?all"};
  }
  SerialDigest digest;
  for (size_t i = 0; i < parts->size(); ++i) {
    DNSD_ASSIGN_OR_RETURN(std::string owner,
                          wire::NameFromText(NspfPartName(i, d.domain, zone)));
    const RRset* rrset = b.Txt((*parts)[i]);
    digest.Add(owner);
    digest.Add(rrset->records);
    out.nspf.emplace_back(std::move(owner), rrset);
  }
  digest.Add(absl::StrCat(dp.name, " ", dp.blocked, dp.include_subdomains, dp.fail_all, " ",
                          absl::StrJoin(d.spf.senders, ","), " ",
                          absl::StrJoin(d.spf.terms, " ")));
  out.spf_digest = digest.value();
  out.sender_ids = d.spf.senders;
  out.netblocks = d.spf.netblocks;
  if (!warning.empty()) AddError(out, d, warning);
  return absl::OkStatus();
}

uint64_t DigestRanges(const std::vector<IpPrefix>& ranges) {
  SerialDigest digest;
  for (const IpPrefix& prefix : ranges) digest.Add(FormatIpPrefix(prefix));
  return digest.value();
}

}  // namespace

SenderDigests::SenderDigests(const Catalog& catalog, const RefreshedRanges* refreshed) {
  for (const Sender& s : catalog.senders) by_id_[s.id] = DigestRanges(RangesInUse(s, refreshed));
}

uint64_t SenderDigests::Of(const DomainConfig& domain) const {
  SerialDigest digest;
  for (const std::string& id : domain.spf.senders) {
    digest.Add(id);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) {
      digest.Add("missing");
    } else {
      digest.AddNumber(it->second);
    }
  }
  return digest.value();
}

std::shared_ptr<const CompiledDomain> CompileDomain(
    const DomainConfig& d, std::shared_ptr<const ProviderRecords> provider,
    const Catalog& catalog, const RefreshedRanges* refreshed, uint64_t senders_digest) {
  auto out = std::make_shared<CompiledDomain>();
  out->version = d.version;
  out->senders_digest = senders_digest;
  out->domain = d.domain;
  Builder b(*out, provider->settings.ttl);
  if (absl::Status st = CompileDmarcAndDkim(d, *provider, *out, b); st.ok()) {
    out->dmarc_ok = true;
  } else {
    AddError(*out, d, st.message());
  }
  if (absl::Status st = CompileSpf(d, *provider, catalog, refreshed, *out, b); st.ok()) {
    out->spf_ok = true;
  } else {
    AddError(*out, d, st.message());
  }
  out->provider = std::move(provider);
  return out;
}

}  // namespace dnsd::config
