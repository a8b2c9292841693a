#include "policy/spf/query_name.h"

#include <cstring>
#include <string>

namespace dnsd::spf {
namespace {

constexpr int kV4Labels = 4;
constexpr int kV6Labels = 32;

// A canonical decimal octet, as %{i} writes it: "0".."255", no leading zero.
bool ParseOctet(absl::string_view s, uint8_t* out) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > 255) return false;
  *out = static_cast<uint8_t>(v);
  return true;
}

bool ParseNibble(absl::string_view s, uint8_t* out) {
  if (s.size() != 1) return false;
  char c = s[0];
  if (c >= '0' && c <= '9') *out = static_cast<uint8_t>(c - '0');
  else if (c >= 'a' && c <= 'f') *out = static_cast<uint8_t>(c - 'a' + 10);
  else return false;
  return true;
}

class Matcher {
 public:
  Matcher(const Template& t, const NameLabels& l, bool may_truncate,
          absl::FunctionRef<void(const MacroName&)> visit)
      : t_(t), l_(l), may_truncate_(may_truncate), visit_(visit) {}

  void Run() { Walk(static_cast<int>(t_.segments.size()) - 1, l_.count); }

 private:
  // Matches segments [0, seg] against labels [0, end), right to left.
  void Walk(int seg, int end) {
    if (end == 0) {
      if (seg < 0 || may_truncate_) Emit(seg < 0);
      return;
    }
    if (seg < 0) return;  // labels left over: not this template
    const Segment& s = t_.segments[seg];
    switch (s.kind) {
      case SegmentKind::kLiteral:
        if (LabelIs(end - 1, s.literal)) Walk(seg - 1, end - 1);
        return;
      case SegmentKind::kVersion:
        if (l_.label(end - 1) == "in-addr" || l_.label(end - 1) == "ip6") Walk(seg - 1, end - 1);
        return;
      case SegmentKind::kIp:
      case SegmentKind::kIpReversed:
        WalkIp(seg, end, s.kind == SegmentKind::kIpReversed);
        return;
      case SegmentKind::kHelo:
      case SegmentKind::kDomain:
        WalkVariable(seg, end, s.kind == SegmentKind::kHelo);
        return;
    }
  }

  void WalkIp(int seg, int end, bool reversed) {
    bool cut_reported = false;  // "part of an IP" is one reading, whatever the family
    for (int n : {kV4Labels, kV6Labels}) {
      if (end >= n) {
        if (ReadIp(end - n, n, reversed, &cur_.ip)) {
          cur_.ip_known = true;
          cur_.ip_as_nibbles = n == kV6Labels;
          Walk(seg - 1, end - n);
          cur_.ip_known = false;
          cur_.ip_as_nibbles = false;
        }
      } else if (may_truncate_ && !cut_reported && AllValid(end, n == kV4Labels)) {
        cur_.ip_cut = true;  // part of the IP was cut away
        Emit(false);
        cur_.ip_cut = false;
        cut_reported = true;
      }
    }
  }

  void WalkVariable(int seg, int end, bool helo) {
    bool& known = helo ? cur_.helo_known : cur_.domain_known;
    LabelRange& range = helo ? cur_.helo : cur_.domain;
    LabelRange saved = range;
    // A literal left of this part ("_ehlo" before %{d}) must sit on the
    // label right before it: try only the lengths that put it there (and
    // the one reaching the left edge) instead of a walk per length, which
    // made a 40-label IPv6 name cost 80 walks.
    const std::string* literal =
        seg > 0 && t_.segments[seg - 1].kind == SegmentKind::kLiteral
            ? &t_.segments[seg - 1].literal
            : nullptr;
    for (int len = 1; len <= end; ++len) {
      int rest = end - len;
      if (literal != nullptr && rest > 0 && !LabelIs(rest - 1, *literal)) continue;
      range = {static_cast<uint8_t>(end - len), static_cast<uint8_t>(end)};
      // Reaching the left edge with segments still to match means the cut
      // may have gone through this part too: it is not known whole.
      known = !(len == end && seg > 0);
      Walk(seg - 1, end - len);
    }
    known = false;
    range = saved;
  }

  // label(i) == text, the length octet compared first.
  bool LabelIs(int i, const std::string& text) const {
    const uint8_t* p = l_.name->data + l_.name->label_offsets[i];
    return *p == text.size() && std::memcmp(p + 1, text.data(), text.size()) == 0;
  }

  bool ReadIp(int first, int n, bool reversed, IpAddress* ip) {
    uint8_t bytes[16];
    for (int i = 0; i < n; ++i) {
      int at = reversed ? first + n - 1 - i : first + i;
      uint8_t v;
      if (n == kV4Labels) {
        if (!ParseOctet(l_.label(at), &v)) return false;
        bytes[i] = v;
      } else {
        if (!ParseNibble(l_.label(at), &v)) return false;
        if (i % 2 == 0) bytes[i / 2] = static_cast<uint8_t>(v << 4);
        else bytes[i / 2] |= v;
      }
    }
    *ip = n == kV4Labels ? IpAddress::FromV4(bytes) : IpAddress{};
    if (n == kV6Labels) std::copy(bytes, bytes + 16, ip->bytes.begin());
    return true;
  }

  bool AllValid(int end, bool v4) {
    for (int i = 0; i < end; ++i) {
      uint8_t v;
      if (v4 ? !ParseOctet(l_.label(i), &v) : !ParseNibble(l_.label(i), &v)) return false;
    }
    return true;
  }

  void Emit(bool complete) {
    MacroName out = cur_;
    out.complete = complete;
    visit_(out);
  }

  const Template& t_;
  const NameLabels& l_;
  bool may_truncate_;
  absl::FunctionRef<void(const MacroName&)> visit_;
  MacroName cur_;
};

}  // namespace

bool MayBeTruncated(const wire::Name& name) {
  // Text length is wire length - 2; a cut removed at least a 1-octet label
  // and its dot from a name over 253 octets, and labels are at most 63.
  return name.size >= 2 && name.size - 2 >= 253 - 63;
}

void MatchQueryName(const Template& tmpl, const NameLabels& labels,
                    absl::FunctionRef<void(const MacroName&)> visit) {
  Matcher(tmpl, labels, MayBeTruncated(*labels.name), visit).Run();
}

}  // namespace dnsd::spf
