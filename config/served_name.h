// A check every family that serves names under a provider zone needs: the
// name it will serve for a domain must exist in the DNS (at most 253
// characters in text form, RFC 1035 §2.3.4). Thread-compatible.
#ifndef DNSD_CONFIG_SERVED_NAME_H_
#define DNSD_CONFIG_SERVED_NAME_H_

#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

// Reports at the `domain:` value when `<domain>.<suffix>` is too long;
// `what` names it in the message ("DMARC CNAME target").
void CheckServedName(YamlReader& r, const DomainConfig& d, absl::string_view suffix,
                     absl::string_view what);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SERVED_NAME_H_
