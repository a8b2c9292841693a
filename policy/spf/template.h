// The SPF query-name template, e.g. "%{i}._ip.%{h}._ehlo.%{d}".
//
// The provider's customers publish `include:<template>.<spf zone>`; a
// receiver expands the macros (RFC 7208 §7) and queries the result. This
// file turns the template text into segments, once, at load time; the
// matcher (query_name.h) walks them for every query.
#ifndef DNSD_POLICY_SPF_TEMPLATE_H_
#define DNSD_POLICY_SPF_TEMPLATE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dnsd::spf {

enum class SegmentKind : uint8_t {
  kLiteral,   // one fixed label, e.g. "_ip"
  kIp,        // %{i}: 4 decimal labels (IPv4) or 32 nibble labels (IPv6)
  kIpReversed,// %{ir}
  kVersion,   // %{v}: "in-addr" or "ip6"
  kHelo,      // %{h}: one or more labels
  kDomain,    // %{d}: one or more labels
};

struct Segment {
  SegmentKind kind;
  std::string literal;  // kLiteral only, lower case
};

struct Template {
  std::string text;
  std::vector<Segment> segments;  // left to right
  bool has_ip = false, has_helo = false, has_domain = false;
};

// Parses a template. Each dot-separated part is either a literal label or
// exactly one macro of `i`, `ir`, `v`, `h`, `d` (no digit transformers
// other than `r`, no delimiters: the server must be able to split the
// expanded name back into its parts). `%{d}` is required.
absl::StatusOr<Template> ParseTemplate(absl::string_view text);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_TEMPLATE_H_
