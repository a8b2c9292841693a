// A domain's _nspf chain (policy/spf/nspf_chain.h) from its configuration:
// for the compile, which counts the parts, and for checks and tools that
// want the texts. Plain functions; thread-safe.
#ifndef DNSD_POLICY_SPF_NSPF_H_
#define DNSD_POLICY_SPF_NSPF_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/model.h"
#include "config/refreshed_ranges.h"
#include "policy/spf/nspf_chain.h"

namespace dnsd::config {

// Part i (from 0) of a domain's _nspf chain relative to the SPF zone
// ("example.com._nspf", "example.com._nspf2", …), and its full text name.
std::string NspfRelativeName(size_t i, absl::string_view domain);
std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone);

// Calls `use` with the chain's source as `domain` and the catalog make it:
// the senders the catalog has, in the order the domain names them.
void WithNspfSource(const DomainConfig& domain, const Catalog& catalog,
                    absl::string_view spf_zone, const RefreshedRanges* refreshed,
                    absl::FunctionRef<void(const spf::NspfSource&)> use);

// The record texts: element 0 for `<domain>._nspf.<zone>`, element k-1
// for `<domain>._nspf<k>.<zone>`. Fails when the chain would take a
// receiver past 10 look-ups.
absl::StatusOr<std::vector<std::string>> FlattenedSpf(
    const DomainConfig& domain, const Catalog& catalog, absl::string_view spf_zone,
    const RefreshedRanges* refreshed = nullptr);

// Why a chain that CountNspfParts refused is not served.
std::string NspfTooLong();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_SPF_NSPF_H_
