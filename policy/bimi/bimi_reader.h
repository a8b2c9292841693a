// Reading the `bimi:` section of a domain file (policy/bimi/bimi_section.h).
// Thread-compatible.
#ifndef DNSD_POLICY_BIMI_BIMI_READER_H_
#define DNSD_POLICY_BIMI_BIMI_READER_H_

#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// bimi: selector -> {l: URL, a: URL}, each URL checked (bimi_record.h);
// sorted by selector.
BimiSection ReadBimiSection(YamlReader& reader, const Value& value);

// Receivers show a logo only for mail whose domain is at DMARC enforcement
// (p=quarantine or reject, no pct below 100, no sp=none), so a BIMI record
// anywhere else is refused with the reason, at `at`.
void CheckBimiNeedsEnforcement(YamlReader& reader, const Value& at, const DmarcPolicy& dmarc);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_BIMI_BIMI_READER_H_
