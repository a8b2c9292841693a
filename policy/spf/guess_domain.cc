#include "policy/spf/guess_domain.h"

#include <cstring>

namespace dnsd::spf {

void GuessDomain(const MacroZone& p, const wire::Name& name, DomainGuess* guess) {
  guess->range = {};
  const std::vector<Segment>& segments = p.tmpl.segments;
  size_t n = segments.size();
  if (n < 2 || segments[n - 1].kind != SegmentKind::kDomain ||
      segments[n - 2].kind != SegmentKind::kLiteral) {
    return;
  }
  const std::string& literal = segments[n - 2].literal;
  int below_zone = name.label_count - p.zone_labels;
  NameLabels labels{&name, below_zone};
  // The last literal label; the domain has at least one label after it.
  for (int i = below_zone - 2; i >= 0; --i) {
    if (labels.label(i) != literal) continue;
    size_t begin = name.label_offsets[i + 1];
    size_t end = name.label_offsets[below_zone];
    size_t size = end - begin;
    if (size + 1 > sizeof(guess->wire)) return;
    std::memcpy(guess->wire, name.data + begin, size);
    guess->wire[size] = '\0';
    guess->size = static_cast<uint8_t>(size + 1);
    guess->range = {static_cast<uint8_t>(i + 1), static_cast<uint8_t>(below_zone)};
    guess->hash = MacroZone::DomainMap::Hash(absl::string_view(guess->wire, guess->size)).hash;
    return;
  }
}

}  // namespace dnsd::spf
