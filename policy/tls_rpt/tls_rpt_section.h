// The `tls_rpt:` section of a domain file, as plain data (config/model.h
// holds one per domain): where sending MTAs report TLS failures (RFC 8460).
#ifndef DNSD_POLICY_TLS_RPT_TLS_RPT_SECTION_H_
#define DNSD_POLICY_TLS_RPT_TLS_RPT_SECTION_H_

#include <string>
#include <vector>

#include "config/delegation.h"

namespace dnsd::config {

struct TlsRptSection {
  std::vector<std::string> rua;  // mailto: or https: URIs; empty: no TLS-RPT
  // `tls_rpt_delegation`: NS for _smtp._tls.<domain>, or a CNAME to
  // <domain>.<provider tls_rpt_zone>.
  Delegation delegation = Delegation::kNs;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_TLS_RPT_TLS_RPT_SECTION_H_
