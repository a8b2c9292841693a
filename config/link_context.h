// What a family's Link and LinkPart steps work with: the snapshot being
// assembled and the builder that holds its provider zones.
//
// Control plane only; one per compile.
#ifndef DNSD_CONFIG_LINK_CONTEXT_H_
#define DNSD_CONFIG_LINK_CONTEXT_H_

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
  const SenderNumbers& senders;      // what the domains were compiled with
  const RefreshedRanges* refreshed;  // may be null
  ZoneBuilder& builder;
  Snapshot& snapshot;
  std::vector<Diagnostic>& errors;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_LINK_CONTEXT_H_
