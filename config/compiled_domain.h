// What one domain file compiles to, on its own: every record rendered,
// every name in wire form, its zones' serials, its SPF policy, its errors.
//
// Nothing in it depends on another domain, which is what makes reloads
// incremental: a domain whose file, provider settings and senders' ranges
// did not change is not compiled again (config/compile_cache.h), and the
// old and the new snapshot share its records. Immutable once built; held by
// shared pointer by every snapshot that serves it.
#ifndef DNSD_CONFIG_COMPILED_DOMAIN_H_
#define DNSD_CONFIG_COMPILED_DOMAIN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/provider_records.h"
#include "config/refreshed_ranges.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/spf/macro_zone.h"

namespace dnsd::config {

// What a domain's records depend on in the catalog: the ranges in use of
// each sender it names (RangesInUse), digested per sender id once per
// compile, so that a changed range recompiles only the domains using it.
class SenderDigests {
 public:
  SenderDigests(const Catalog& catalog, const RefreshedRanges* refreshed);
  // Over the domain's sender ids, in order; a missing sender digests too.
  uint64_t Of(const DomainConfig& domain) const;

 private:
  absl::flat_hash_map<std::string, uint64_t> by_id_;
};

using Owned = std::pair<std::string, const RRset*>;  // wire owner, its records

struct CompiledDomain {
  // What it was compiled from: reused only while all three are the same.
  uint64_t version = 0;                            // DomainConfig::version
  std::shared_ptr<const ProviderRecords> provider;  // also keeps its RRsets alive
  uint64_t senders_digest = 0;                      // SenderDigests::Of

  std::string domain;  // as configured (text)
  std::vector<Diagnostic> errors;  // why a part is left out, and warnings

  // DMARC and DKIM; left out entirely (an error says why) unless `dmarc_ok`.
  bool dmarc_ok = false;
  std::string dmarc_apex, domainkey_apex;  // the two delegated zones
  uint32_t dmarc_serial = 0, domainkey_serial = 0;
  const RRset* dmarc_txt = nullptr;
  std::vector<Owned> selectors;            // below _domainkey.<domain>
  bool revoke_all = false;                 // blocked: every selector revoked
  std::string dmarc_target;                 // <domain>.<dmarc zone>: dmarc_txt
  std::string report_name;                 // the report authorisation; empty:
                                           // rua is elsewhere
  uint64_t dmarc_target_digest = 0, report_digest = 0;  // shares of those zones' serials

  // SPF; unless `spf_ok` the domain is answered as unconfigured.
  bool spf_ok = false;
  std::string wire_name;
  // `index` and `senders` are per snapshot, set when it is assembled.
  spf::DomainPolicy policy;
  std::vector<std::string> sender_ids;     // the catalog senders it names
  std::vector<IpPrefix> netblocks;
  std::vector<Owned> nspf;                 // the _nspf chain
  uint64_t spf_digest = 0;                 // its share of the SPF zone's serial

  // Owns every RRset above that is not the provider's. One allocation each:
  // a domain has a handful, and a deque's first block alone is 512 octets.
  std::vector<std::unique_ptr<const RRset>> rrsets;
};

// Compiles one domain. Thread-safe: reads only its arguments.
std::shared_ptr<const CompiledDomain> CompileDomain(
    const DomainConfig& domain, std::shared_ptr<const ProviderRecords> provider,
    const Catalog& catalog, const RefreshedRanges* refreshed, uint64_t senders_digest);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILED_DOMAIN_H_
