#include "policy/spf/helo_index.h"

#include "absl/strings/match.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::spf {

absl::Status HeloIndex::Add(absl::string_view pattern, uint32_t id) {
  bool wildcard = absl::StartsWith(pattern, "*.");
  if (wildcard) pattern.remove_prefix(2);
  auto wire_name = wire::NameFromText(pattern);
  if (!wire_name.ok()) return wire_name.status();
  wire_name->pop_back();  // the root label: HELOs inside query names have none
  Entry& e = map_[*wire_name];
  (wildcard ? e.below : e.exact).push_back(id);
  return absl::OkStatus();
}

}  // namespace dnsd::spf
