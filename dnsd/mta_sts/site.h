// The MTA-STS policy host's routes (RFC 8461 §3.3), as a pure function of
// the snapshot's policy table and one request, for dnsd's HTTP server
// (dnsd/http/server.h); dnsd/mta_sts/policy_service.h wires it up.
//
//   GET|HEAD /.well-known/mta-sts.txt, Host mta-sts.<d>  200, the policy
//            (text/plain, CRLF lines); unknown host: 404; other methods: 405
//   GET|HEAD /tls-ask?domain=mta-sts.<d>  200 when <d> has a policy, else
//            404: Caddy's on_demand_tls `ask`, so certificates are
//            requested only for names dnsd serves
//   anything else                         404
//
// Never a redirect: §3.3 says senders must not follow one.
#ifndef DNSD_MTA_STS_SITE_H_
#define DNSD_MTA_STS_SITE_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "dnsd/http/request.h"
#include "dnsd/http/response.h"
#include "policy/mta_sts/policy_table.h"

namespace dnsd::mta_sts {

inline constexpr absl::string_view kPolicyPath = "/.well-known/mta-sts.txt";
inline constexpr absl::string_view kAskPath = "/tls-ask";

// Counted by the HTTP server's one thread; read by the metrics scrape
// (dnsd/metrics/mta_sts_collector.h).
struct SiteStats {
  // dnsd_mta_sts_http_requests_total{result}
  std::atomic<uint64_t> policy{0};      // a policy served
  std::atomic<uint64_t> not_found{0};   // no such host or path
  std::atomic<uint64_t> bad_method{0};  // 405
  std::atomic<uint64_t> tls_ask{0};     // the ask endpoint, either way
  // dnsd_mta_sts_tls_ask_total{decision}
  std::atomic<uint64_t> ask_allow{0};
  std::atomic<uint64_t> ask_deny{0};
};

// The policy domain a name of the policy host stands for: "mta-sts.<d>"
// in any letter case, with or without a trailing dot, and (for a Host
// field) a ":port", which is ignored. "example.com" for
// "MTA-STS.Example.COM.:443"; nullopt for any other name.
std::optional<std::string> PolicyDomainOf(absl::string_view host);

// Whether Caddy may get a certificate for the name in `query`'s `domain`
// parameter (%-encoding decoded): only mta-sts.<d> for a <d> with a policy.
bool AskAllows(const PolicyTable& table, absl::string_view query);

http::Response Handle(const PolicyTable& table, const http::Request& request, SiteStats& stats);

}  // namespace dnsd::mta_sts

#endif  // DNSD_MTA_STS_SITE_H_
