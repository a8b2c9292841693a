#include "policy/spf/template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dnsd::spf {
namespace {

absl::StatusOr<Segment> ParsePart(absl::string_view part, absl::string_view text) {
  if (part.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("template '", text, "' has an empty label"));
  }
  if (part.find('%') == absl::string_view::npos) {
    return Segment{SegmentKind::kLiteral, absl::AsciiStrToLower(part)};
  }
  static constexpr struct {
    absl::string_view macro;
    SegmentKind kind;
  } kMacros[] = {
      {"%{i}", SegmentKind::kIp},      {"%{ir}", SegmentKind::kIpReversed},
      {"%{v}", SegmentKind::kVersion}, {"%{h}", SegmentKind::kHelo},
      {"%{d}", SegmentKind::kDomain},
  };
  for (const auto& m : kMacros) {
    if (part == m.macro) return Segment{m.kind, ""};
    // RFC 7208 §7.3: an upper-case macro letter is URL-escaped, which the
    // server could not undo to find the parts again.
    if (absl::EqualsIgnoreCase(part, m.macro)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "template '", text, "': '", part, "' would be URL-escaped; write it in lower case"));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "template '", text, "': '", part,
      "' is not one of %{i}, %{ir}, %{v}, %{h}, %{d} or a plain label"));
}

}  // namespace

absl::StatusOr<Template> ParseTemplate(absl::string_view text) {
  Template t;
  t.text = std::string(text);
  for (absl::string_view part : absl::StrSplit(text, '.')) {
    auto segment = ParsePart(part, text);
    if (!segment.ok()) return segment.status();
    switch (segment->kind) {
      case SegmentKind::kIp:
      case SegmentKind::kIpReversed:
        if (t.has_ip) return absl::InvalidArgumentError("template names the IP twice");
        t.has_ip = true;
        break;
      case SegmentKind::kHelo:
        if (t.has_helo) return absl::InvalidArgumentError("template names %{h} twice");
        t.has_helo = true;
        break;
      case SegmentKind::kDomain:
        if (t.has_domain) return absl::InvalidArgumentError("template names %{d} twice");
        t.has_domain = true;
        break;
      default:
        break;
    }
    t.segments.push_back(std::move(*segment));
  }
  if (!t.has_domain) {
    return absl::InvalidArgumentError(absl::StrCat("template '", text, "' lacks %{d}"));
  }
  // Two variable-length parts side by side could not be told apart.
  for (size_t i = 1; i < t.segments.size(); ++i) {
    auto variable = [](SegmentKind k) {
      return k == SegmentKind::kHelo || k == SegmentKind::kDomain;
    };
    if (variable(t.segments[i].kind) && variable(t.segments[i - 1].kind)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "template '", text, "': %{h} and %{d} need a literal label between them"));
    }
  }
  return t;
}

}  // namespace dnsd::spf
