#include "policy/spf/expand.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dnsd::spf {
namespace {

std::vector<std::string> IpLabels(const IpAddress& ip, bool as_v6) {
  std::vector<std::string> labels;
  if (ip.is_v4() && !as_v6) {
    for (int i = 0; i < 4; ++i) labels.push_back(absl::StrCat(ip.v4()[i]));
  } else {
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint8_t b : ip.bytes) {
      labels.emplace_back(1, kHex[b >> 4]);
      labels.emplace_back(1, kHex[b & 0xF]);
    }
  }
  return labels;
}

}  // namespace

std::string ExpandQueryName(const Template& tmpl, const IpAddress& ip, bool ip_as_v6,
                            absl::string_view helo, absl::string_view domain,
                            absl::string_view zone) {
  std::vector<std::string> parts;
  for (const Segment& s : tmpl.segments) {
    switch (s.kind) {
      case SegmentKind::kLiteral: parts.push_back(s.literal); break;
      case SegmentKind::kIp: parts.push_back(absl::StrJoin(IpLabels(ip, ip_as_v6), ".")); break;
      case SegmentKind::kIpReversed: {
        std::vector<std::string> labels = IpLabels(ip, ip_as_v6);
        std::reverse(labels.begin(), labels.end());
        parts.push_back(absl::StrJoin(labels, "."));
        break;
      }
      case SegmentKind::kVersion:
        parts.push_back(ip.is_v4() && !ip_as_v6 ? "in-addr" : "ip6");
        break;
      case SegmentKind::kHelo: parts.push_back(std::string(helo)); break;
      case SegmentKind::kDomain: parts.push_back(std::string(domain)); break;
    }
  }
  parts.push_back(std::string(zone));
  std::string name = absl::StrJoin(parts, ".");
  // RFC 7208 §7.3: drop labels from the left until 253 octets or fewer.
  while (name.size() > 253) {
    size_t dot = name.find('.');
    if (dot == std::string::npos) break;
    name.erase(0, dot + 1);
  }
  return name;
}

}  // namespace dnsd::spf
