// The DNS that an SPF evaluation sees (RFC 7208 §4.4, §5, §4.6.4): the only
// question types check_host() asks, and the three ways an answer can go.
//
// The evaluator (policy/spf/rfc7208/check_host.h) and the catalog refresher are
// written against this interface; behind it sit a mock of a test suite's
// zone data, dnsd's own snapshot (for `dnsd explain`), or a real resolver
// (ldns) in the background refresher. Never used on the query path.
#ifndef DNSD_POLICY_SPF_RFC7208_DNS_H_
#define DNSD_POLICY_SPF_RFC7208_DNS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

enum class DnsOutcome {
  kOk,         // NOERROR with at least one record of the type asked
  kNoData,     // NOERROR, no record of that type: a "void" answer (§4.6.4)
  kNxDomain,   // the name does not exist: also void
  kTempError,  // timeout, SERVFAIL, or any other failure: temperror (§2.6.6)
};

struct MxRecord {
  uint16_t preference = 0;
  std::string exchange;  // lower case, no trailing dot
};

// One answer. Only the member for the type asked is filled. `ttl` is the
// smallest TTL among the records (0 for negative answers unless the source
// knows the SOA minimum); the refresher schedules on it.
struct DnsAnswer {
  DnsOutcome outcome = DnsOutcome::kTempError;
  uint32_t ttl = 0;
  std::vector<std::string> txt;      // one entry per TXT RR, strings joined
  std::vector<IpAddress> addresses;  // A (as IPv4-mapped) or AAAA
  std::vector<MxRecord> mx;
  std::vector<std::string> ptr;      // lower case, no trailing dot
};

// A source of DNS answers. Names are passed as text, without a trailing dot,
// in whatever case the evaluator produced them. Implementations must not
// throw; a failure is kTempError.
class Dns {
 public:
  virtual ~Dns() = default;
  virtual DnsAnswer Txt(absl::string_view name) = 0;
  virtual DnsAnswer A(absl::string_view name) = 0;     // addresses, IPv4
  virtual DnsAnswer Aaaa(absl::string_view name) = 0;  // addresses, IPv6
  virtual DnsAnswer Mx(absl::string_view name) = 0;
  virtual DnsAnswer Ptr(absl::string_view name) = 0;   // name is in-addr/ip6.arpa
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_DNS_H_
