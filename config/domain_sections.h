// The spf, dmarc and dkim sections of a domain file (internal to
// LoadDomainFile; see loader.h).
//
// Each reader fills what it can and records every problem on the reader, so
// a domain file with errors in all three sections reports all of them.
#ifndef DNSD_CONFIG_DOMAIN_SECTIONS_H_
#define DNSD_CONFIG_DOMAIN_SECTIONS_H_

#include <optional>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// Where the spf section's parts are, for the checks that need the whole
// domain (config/spf_budget.h, CheckSenderIds). `senders` and `terms` are
// parallel to the SpfSection's lists (entries with errors are left out of both).
struct SpfPositions {
  SourcePos section;
  std::vector<SourcePos> senders;
  std::vector<SourcePos> terms;
  std::optional<SourcePos> published_lookups;
};

// spf: senders, netblocks, terms, all, published_lookups. Each term is
// checked as rule 6 will use it (spf::CompileTerm). Sender ids are not
// looked up here: that is CheckSenderIds's, against the catalog of the day.
SpfSection ReadSpfSection(YamlReader& reader, const Value& value, SpfPositions* positions);

// Every sender id of `spf` must be in `catalog`; an unknown one is reported
// at its position, with the nearest known id.
void CheckSenderIds(YamlReader& reader, const SpfSection& spf, const SpfPositions& positions,
                    const Catalog& catalog);

// dmarc: the RFC 7489 tags. `mode` is the domain's mode, or nullopt when it
// was itself invalid (then the mode-dependent checks are skipped).
DmarcPolicy ReadDmarcSection(YamlReader& reader, const Value& value,
                             std::optional<Mode> mode);

// dkim: selector -> key, CNAME or revoked; sorted by selector. `domain` is
// the normalised domain, or "" when it was invalid.
std::vector<DkimSelector> ReadDkimSection(YamlReader& reader,
                                          const Value& value,
                                          absl::string_view domain);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_SECTIONS_H_
