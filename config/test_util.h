// Helpers shared by the config tests: scratch folders for YAML files and a
// compact form of diagnostics to compare against.
#ifndef DNSD_CONFIG_TEST_UTIL_H_
#define DNSD_CONFIG_TEST_UTIL_H_

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "config/loader.h"
#include "config/model.h"

namespace dnsd::config::testing {

// A fresh folder under the system temp directory, removed with everything
// in it when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `name` (folders created as needed); returns the path.
  std::string Write(absl::string_view name, absl::string_view text) const;

 private:
  std::filesystem::path path_;
};

// Writes bench/gen_config.py's configuration of `domains` domains (seed
// `seed`) into `dir`/cfg, its DKIM keys taken from `keys` (base64, one
// each), or two made-up ones that only a YAML reader takes (the files do
// not check out); false if the generator fails.
bool GenerateConfig(const std::string& source_dir, const std::filesystem::path& dir, int domains,
                    int seed, const std::vector<std::string>& keys = {});

// The whole of the file at `path` ("" if it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// "line:column: message", the file left out (it is a temp path).
std::string Brief(const Diagnostic& d);
std::vector<std::string> Brief(std::span<const Diagnostic> ds);

// A catalog with office365, google and sendgrid, as a domain file test needs.
Catalog TestCatalog();
// Provider settings as in the example dnsd.yaml.
ProviderSettings TestProvider();

// A server file naming `senders.yaml` and `domains` beside it, for tests
// that write a whole configuration into a TempDir.
inline constexpr char kServer[] = R"(provider:
  nameservers: [ns1.provider.test]
  hostmaster: hostmaster.provider.test
  spf_zone: _spf.provider.test
  dmarc_zone: _dmarc.provider.test
  report_domain: reports.provider.test
catalog: senders.yaml
domains: domains
)";

// The version `set` serves `domain` at, or 0 if it does not serve it.
uint64_t VersionOf(const ConfigSet& set, const std::string& domain);

}  // namespace dnsd::config::testing

#endif  // DNSD_CONFIG_TEST_UTIL_H_
