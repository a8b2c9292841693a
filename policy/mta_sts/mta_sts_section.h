// The `mta_sts:` section of a domain file, as plain data (config/model.h
// holds one per domain): the policy dnsd announces at _mta-sts.<domain>.
#ifndef DNSD_POLICY_MTA_STS_MTA_STS_SECTION_H_
#define DNSD_POLICY_MTA_STS_MTA_STS_SECTION_H_

#include "config/delegation.h"
#include "policy/mta_sts/mta_sts_policy.h"

namespace dnsd::config {

struct MtaStsSection {
  bool configured = false;  // the file has the section
  mta_sts::Policy policy;
  // `mta_sts_delegation`: NS for _mta-sts.<domain>, or a CNAME to
  // <domain>.<provider mta_sts_zone>.
  Delegation delegation = Delegation::kNs;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_MTA_STS_MTA_STS_SECTION_H_
