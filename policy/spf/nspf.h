// The macro-free SPF record of a domain, `<domain>._nspf.<spf zone>`: its
// netblocks and its senders' known ranges as ip4:/ip6: terms, for receivers
// and checkers that do not implement macros. Plain functions; thread-safe.
#ifndef DNSD_POLICY_SPF_NSPF_H_
#define DNSD_POLICY_SPF_NSPF_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/refreshed_ranges.h"

namespace dnsd::config {

// Part i (from 0) of a domain's _nspf chain relative to the SPF zone
// ("example.com._nspf", "example.com._nspf2", …), and its full text name.
std::string NspfRelativeName(size_t i, absl::string_view domain);
std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone);

// The record texts, split into a chain of records linked by include: when
// one would not fit a 1232-octet UDP answer. Element 0 is the text for
// `<domain>._nspf.<zone>`, element k-1 for `<domain>._nspf<k>.<zone>`.
// Fails when the chain would take a receiver past 10 look-ups.
absl::StatusOr<std::vector<std::string>> FlattenedSpf(
    const DomainConfig& domain, const Catalog& catalog, absl::string_view spf_zone,
    const RefreshedRanges* refreshed = nullptr);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_NSPF_H_
