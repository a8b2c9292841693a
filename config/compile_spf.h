// Assembles the SPF side of a snapshot: the SPF zone, the answer rules' data
// (spf::MacroZone) and the macro-free <domain>._nspf records, from the
// domains compiled one by one (config/compiled_domain.h).
#ifndef DNSD_CONFIG_COMPILE_SPF_H_
#define DNSD_CONFIG_COMPILE_SPF_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "config/compiled_domain.h"
#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/refreshed_ranges.h"
#include "config/snapshot.h"
#include "config/zone_builder.h"

namespace dnsd::config {

// Fails if the SPF zone or template cannot be built at all. A domain whose
// SPF part did not compile is left out (answered as unconfigured); its
// error is already in its CompiledDomain. Senders' ranges are
// RangesInUse(sender, refreshed). `domains` are config.domains compiled.
absl::Status CompileSpf(const ConfigSet& config,
                        const std::vector<std::shared_ptr<const CompiledDomain>>& domains,
                        ZoneBuilder& builder, Snapshot& snapshot,
                        std::vector<Diagnostic>* errors,
                        const RefreshedRanges* refreshed = nullptr);

// The text name of part i (from 0) of a domain's _nspf chain.
std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone);

// The macro-free SPF record of a domain (PRODUCT.md, `_nspf`): its
// netblocks and its senders' known ranges as ip4:/ip6: terms, split into a
// chain of records linked by include: when one would not fit a 1232-octet
// UDP answer. Element 0 is the text for `<domain>._nspf.<zone>`, element
// k-1 for `<domain>._nspf<k>.<zone>`.
absl::StatusOr<std::vector<std::string>> FlattenedSpf(
    const DomainConfig& domain, const Catalog& catalog, absl::string_view spf_zone,
    const RefreshedRanges* refreshed = nullptr);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILE_SPF_H_
