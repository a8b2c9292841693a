// The query name a receiver sends for a client: the template's macros
// expanded as RFC 7208 §7.3 says (%{i} as dotted IPv4 or 32 IPv6 nibbles,
// %{ir} reversed, %{v} "in-addr" or "ip6", %{h} and %{d} as given), under
// the SPF zone, cut from the left to 253 octets. For `dnsd explain` and
// tests; not on the query path.
#ifndef DNSD_POLICY_SPF_EXPAND_H_
#define DNSD_POLICY_SPF_EXPAND_H_

#include <string>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/template.h"

namespace dnsd::spf {

// `ip_as_v6`: expand an IPv4-mapped address as IPv6 nibbles, as a receiver
// does whose client connected over IPv6. Returns presentation text without
// a trailing dot.
std::string ExpandQueryName(const Template& tmpl, const IpAddress& ip, bool ip_as_v6,
                            absl::string_view helo, absl::string_view domain,
                            absl::string_view zone);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_EXPAND_H_
