// The `bimi:` section of a domain file, as plain data (config/model.h holds
// one per domain): selector -> logo and evidence URLs.
#ifndef DNSD_POLICY_BIMI_BIMI_SECTION_H_
#define DNSD_POLICY_BIMI_BIMI_SECTION_H_

#include <string>
#include <vector>

#include "config/diagnostic.h"

namespace dnsd::config {

struct BimiSelector {
  std::string selector;  // lower case; "default" is the one receivers ask for
  std::string l;         // https:// URL of an SVG logo; "" declines
  std::string a;         // https:// URL of the evidence document (VMC/CMC); may be ""
  SourcePos pos;
};

struct BimiSection {
  std::vector<BimiSelector> selectors;  // sorted by selector; empty: no BIMI
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_BIMI_BIMI_SECTION_H_
