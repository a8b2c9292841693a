#include "dnsd/cli/snapshot_dns.h"

#include <algorithm>
#include <cstdlib>
#include <span>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"

// Last: ldns's headers define macros that upset later C++ headers.
#include <ldns/ldns.h>

namespace dnsd::cli {
namespace {

using spf::DnsAnswer;
using spf::DnsOutcome;

std::string TypeName(uint16_t qtype) {
  char* text = ldns_rr_type2str(static_cast<ldns_rr_type>(qtype));
  std::string out = text != nullptr ? text : absl::StrCat("TYPE", qtype);
  std::free(text);
  return out;
}

std::string Lower(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(name);
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string RdfText(const ldns_rdf* rdf) {
  char* text = ldns_rdf2str(rdf);
  std::string out = text != nullptr ? text : "";
  std::free(text);
  return out;
}

// The query as a resolver would send it, in wire form; empty if ldns
// cannot write the name.
std::vector<uint8_t> QueryPacket(absl::string_view name, uint16_t qtype) {
  ldns_rdf* owner = ldns_dname_new_frm_str(std::string(name).c_str());
  if (owner == nullptr) return {};
  ldns_pkt* pkt = ldns_pkt_query_new(owner, static_cast<ldns_rr_type>(qtype), LDNS_RR_CLASS_IN, 0);
  if (pkt == nullptr) return {};
  ldns_pkt_set_id(pkt, 0x5f5f);
  uint8_t* wire = nullptr;
  size_t size = 0;
  std::vector<uint8_t> out;
  if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK) out.assign(wire, wire + size);
  std::free(wire);
  ldns_pkt_free(pkt);
  return out;
}

// The records of type `qtype` in the answer section.
void ReadRecords(ldns_pkt* pkt, uint16_t qtype, DnsAnswer* a) {
  ldns_rr_list* rrs =
      ldns_pkt_rr_list_by_type(pkt, static_cast<ldns_rr_type>(qtype), LDNS_SECTION_ANSWER);
  size_t count = rrs != nullptr ? ldns_rr_list_rr_count(rrs) : 0;
  a->outcome = count > 0 ? DnsOutcome::kOk : DnsOutcome::kNoData;
  a->ttl = count > 0 ? UINT32_MAX : 0;
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(rrs, i);
    a->ttl = std::min(a->ttl, ldns_rr_ttl(rr));
    const ldns_rdf* first = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) : nullptr;
    if (first == nullptr) continue;
    switch (qtype) {
      case wire::kTypeTxt: {
        std::string text;
        for (size_t j = 0; j < ldns_rr_rd_count(rr); ++j) {
          const ldns_rdf* s = ldns_rr_rdf(rr, j);
          if (ldns_rdf_size(s) >= 1) {
            text.append(reinterpret_cast<const char*>(ldns_rdf_data(s)) + 1,
                        ldns_rdf_size(s) - 1);
          }
        }
        a->txt.push_back(std::move(text));
        break;
      }
      case wire::kTypeA:
      case wire::kTypeAaaa: {
        auto ip = ParseIpAddress(RdfText(first));
        if (ip.ok()) a->addresses.push_back(*ip);
        break;
      }
      case wire::kTypeMx:
        if (ldns_rr_rd_count(rr) == 2) {
          a->mx.push_back({ldns_rdf2native_int16(first), Lower(RdfText(ldns_rr_rdf(rr, 1)))});
        }
        break;
      case wire::kTypePtr:
        a->ptr.push_back(Lower(RdfText(first)));
        break;
    }
  }
  ldns_rr_list_deep_free(rrs);
}

std::string Describe(const DnsAnswer& a) {
  switch (a.outcome) {
    case DnsOutcome::kNoData: return "NODATA";
    case DnsOutcome::kNxDomain: return "NXDOMAIN";
    case DnsOutcome::kTempError: return "temperror";
    case DnsOutcome::kOk: break;
  }
  std::vector<std::string> parts;
  for (const std::string& t : a.txt) parts.push_back(absl::StrCat("\"", t, "\""));
  for (const IpAddress& ip : a.addresses) parts.push_back(FormatIpAddress(ip));
  for (const spf::MxRecord& mx : a.mx) parts.push_back(absl::StrCat(mx.preference, " ", mx.exchange));
  for (const std::string& p : a.ptr) parts.push_back(p);
  return absl::StrJoin(parts, ", ");
}

}  // namespace

SnapshotDns::SnapshotDns(const config::Snapshot& snapshot, const config::Catalog& catalog,
                         const config::RefreshedRanges* refreshed, std::string published_domain,
                         std::string published_record)
    : snapshot_(snapshot),
      catalog_(catalog),
      refreshed_(refreshed),
      published_domain_(Lower(published_domain)),
      published_record_(std::move(published_record)) {}

DnsAnswer SnapshotDns::Txt(absl::string_view name) { return Ask(name, wire::kTypeTxt); }
DnsAnswer SnapshotDns::A(absl::string_view name) { return Ask(name, wire::kTypeA); }
DnsAnswer SnapshotDns::Aaaa(absl::string_view name) { return Ask(name, wire::kTypeAaaa); }
DnsAnswer SnapshotDns::Mx(absl::string_view name) { return Ask(name, wire::kTypeMx); }
DnsAnswer SnapshotDns::Ptr(absl::string_view name) { return Ask(name, wire::kTypePtr); }

DnsAnswer SnapshotDns::Ask(absl::string_view name, uint16_t qtype) {
  DnsAnswer answer;
  std::string source;
  if (Lower(name) == published_domain_ && qtype == wire::kTypeTxt) {
    answer.outcome = DnsOutcome::kOk;
    answer.txt = {published_record_};
    source = "published";
  } else if (AskDnsd(name, qtype, &answer)) {
    source = "dnsd";
  } else if (!AskCatalog(name, qtype, &answer, &source)) {
    answer = DnsAnswer{};  // kTempError: the evaluator stops with temperror
    source = "not resolved (outside dnsd)";
    ++unresolved_;
  }
  lookups_.push_back({absl::StrCat(name, " ", TypeName(qtype)), source, Describe(answer)});
  return answer;
}

bool SnapshotDns::AskDnsd(absl::string_view name, uint16_t qtype, DnsAnswer* answer) {
  std::vector<uint8_t> query = QueryPacket(name, qtype);
  if (query.empty()) return false;
  std::vector<uint8_t> response(wire::kMaxMessageSize);
  Outcome outcome = HandleQuery(snapshot_, query, Transport::kTcp, response);
  ldns_pkt* pkt = nullptr;
  if (outcome.size == 0 || ldns_wire2pkt(&pkt, response.data(), outcome.size) != LDNS_STATUS_OK) {
    answer->outcome = DnsOutcome::kTempError;
    return true;
  }
  ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
  bool ours = rcode != LDNS_RCODE_REFUSED;
  if (rcode == LDNS_RCODE_NXDOMAIN) {
    answer->outcome = DnsOutcome::kNxDomain;
  } else if (rcode == LDNS_RCODE_NOERROR) {
    ReadRecords(pkt, qtype, answer);
  } else {
    answer->outcome = DnsOutcome::kTempError;
  }
  ldns_pkt_free(pkt);
  return ours;
}

// A sender's include is, as far as dnsd knows, its known ranges.
bool SnapshotDns::AskCatalog(absl::string_view name, uint16_t qtype, DnsAnswer* answer,
                             std::string* source) {
  if (qtype != wire::kTypeTxt) return false;
  std::string lower = Lower(name);
  for (const config::Sender& s : catalog_.senders) {
    const std::vector<IpPrefix>& ranges = config::RangesInUse(s, refreshed_);
    if (s.include != lower || ranges.empty()) continue;
    std::string record = "v=spf1";
    for (const IpPrefix& p : ranges) {
      absl::StrAppend(&record, p.is_v4() ? " ip4:" : " ip6:", FormatIpPrefix(p));
    }
    absl::StrAppend(&record, " -all");
    answer->outcome = DnsOutcome::kOk;
    answer->txt = {record};
    *source = absl::StrCat("catalog: ", s.id, "'s known ranges");
    return true;
  }
  return false;
}

}  // namespace dnsd::cli
