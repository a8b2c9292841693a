// Reading the `spf:` section of a domain file (policy/spf/spf_section.h).
//
// The reader fills what it can and records every problem on the reader, so
// one run of `dnsd check` lists all of them. Thread-compatible.
#ifndef DNSD_POLICY_SPF_SPF_READER_H_
#define DNSD_POLICY_SPF_SPF_READER_H_

#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// spf: senders, netblocks, terms, all, published_lookups, with where each
// is. Each term is checked as the terms answer will use it
// (spf::CompileTerm). Sender ids are not looked up here: that is
// CheckSenderIds's, against the catalog of the day.
SpfSection ReadSpfSection(YamlReader& reader, const Value& value);

// Every sender id of `spf` must be in `catalog`; an unknown one is reported
// at its position, with the nearest known id.
void CheckSenderIds(YamlReader& reader, const SpfSection& spf, const Catalog& catalog);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_SPF_READER_H_
