#include "config/snapshot_dump.h"

#include <algorithm>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/spf/nspf_chain.h"
#include "policy/spf/spf_answer.h"

namespace dnsd::config::testing {
namespace {

std::string Hex(absl::string_view bytes) { return absl::BytesToHexString(bytes); }

// As served: kZoneTtl written as the snapshot's zone TTL.
std::string Records(const RRset* r, const ZoneCommon& common) {
  return r == nullptr ? "-"
                      : absl::StrCat(r->type, "/", r->count, "/",
                                     Hex(WireRecords(*r, common.ttl)));
}

// The truncated rule's answer for `d`, as the query path renders it.
std::string Flattened(const spf::MacroZone& spf, const spf::DomainPolicy& d) {
  char rdata[Answer::kScratchSize];
  return Hex(absl::string_view(rdata, spf::FlattenedRdata(spf, d, rdata)));
}

// The domain's _nspf chain, part by part, as the query path writes it.
std::string Nspf(const spf::MacroZone& spf, const spf::DomainPolicy& d) {
  std::vector<std::string> parts;
  char rdata[Answer::kScratchSize];
  for (size_t i = 0; i < spf::kMaxNspfParts; ++i) {
    size_t size = spf::NspfRdata(spf, d, i, rdata);
    if (size == 0) break;
    parts.push_back(Hex(absl::string_view(rdata, size)));
  }
  return absl::StrJoin(parts, "|");
}

}  // namespace

std::string Dump(const Snapshot& s) {
  std::vector<std::string> lines;
  auto records = [&s](const RRset* r) { return Records(r, s.common); };
  lines.push_back(absl::StrCat("common ", records(&s.common.soa), " ",
                               records(&s.common.soa_negative), " ", records(&s.common.ns), " ",
                               s.common.ttl, " ", s.common.serial_mix));
  s.zones.ForEachNode([&](absl::string_view owner, const Node& node) {
    const Zone& zone = s.zones.ZoneOf(node);
    std::string line = absl::StrCat(Hex(owner), " zone=", Hex(zone.apex()),
                                    " serial=", ServedSerial(zone, s.common), " apex=", node.apex(),
                                    " below=", s.zones.Below(owner));
    for (const RRset* r : node.rrsets) absl::StrAppend(&line, " ", records(r));
    for (const RRset* r : zone.wildcard) absl::StrAppend(&line, " *", records(r));
    lines.push_back(std::move(line));
  });
  s.zones.ForEachZone([&](const Zone& zone) {
    lines.push_back(absl::StrCat("zone ", Hex(zone.apex()), " ", zone.kind, " ",
                                 ServedSerial(zone, s.common)));
  });
  // Senders by id: their numbers depend on the catalogs compiled before.
  s.spf.domains.ForEach([&](absl::string_view name, const spf::DomainPolicy* d) {
    std::vector<std::string> senders;
    for (uint32_t n : d->senders) senders.push_back(s.spf.senders[n].id);
    std::vector<std::string> netblocks;
    for (const IpPrefix& p : d->netblocks) netblocks.push_back(FormatIpPrefix(p));
    lines.push_back(absl::StrCat(
        "spf ", Hex(name), " ", d->name, " ", d->blocked, d->include_subdomains, d->fail_all,
        " senders=", absl::StrJoin(senders, ","), " netblocks=", absl::StrJoin(netblocks, ","),
        " fallback=", records(s.spf.Fallback(*d)), " flattened=", Flattened(s.spf, *d), " nspf=", Nspf(s.spf, *d),
        " terms=", absl::StrJoin(d->terms, " ", [](std::string* out, const auto& t) {
          absl::StrAppend(out, t.text);
        })));
  });
  for (const spf::SenderPolicy& sp : s.spf.senders) {
    if (!sp.id.empty()) lines.push_back(absl::StrCat("sender ", sp.id, " ", records(sp.include_answer)));
  }
  s.mta_sts_policies.ForEach([&](absl::string_view domain, const mta_sts::ServedPolicy* p) {
    lines.push_back(absl::StrCat("mta-sts ", domain, " ", p->id, " ", p->text));
  });
  lines.push_back(absl::StrCat("digest ", s.digest, " max_owner_labels ",
                               s.zones.max_owner_labels(), " nodes ", s.zones.node_count()));
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "\n");
}

}  // namespace dnsd::config::testing
