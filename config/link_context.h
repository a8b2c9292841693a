// What a family's Link step works with: the snapshot being assembled, every
// compiled domain, and the provider zones created for this snapshot.
//
// Control plane only; one per compile.
#ifndef DNSD_CONFIG_LINK_CONTEXT_H_
#define DNSD_CONFIG_LINK_CONTEXT_H_

#include <array>
#include <memory>
#include <vector>

#include "config/compiled_domain.h"
#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot.h"
#include "config/zone_builder.h"
#include "config/zone_kinds.h"

namespace dnsd::config {

struct LinkContext {
  const ConfigSet& config;
  // config.domains compiled, in the same order.
  const std::vector<std::shared_ptr<const CompiledDomain>>& domains;
  const RefreshedRanges* refreshed;  // may be null
  ZoneBuilder& builder;
  Snapshot& snapshot;
  std::vector<Diagnostic>& errors;
  // The provider zone of each kind, or null when none was created.
  std::array<Zone*, kZoneKindCount> provider_zones{};
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_LINK_CONTEXT_H_
