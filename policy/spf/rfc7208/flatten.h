// Flattening a sending service's SPF include: the set of addresses for
// which a receiver's check_host() of that include gives "pass", as IP
// prefixes, so dnsd can answer for the service without sending receivers
// through the vendor's DNS (config/README.md, "Catalog refresh").
//
// Evaluated as a receiver would evaluate `v=spf1 include:<name> ...`
// (RFC 7208 §4.6, §5, §6): include and redirect are followed, a and mx
// resolved with their CIDR lengths, ip4 and ip6 taken as written; the first
// matching mechanism wins, so a non-pass mechanism hides the addresses it
// covers from later ones (`-ip4:192.0.2.1 ip4:192.0.2.0/24`); everything
// after `all` is unreachable and `redirect` applies only where nothing
// matched. The include itself counts as the first of the 10 DNS-querying
// terms; void look-ups (§4.6.4) are counted per address family, because a
// receiver asks for A records for an IPv4 client and AAAA for an IPv6 one.
//
// What cannot be flattened is refused with a reason rather than
// approximated: exists and ptr (their answer depends on the client), macros
// other than %{d} (they depend on the sender), and `+all`.
//
// Pure: its only input is the Dns it is given. Not thread-safe per call
// (the Dns is used by one thread), but calls share nothing.
#ifndef DNSD_POLICY_SPF_RFC7208_FLATTEN_H_
#define DNSD_POLICY_SPF_RFC7208_FLATTEN_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/rfc7208/dns.h"

namespace dnsd::spf {

struct FlattenLimits {
  int max_lookups = 10;          // DNS-querying terms (§4.6.4)
  int max_void_lookups = 2;      // per address family (§4.6.4)
  size_t max_mx_records = 10;    // an mx with more is a permerror (§4.6.4)
  size_t max_prefixes = 10000;   // dnsd's own bound on what it will hold
};

struct FlattenResult {
  // OK, or why there are no ranges:
  //   kUnavailable        a look-up failed or timed out (temperror): try later
  //   kInvalidArgument    permerror: a syntax error, no or two SPF records, ...
  //   kResourceExhausted  a limit of FlattenLimits was exceeded
  //   kFailedPrecondition an include or redirect loop
  //   kUnimplemented      a term that cannot be flattened
  //   kNotFound           no address passes
  absl::Status status;
  std::vector<IpPrefix> prefixes;  // OK only: sorted, IPv4 first, minimal
  // The smallest TTL of every answer used, negative ones included; the
  // result is good for that long. Set on failure too (as far as it got).
  uint32_t min_ttl = std::numeric_limits<uint32_t>::max();
  int lookups = 0;       // DNS-querying terms, the include counted
  int void_lookups = 0;  // the larger of the two families' counts
};

// `include` is the sender's include name (lower case, no trailing dot).
FlattenResult Flatten(Dns& dns, absl::string_view include, const FlattenLimits& limits = {});

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_FLATTEN_H_
