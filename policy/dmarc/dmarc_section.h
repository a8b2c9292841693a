// The `dmarc:` section of a domain file, as plain data (config/model.h
// holds one per domain), with the domain's mode already applied.
#ifndef DNSD_POLICY_DMARC_DMARC_SECTION_H_
#define DNSD_POLICY_DMARC_DMARC_SECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/delegation.h"

namespace dnsd::config {

// RFC 7489 §6.3 tags plus DMARCbis `np`, `psd`, `t`. Absent optional tags are
// not published (receivers apply the RFC defaults).
struct DmarcPolicy {
  std::string p;                      // none | quarantine | reject
  std::optional<std::string> sp;      // none | quarantine | reject
  std::optional<std::string> np;      // none | quarantine | reject
  std::optional<int> pct;             // 0..100
  std::vector<std::string> rua;       // URIs, e.g. "mailto:agg@example.com!10m"
  std::vector<std::string> ruf;
  std::optional<char> adkim;          // 'r' | 's'
  std::optional<char> aspf;           // 'r' | 's'
  std::optional<std::string> fo;      // "0", "1", "d", "s", colon-separated
  std::optional<uint32_t> ri;         // seconds
  std::optional<std::string> rf;      // "afrf"
  std::optional<char> psd;            // 'y' | 'n' | 'u'
  std::optional<char> t;              // 'y' | 'n'
  // `dmarc_delegation`: how the customer points _dmarc.<domain> at us.
  Delegation delegation = Delegation::kNs;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_SECTION_H_
