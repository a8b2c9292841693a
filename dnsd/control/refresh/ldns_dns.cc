#include "dnsd/control/refresh/ldns_dns.h"

#include <sys/time.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

// After every other include: its macros break <optional> (COMMON.md).
#include <ldns/ldns.h>

namespace dnsd::refresh {
namespace {

using spf::DnsAnswer;
using spf::DnsOutcome;

// Frees whatever ldns handed out when the scope ends.
struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;
using Rdf = std::unique_ptr<ldns_rdf, RdfFree>;

// "mx.example.com." as spf::Dns names are: lower case, no trailing dot.
std::string NameText(const ldns_rdf* rdf) {
  char* text = ldns_rdf2str(rdf);
  if (text == nullptr) return "";
  std::string name = absl::AsciiStrToLower(absl::StripSuffix(text, "."));
  free(text);
  return name;
}

// The question must be the one asked: ldns matches the ID only.
bool AnswersQuestion(const ldns_pkt* reply, const ldns_rdf* name, ldns_rr_type type) {
  if (!ldns_pkt_qr(reply) || ldns_pkt_qdcount(reply) != 1) return false;
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(reply), 0);
  return q != nullptr && ldns_rr_get_type(q) == type &&
         ldns_dname_compare(ldns_rr_owner(q), name) == 0;
}

// RFC 2308 §5: a negative answer may be cached for the smaller of the SOA's
// TTL and its MINIMUM field.
uint32_t NegativeTtl(const ldns_pkt* reply) {
  ldns_rr_list* authority = ldns_pkt_authority(reply);
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7) {
      return std::min(ldns_rr_ttl(rr), ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
    }
  }
  return 0;
}

// Adds the data of one record of the type asked; false if it is malformed.
bool AddRecord(const ldns_rr* rr, ldns_rr_type type, DnsAnswer& a) {
  switch (type) {
    case LDNS_RR_TYPE_TXT: {
      std::string text;
      for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* s = ldns_rr_rdf(rr, i);
        const uint8_t* data = ldns_rdf_data(s);
        size_t size = ldns_rdf_size(s);
        if (size == 0 || data[0] + 1u != size) return false;
        text.append(reinterpret_cast<const char*>(data) + 1, data[0]);
      }
      a.txt.push_back(std::move(text));
      return true;
    }
    case LDNS_RR_TYPE_A:
    case LDNS_RR_TYPE_AAAA: {
      const ldns_rdf* r = ldns_rr_rdf(rr, 0);
      size_t want = type == LDNS_RR_TYPE_A ? 4 : 16;
      if (r == nullptr || ldns_rdf_size(r) != want) return false;
      IpAddress ip;
      if (want == 4) {
        ip = IpAddress::FromV4(ldns_rdf_data(r));
      } else {
        std::memcpy(ip.bytes.data(), ldns_rdf_data(r), 16);
      }
      a.addresses.push_back(ip);
      return true;
    }
    case LDNS_RR_TYPE_MX: {
      if (ldns_rr_rd_count(rr) != 2) return false;
      a.mx.push_back({ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)), NameText(ldns_rr_rdf(rr, 1))});
      return true;
    }
    case LDNS_RR_TYPE_PTR: {
      if (ldns_rr_rd_count(rr) != 1) return false;
      a.ptr.push_back(NameText(ldns_rr_rdf(rr, 0)));
      return true;
    }
    default:
      return false;
  }
}

// The records of `type` in the answer section; CNAMEs the resolver followed
// count for the TTL, since the answer is only as fresh as its chain.
DnsAnswer ReadAnswer(const ldns_pkt* reply, ldns_rr_type type) {
  DnsAnswer a;
  uint32_t ttl = std::numeric_limits<uint32_t>::max();
  bool any = false;
  ldns_rr_list* answer = ldns_pkt_answer(reply);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) continue;
    ldns_rr_type t = ldns_rr_get_type(rr);
    if (t != type && t != LDNS_RR_TYPE_CNAME) continue;
    ttl = std::min(ttl, ldns_rr_ttl(rr));
    if (t != type) continue;
    if (!AddRecord(rr, type, a)) {
      return DnsAnswer{};  // kTempError: a broken record is not "no record"
    }
    any = true;
  }
  a.outcome = any ? DnsOutcome::kOk : DnsOutcome::kNoData;
  a.ttl = any ? ttl : NegativeTtl(reply);
  return a;
}

}  // namespace

absl::StatusOr<std::unique_ptr<LdnsDns>> LdnsDns::Create(const std::vector<Endpoint>& servers,
                                                         std::chrono::milliseconds timeout) {
  if (servers.empty()) return absl::InvalidArgumentError("no resolver servers");
  std::unique_ptr<LdnsDns> dns(new LdnsDns);
  for (const Endpoint& ep : servers) {
    ldns_resolver* r = ldns_resolver_new();
    if (r == nullptr) return absl::ResourceExhaustedError("ldns_resolver_new failed");
    dns->resolvers_.push_back(r);
    dns->names_.push_back(FormatEndpoint(ep));
    std::string address = FormatIpAddress(ep.address, /*mapped_as_v6=*/ep.v6);
    Rdf ns(ldns_rdf_new_frm_str(ep.v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, address.c_str()));
    if (ns == nullptr || ldns_resolver_push_nameserver(r, ns.get()) != LDNS_STATUS_OK) {
      return absl::InvalidArgumentError(absl::StrCat("resolver ", FormatEndpoint(ep)));
    }
    ldns_resolver_set_port(r, ep.port);
    ldns_resolver_set_recursive(r, true);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ldns_resolver_set_timeout(r, tv);
    // One try per server: the next server is the retry, and the refresher
    // retries the whole refresh with backoff.
    ldns_resolver_set_retry(r, 1);
    ldns_resolver_set_fallback(r, true);  // truncated over UDP: ask again over TCP
    ldns_resolver_set_edns_udp_size(r, 1232);
    ldns_resolver_set_dnssec(r, false);
    ldns_resolver_set_defnames(r, false);
    ldns_resolver_set_dnsrch(r, false);
    ldns_resolver_set_random(r, false);
  }
  return dns;
}

absl::StatusOr<std::unique_ptr<spf::Dns>> LdnsDns::FromSettings(
    const config::ResolverSettings& settings) {
  std::vector<Endpoint> servers;
  for (const std::string& text : settings.servers) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(text);
    if (!ep.ok()) return ep.status();
    servers.push_back(*ep);
  }
  absl::StatusOr<std::unique_ptr<LdnsDns>> dns =
      Create(servers, std::chrono::milliseconds(settings.timeout_ms));
  if (!dns.ok()) return dns.status();
  return std::unique_ptr<spf::Dns>(std::move(*dns));
}

LdnsDns::~LdnsDns() {
  for (ldns_resolver* r : resolvers_) ldns_resolver_deep_free(r);
}

DnsAnswer LdnsDns::Query(absl::string_view name, uint16_t qtype) {
  auto type = static_cast<ldns_rr_type>(qtype);
  std::string absolute = absl::StrCat(absl::StripSuffix(name, "."), ".");
  ldns_rdf* raw = nullptr;
  if (ldns_str2rdf_dname(&raw, absolute.c_str()) != LDNS_STATUS_OK) {
    last_error_ = absl::StrCat("'", name, "' is not a domain name");
    return DnsAnswer{};
  }
  Rdf qname(raw);
  for (size_t i = 0; i < resolvers_.size(); ++i) {
    // ldns marks a server that did not answer as unreachable and skips it
    // from then on; a resolver that was down must be asked again.
    ldns_resolver_set_nameserver_rtt(resolvers_[i], 0, LDNS_RESOLV_RTT_MIN);
    ldns_pkt* query_raw = nullptr;
    if (ldns_resolver_prepare_query_pkt(&query_raw, resolvers_[i], qname.get(), type,
                                        LDNS_RR_CLASS_IN, LDNS_RD) != LDNS_STATUS_OK) {
      last_error_ = "cannot build a query";
      continue;
    }
    Pkt query(query_raw);
    ldns_pkt* reply_raw = nullptr;
    ldns_status status = ldns_resolver_send_pkt(&reply_raw, resolvers_[i], query.get());
    Pkt reply(reply_raw);
    if (status != LDNS_STATUS_OK || reply == nullptr) {
      last_error_ = absl::StrCat(names_[i], ": ", ldns_get_errorstr_by_id(status));
      continue;
    }
    if (ldns_pkt_id(reply.get()) != ldns_pkt_id(query.get()) ||
        !AnswersQuestion(reply.get(), qname.get(), type)) {
      last_error_ = absl::StrCat(names_[i], ": the reply does not answer the question");
      continue;
    }
    ldns_pkt_rcode rcode = ldns_pkt_get_rcode(reply.get());
    if (rcode == LDNS_RCODE_NXDOMAIN) {
      DnsAnswer a;
      a.outcome = DnsOutcome::kNxDomain;
      a.ttl = NegativeTtl(reply.get());
      return a;
    }
    if (rcode != LDNS_RCODE_NOERROR) {
      // SERVFAIL, REFUSED and the like: this server cannot say; try the next.
      last_error_ = absl::StrCat(names_[i], ": rcode ", static_cast<int>(rcode), " for ", name);
      continue;
    }
    DnsAnswer a = ReadAnswer(reply.get(), type);
    if (a.outcome == DnsOutcome::kTempError) {
      last_error_ = absl::StrCat(names_[i], ": a malformed record for ", name);
      continue;
    }
    return a;
  }
  return DnsAnswer{};
}

DnsAnswer LdnsDns::Txt(absl::string_view name) { return Query(name, LDNS_RR_TYPE_TXT); }
DnsAnswer LdnsDns::A(absl::string_view name) { return Query(name, LDNS_RR_TYPE_A); }
DnsAnswer LdnsDns::Aaaa(absl::string_view name) { return Query(name, LDNS_RR_TYPE_AAAA); }
DnsAnswer LdnsDns::Mx(absl::string_view name) { return Query(name, LDNS_RR_TYPE_MX); }
DnsAnswer LdnsDns::Ptr(absl::string_view name) { return Query(name, LDNS_RR_TYPE_PTR); }

}  // namespace dnsd::refresh
