// A domain file in two steps: reading it (YAML, every check that needs only
// the file) and checking it against the catalog and the provider settings.
//
// ConfigState keeps what reading gave until the domain has compiled (in
// `dnsd serve`; the other commands keep it), and a read's stamp (its size,
// hash and version) after: a file read again with the same bytes is the
// same read, and gives the same model again when a check or a compile
// needs it (RereadReleased). LoadDomainFile (loader.h) does both steps at
// once.
#ifndef DNSD_CONFIG_DOMAIN_FILE_H_
#define DNSD_CONFIG_DOMAIN_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/diagnostic.h"
#include "config/model.h"

namespace dnsd::config {

struct CompiledDomain;  // config/compiled_domain.h

// What identifies one read of a file, kept when its model is released: a
// file that still holds those bytes gives the same model, under the same
// version.
struct ReadStamp {
  uint64_t bytes = 0;
  uint64_t digest = 0;
  uint64_t version = 0;
};

struct ReadDomain {
  // As written; its sender ids are not yet checked. Its `version` numbers
  // this read (unique in the process), so a configuration that checks out
  // again after a catalog change keeps its version and is not recompiled.
  DomainConfig domain;
  // From reading: errors and warnings, in file order; null if none. Shared:
  // a file whose checks add nothing has just these (ConfigState keeps them
  // once, not a copy per file).
  std::shared_ptr<const DiagnosticList> errors;
  // What the file held when it was read: its size and a digest of its
  // bytes (BytesDigest, the same in every run); 0 and 0 when it could not be
  // read.
  uint64_t bytes = 0;
  uint64_t digest = 0;

  ReadStamp stamp() const { return {bytes, digest, domain.version}; }
};

// Reads from now on are numbered past `through`: versions that reads of
// an earlier run gave (the compiled image's, config/compiled_image.h) are
// never given again.
void ReserveReadVersions(uint64_t through);
// The highest version a read of this process has been given.
uint64_t ReadVersionsGiven();

// `read_from`, if set, is where the bytes are read; `path` names the file
// everywhere (YamlReader's).
// The read's positions share `path` (a copy of the FileName, not of the
// string): ConfigState names the file with the same one.
ReadDomain ReadDomainFile(const FileName& path, const std::string& read_from = {});

// ReadDomainFile, except that a file holding the bytes `previous` was read
// from (a `touch`, an editor saving without a change, a deploy tool
// rewriting every file) gives back `previous` itself: not parsed again, not
// a new version, so it is neither compiled again nor held twice while a
// reload runs. `previous` may be null.
std::shared_ptr<const ReadDomain> RereadDomainFile(const FileName& path,
                                                   std::shared_ptr<const ReadDomain> previous,
                                                   const std::string& read_from = {});

// RereadDomainFile for a file whose last read (`last`) released its
// model. `same`: the file still holds those bytes; then `read` is their
// model again, under `last`'s version, if `model_if_same`, and null if not.
// Otherwise `read` is a new read.
struct Reread {
  std::shared_ptr<const ReadDomain> read;
  bool same = false;
};
// `served` (may be null): the compile of the file's domain being served,
// which the read may share what it holds equal with (a DKIM key's record:
// RecordFamily::ShareServed), as a read whose last model is kept shares
// with that model.
Reread RereadReleased(const FileName& path, const ReadStamp& last, bool model_if_same,
                      const std::string& read_from = {},
                      const CompiledDomain* served = nullptr);

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
