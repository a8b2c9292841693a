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

// A domain that asks for the CNAME variant (`<family>_delegation: cname`)
// needs the provider zone that holds the targets (`zone_key`, a key of
// ProviderSettings::family_zones); without it only NS delegation is served,
// and `dnsd records` would tell the customer to publish NS.
void CheckCnameVariant(YamlReader& r, const DomainConfig& d, Delegation delegation,
                       absl::string_view family, absl::string_view zone_key,
                       const ProviderSettings& provider);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SERVED_NAME_H_
