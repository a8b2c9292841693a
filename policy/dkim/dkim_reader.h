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
// the normalised domain, or "" when it was invalid. Keys' records go to
// `heap` (KeyHeap::kRead for a domain that will not serve them).
std::vector<DkimSelector> ReadDkimSection(YamlReader& reader, const Value& value,
                                          absl::string_view domain, KeyHeap heap);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_READER_H_
