// A domain file in two steps: reading it (YAML, every check that needs only
// the file) and checking it against the catalog and the provider settings.
//
// ConfigState keeps what reading gave, so that a changed catalog or server
// file re-checks every domain without reading a single file again: at 100k
// domains that is a second instead of a full reload. LoadDomainFile
// (loader.h) does both steps at once.
#ifndef DNSD_CONFIG_DOMAIN_FILE_H_
#define DNSD_CONFIG_DOMAIN_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/model.h"

namespace dnsd::config {

struct ReadDomain {
  // As written; its sender ids are not yet checked. Its `version` numbers
  // this read (unique in the process), so a configuration that checks out
  // again after a catalog change keeps its version and is not recompiled.
  DomainConfig domain;
  std::vector<Diagnostic> errors;  // from reading: errors and warnings
  // YamlReader::text_digest of the bytes read (0 if the file did not
  // parse): a file whose stamp changed but whose bytes did not (the same
  // file in a fresh checkout) keeps its earlier read.
  uint64_t text_digest = 0;
};

// `read_from`, if set, is where the bytes are read; `path` names the file
// everywhere (YamlReader's).
ReadDomain ReadDomainFile(const std::string& path, const std::string& read_from = {});

// The errors of `read` against `catalog` and `provider`: unknown senders,
// the SPF look-up budget, names under the provider's zones; and warnings.
// No error means `read.domain` can be served as it is. Thread-safe: reads only its arguments.
std::vector<Diagnostic> CheckDomainFile(const ReadDomain& read, const Catalog& catalog,
                                        const ProviderSettings& provider);

// Both steps at once. One domain file. Sender ids are checked against `catalog`; `provider`
// decides which names the domain's records will live under.
Loaded<DomainConfig> LoadDomainFile(const std::string& path,
                                    const Catalog& catalog,
                                    const ProviderSettings& provider);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DOMAIN_FILE_H_
