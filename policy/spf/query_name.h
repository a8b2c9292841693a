// Splits an SPF query name back into the macros a receiver expanded.
//
// "1.2.3.4._ip.mail.example.net._ehlo.example.com" under the SPF zone is
// (ip 1.2.3.4, helo mail.example.net, domain example.com) for the default
// template. Receivers cut names over 253 octets from the left (RFC 7208
// §7.3), so the IP or the HELO may be missing or partial; a HELO may hold
// labels that look like the template's own ("_ip", "_ehlo"). The matcher
// reports every way the labels fit the template and lets the caller pick
// (the caller knows which domains exist). No allocation, no I/O.
#ifndef DNSD_POLICY_SPF_QUERY_NAME_H_
#define DNSD_POLICY_SPF_QUERY_NAME_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/template.h"

namespace dnsd::spf {

// Labels [begin, end) of the query name, left to right.
struct LabelRange {
  uint8_t begin = 0;
  uint8_t end = 0;
  bool empty() const { return begin == end; }
};

struct MacroName {
  bool complete = false;     // no label was cut away
  bool ip_known = false;
  IpAddress ip;              // IPv4 in mapped form (IpAddress::is_v4)
  bool ip_as_nibbles = false;  // written as 32 IPv6 nibbles
  bool ip_cut = false;       // the cut went through the IP: some of its labels remain
  bool helo_known = false;   // the whole HELO is present
  LabelRange helo;
  bool domain_known = false;
  LabelRange domain;
};

// The query name's labels that lie below the SPF zone: [0, count).
struct NameLabels {
  const wire::Name* name;  // lower case
  int count;
  absl::string_view label(int i) const {
    const uint8_t* p = name->data + name->label_offsets[i];
    return {reinterpret_cast<const char*>(p + 1), *p};
  }
  // Wire form of labels [r.begin, count) plus the zone: the domain as a
  // name when r is a domain range that ends at the zone.
  absl::string_view Tail(LabelRange r) const { return name->Suffix(r.begin); }
};

// True if a receiver could have produced `name` by cutting a longer one
// (RFC 7208 §7.3: only names of 190 octets or more can be the result).
bool MayBeTruncated(const wire::Name& name);

// Calls `visit` for every way `labels` fit `tmpl`, complete ones and, if
// the name may be truncated, those with segments cut off on the left.
void MatchQueryName(const Template& tmpl, const NameLabels& labels,
                    absl::FunctionRef<void(const MacroName&)> visit);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_QUERY_NAME_H_
