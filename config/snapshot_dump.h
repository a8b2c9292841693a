// A snapshot as text, to compare two snapshots byte for byte in tests:
// a compile from scratch against one assembled from reused domains
// (CompileCacheTest) or linked from a compiled image (CompiledImageTest).
#ifndef DNSD_CONFIG_SNAPSHOT_DUMP_H_
#define DNSD_CONFIG_SNAPSHOT_DUMP_H_

#include <string>

#include "config/snapshot.h"

namespace dnsd::config::testing {

// Everything a snapshot answers from, in a canonical order: every node with
// its zone, serial and records, every domain's SPF policy, every sender and
// MTA-STS policy, and the digest.
std::string Dump(const Snapshot& s);

}  // namespace dnsd::config::testing

#endif  // DNSD_CONFIG_SNAPSHOT_DUMP_H_
