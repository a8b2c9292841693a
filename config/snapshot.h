// An immutable, compiled configuration: everything the query path reads.
//
// Built by CompileSnapshot() on the control plane, then never modified, so
// any number of workers can read one without locks. A reload builds a new
// Snapshot and publishes it; the old one lives until no worker can see it.
#ifndef DNSD_CONFIG_SNAPSHOT_H_
#define DNSD_CONFIG_SNAPSHOT_H_

#include <cstdint>

#include "dnsd/zone/zone_table.h"

namespace dnsd::config {

struct Snapshot {
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;  // zones point into `common`
  Snapshot& operator=(const Snapshot&) = delete;

  uint64_t generation = 0;   // increases with every published snapshot
  uint16_t udp_payload = 1232;
  ZoneCommon common;
  ZoneTable zones;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SNAPSHOT_H_
