// Reading the `dmarc:` section of a domain file (policy/dmarc/dmarc_section.h).
// Thread-compatible.
#ifndef DNSD_POLICY_DMARC_DMARC_READER_H_
#define DNSD_POLICY_DMARC_DMARC_READER_H_

#include <optional>

#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// dmarc: the RFC 9989 tags, RFC 7489's historic ones (each a warning) and
// `rfc7489_tags`. `mode` is the domain's mode, or nullopt when it was itself
// invalid (then the mode-dependent checks are skipped).
DmarcPolicy ReadDmarcSection(YamlReader& reader, const Value& value, std::optional<Mode> mode);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_READER_H_
