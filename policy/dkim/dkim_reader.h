// Reading the `dkim:` section of a domain file (policy/dkim/dkim_section.h).
// Thread-compatible.
#ifndef DNSD_POLICY_DKIM_DKIM_READER_H_
#define DNSD_POLICY_DKIM_DKIM_READER_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// dkim: selector -> key, CNAME or revoked; sorted by selector. `domain` is
// the normalised domain, or "" when it was invalid.
std::vector<DkimSelector> ReadDkimSection(YamlReader& reader, const Value& value,
                                          absl::string_view domain);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_READER_H_
