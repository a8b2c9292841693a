// Loading and validating dnsd's YAML configuration files.
//
// Three kinds of file: the server file (dnsd.yaml), the sending-service
// catalog it names (senders.yaml), and one file per customer domain in the
// domains folder it names. Each loader reads one file, checks all of it and
// returns either the validated model (config/model.h) or every error it
// found, as file:line:column diagnostics. Nothing here throws or crashes on
// bad input, whatever the bytes. The schema is documented in
// config/README.md.
//
// Thread-safety: the functions share no state; call them from any thread.
#ifndef DNSD_CONFIG_LOADER_H_
#define DNSD_CONFIG_LOADER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "config/domain_list.h"
#include "config/model.h"

namespace dnsd::config {

// The server file. Relative `catalog` and `domains` paths are resolved
// against the server file's folder (the folder of `path`, whatever
// `read_from` is). `read_from`, if set, is where the bytes are read; `path`
// names the file everywhere (config/pinned_folders.h says why).
Loaded<ServerConfig> LoadServerFile(const std::string& path, const std::string& read_from = {});

// The sending-service catalog; senders come back sorted by id.
Loaded<Catalog> LoadCatalogFile(const std::string& path, const std::string& read_from = {});


// Everything one server file leads to.
struct ConfigSet {
  ServerConfig server;
  Catalog catalog;
  DomainList domains;                 // the good ones, sorted by domain
  std::vector<Diagnostic> errors;     // from every file
  // Reads the model of a domain whose model was released (ConfigState's):
  // null if its file no longer holds the bytes it was read from. Unset
  // where no model is released. Called from several threads at once.
  std::function<std::shared_ptr<const DomainConfig>(const DomainHead&)> reread;
};

// A name a domain file may have: *.yaml or *.yml, not hidden.
bool IsDomainFileName(absl::string_view name);
// The path of the domain file `name` in `dir`, if there is one by that
// name that ListDomainFiles would list (looking in `read_from` if given, as
// ListDomainFiles does); a link out of the folder is reported in `errors`.
std::optional<std::string> DomainFileIn(const std::string& dir, absl::string_view name,
                                        std::vector<Diagnostic>& errors,
                                        const std::string& read_from = "");

// The domain files in `dir`: *.yaml and *.yml directly in it, not hidden
// ('.' names are editors' temporary files), sorted by name so that "first
// file wins" is reproducible. Problems listing it go to `errors`.
// `read_from`, if set, is the folder actually listed (`dir` resolved once,
// config/pinned_folders.h); the paths returned are still under `dir`.
std::vector<std::string> ListDomainFiles(const std::string& dir,
                                         std::vector<Diagnostic>& errors,
                                         const std::string& read_from = {});


}  // namespace dnsd::config

#endif  // DNSD_CONFIG_LOADER_H_
