// Compiles loaded configuration into an immutable Snapshot.
//
// Every answer dnsd can give from static data is rendered here, once: DMARC
// and DKIM TXT records, CNAMEs, SOA and NS sets, the report authorisations.
// A domain that cannot be compiled (a name too long once "_domainkey." is
// prepended, say) is left out with a diagnostic; the rest still compile.
#ifndef DNSD_CONFIG_COMPILE_H_
#define DNSD_CONFIG_COMPILE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "config/diagnostic.h"
#include "config/model.h"
#include "config/snapshot.h"

namespace dnsd::config {

struct Compiled {
  std::unique_ptr<Snapshot> snapshot;
  std::vector<Diagnostic> errors;  // domains left out, and why
};

// Fails only if the server-wide settings cannot form zones at all.
absl::StatusOr<Compiled> CompileSnapshot(const ServerConfig& server,
                                         const std::vector<DomainConfig>& domains,
                                         uint64_t generation);

// A zone's SOA serial: a digest of everything the zone serves. It changes
// whenever the content changes, and every name server loaded with the same
// configuration reports the same serial (dnsd transfers no zones, so serial
// order carries no meaning; equality across servers does).
class SerialDigest {
 public:
  void Add(absl::string_view bytes);
  uint32_t serial() const { return static_cast<uint32_t>(hash_ ^ (hash_ >> 32)); }

 private:
  uint64_t hash_ = 14695981039346656037ull;  // FNV-1a 64 offset basis
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_COMPILE_H_
