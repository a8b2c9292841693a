// Addresses and prefixes as SPF text, written into a caller's buffer
// without allocating: the answers written per query (spf_answer.cc,
// nspf_chain.cc) use them. The text is glibc inet_ntop's, octet for octet
// (RFC 5952, with dotted IPv4 after ::, ::ffff:), which is what dnsd served
// before and what receivers compare as text.
#ifndef DNSD_POLICY_SPF_IP_TEXT_H_
#define DNSD_POLICY_SPF_IP_TEXT_H_

#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

// The longest a term of AppendPrefixTerm can be: "ip6:" plus the longest
// IPv6 text (45 octets) plus "/128".
inline constexpr size_t kMaxPrefixTerm = 4 + 45 + 4;

// Appends `text` at `out`; returns the end of what it wrote.
char* AppendText(char* out, absl::string_view text);
// 0 to 999 in decimal.
char* AppendDecimal(char* out, unsigned v);
// The address in `v4` form (the last four octets, dotted) or as IPv6.
char* AppendIp(char* out, const IpAddress& ip, bool v4);
// "ip4:203.0.113.0/24" or "ip6:2001:db8::/32", the text FormatIpPrefix
// gives after its "ip4:"/"ip6:".
char* AppendPrefixTerm(char* out, const IpPrefix& prefix);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_IP_TEXT_H_
