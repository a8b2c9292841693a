// The `dmarc:` section of a domain file, as plain data (config/model.h
// holds one per domain), with the domain's mode already applied.
#ifndef DNSD_POLICY_DMARC_DMARC_SECTION_H_
#define DNSD_POLICY_DMARC_DMARC_SECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/delegation.h"
#include "config/diagnostic.h"
#include "config/timeline.h"
#include "policy/dmarc/dmarc_tag_value.h"

namespace dnsd::config {

// Where the section's values were written, for the checks that run after
// reading (RecordFamily::Check): `rua` and `ruf` are parallel to the
// policy's lists.
struct DmarcPositions {
  SourcePos section;          // the `dmarc:` mapping (the file's `domain:` if none)
  std::optional<SourcePos> p;
  std::vector<SourcePos> rua;
  std::vector<SourcePos> ruf;
};

// A step of a roll-out (`schedule:`): from `at` on, the tags it names
// replace the section's (config/timeline.h).
struct DmarcStep {
  UtcSeconds at = 0;
  std::optional<std::string> p, sp, np;
  std::optional<char> t;
  std::optional<int> pct;
  SourcePos pos;
};

// RFC 9989 §4.7 tags (`t`, `psd`, `np` new since RFC 7489), and RFC 7489's
// `pct`, `ri` and `rf`, which RFC 9989 made historic: older receivers still
// read them. Absent optional tags are not published (receivers apply the
// RFC defaults).
struct DmarcPolicy {
  std::string p;                      // none | quarantine | reject
  DmarcTagValue sp;                   // none | quarantine | reject
  DmarcTagValue np;                   // none | quarantine | reject
  std::optional<int> pct;             // 0..100
  std::vector<std::string> rua;       // URIs, e.g. "mailto:agg@example.com!10m"
  std::vector<std::string> ruf;
  std::optional<char> adkim;          // 'r' | 's'
  std::optional<char> aspf;           // 'r' | 's'
  DmarcTagValue fo;                   // "0", "1", "d", "s", colon-separated
  std::optional<uint32_t> ri;         // seconds
  DmarcTagValue rf;                   // "afrf"
  std::optional<char> psd;            // 'y' | 'n' | 'u'
  std::optional<char> t;              // 'y' | 'n'
  // `rfc7489_tags`: publish pct, ri, rf and rua/ruf size limits ("!10m")
  // for receivers that still follow RFC 7489; false leaves them out.
  bool rfc7489_tags = true;
  // Steps in time order, each after the one before. From `ttl_ramp`
  // seconds before a step until it, the record is served with `ramp_ttl`,
  // so that receivers' caches hold the old policy at most that long after
  // the step.
  std::vector<DmarcStep> schedule;
  int64_t ttl_ramp = 3600;
  uint32_t ramp_ttl = 60;
  DmarcPositions positions;
  // `dmarc_delegation`: how the customer points _dmarc.<domain> at us.
  Delegation delegation = Delegation::kNs;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_SECTION_H_
