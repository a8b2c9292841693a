#include "config/field_readers.h"

#include <filesystem>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "config/names.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

// How the text is written decides the family, as in ParseIpPrefix:
// "::ffff:192.0.2.0/120" is an IPv6 prefix even though it maps IPv4.
absl::Status CheckFamily(absl::string_view text, Family family) {
  bool v6 = text.find(':') != absl::string_view::npos;
  if (family == Family::kV4 && v6) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is IPv6; put it under ip6"));
  }
  if (family == Family::kV6 && !v6) {
    return absl::InvalidArgumentError(
        absl::StrCat(Quoted(text), " is IPv4; put it under ip4"));
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<std::string> ReadDomainName(YamlReader& reader,
                                          const Value& value) {
  std::optional<std::string> text = reader.String(value);
  if (!text) return std::nullopt;
  absl::StatusOr<std::string> name = NormalizeDomainName(*text);
  if (!name.ok()) {
    reader.ValueError(value, name.status().message());
    return std::nullopt;
  }
  return *std::move(name);
}

std::vector<std::string> ReadDomainNameList(YamlReader& reader,
                                            const Value& value) {
  std::vector<std::string> names;
  std::optional<std::vector<Value>> items = reader.List(value);
  if (!items) return names;
  names.reserve(items->size());  // kept with the domain: no spare capacity
  // Lists can be long (a file may be 16 MiB): a hash set, not a search of
  // everything before each item.
  absl::flat_hash_set<std::string> seen;
  for (const Value& item : *items) {
    std::optional<std::string> name = ReadDomainName(reader, item);
    if (!name) continue;
    if (!seen.insert(*name).second) {
      reader.ValueError(item, absl::StrCat(Quoted(*name), " is listed twice"));
      continue;
    }
    names.push_back(*std::move(name));
  }
  return names;
}

std::vector<IpPrefix> ReadPrefixList(YamlReader& reader, const Value& value,
                                     Family family) {
  std::vector<IpPrefix> prefixes;
  std::optional<std::vector<StringItem>> items = reader.StringList(value);
  if (!items) return prefixes;
  // A netblock list can hold hundreds of thousands of prefixes: a hash set
  // keeps the duplicate check linear.
  absl::flat_hash_set<IpPrefix> seen;
  seen.reserve(items->size());
  prefixes.reserve(items->size());  // kept with the domain: no spare capacity
  for (const StringItem& item : *items) {
    // Junk is refused here, so that the parser's message, which repeats the
    // text, only ever quotes something printable.
    if (item.text.find_first_not_of("0123456789abcdefABCDEF.:/") !=
        std::string::npos) {
      reader.Error(item.pos,
                   absl::StrCat(Quoted(item.text), " is not an IP prefix"));
      continue;
    }
    absl::StatusOr<IpPrefix> prefix = ParseIpPrefix(item.text);
    absl::Status status =
        prefix.ok() ? CheckFamily(item.text, family) : prefix.status();
    if (!status.ok()) {
      reader.Error(item.pos, std::string(status.message()));
      continue;
    }
    if (!seen.insert(*prefix).second) {
      reader.Error(item.pos,
                   absl::StrCat(Quoted(item.text), " is listed twice"));
      continue;
    }
    prefixes.push_back(*prefix);
  }
  return prefixes;
}

std::optional<Delegation> ReadDelegation(YamlReader& reader, const Fields& top,
                                         absl::string_view key) {
  static constexpr absl::string_view kDelegations[] = {"ns", "cname"};
  const Value* value = top.Get(key);
  if (value == nullptr) return std::nullopt;
  std::optional<std::string> text = reader.OneOf(*value, kDelegations);
  if (!text) return std::nullopt;
  return *text == "cname" ? Delegation::kCname : Delegation::kNs;
}

std::optional<std::string> ReadPath(YamlReader& reader, const Value& value) {
  std::optional<std::string> text = reader.String(value);
  if (!text) return std::nullopt;
  if (text->empty()) {
    reader.ValueError(value, "must not be empty");
    return std::nullopt;
  }
  std::filesystem::path base = std::filesystem::path(std::string(reader.file())).parent_path();
  return (base / *text).lexically_normal().string();
}

}  // namespace dnsd::config
