// Readers for the value types several configuration files share: domain
// names and IP prefixes, alone or in lists.
//
// They sit on top of YamlReader: a bad value is recorded as a diagnostic at
// its own line:column and left out of the result, so the caller can go on.
#ifndef DNSD_CONFIG_FIELD_READERS_H_
#define DNSD_CONFIG_FIELD_READERS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/delegation.h"
#include "config/yaml_reader.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::config {

// A domain name, normalised (config/names.h).
std::optional<std::string> ReadDomainName(YamlReader& reader,
                                          const Value& value);

// A list of domain names, normalised; a name listed twice is an error.
std::vector<std::string> ReadDomainNameList(YamlReader& reader,
                                            const Value& value);

enum class Family { kAny, kV4, kV6 };

// A list of IP prefixes (dnsd/protocol/net/ip.h). With kV4 or kV6 every entry must be
// written in that family. A prefix listed twice is an error.
std::vector<IpPrefix> ReadPrefixList(YamlReader& reader, const Value& value,
                                     Family family);

// A path, relative ones resolved against the folder of the file being read.
std::optional<std::string> ReadPath(YamlReader& reader, const Value& value);

// A domain file's `<family>_delegation: ns | cname` key, if it has it.
std::optional<Delegation> ReadDelegation(YamlReader& reader, const Fields& top,
                                         absl::string_view key);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_FIELD_READERS_H_
