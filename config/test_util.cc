#include "config/test_util.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dnsd::config::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          absl::StrCat("dnsd_config_test_", getpid(), "_", counter++);
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

bool GenerateConfig(const std::string& source_dir, const std::filesystem::path& dir, int domains,
                    int seed, const std::vector<std::string>& keys) {
  std::filesystem::create_directories(dir);
  {
    std::ofstream pool(dir / "keys.txt");
    if (keys.empty()) {
      pool << "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAo02YpUX+/=\n"
           << "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzjkDE81f==\n";
    }
    for (const std::string& key : keys) pool << key << "\n";
  }
  std::string command = absl::StrCat(
      "/usr/bin/python3 ", source_dir, "/bench/gen_config.py --domains ", domains, " --seed ",
      seed, " --out ", (dir / "cfg").string(), " --key-pool ", (dir / "keys.txt").string(),
      " >/dev/null 2>&1");
  return std::system(command.c_str()) == 0;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TempDir::Write(absl::string_view name,
                           absl::string_view text) const {
  fs::path file = path_ / std::string(name);
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return file.string();
}

std::string Brief(const Diagnostic& d) {
  return absl::StrCat(d.pos.line, ":", d.pos.column, ": ", d.message.str());
}

std::vector<std::string> Brief(std::span<const Diagnostic> ds) {
  std::vector<std::string> out;
  for (const Diagnostic& d : ds) out.push_back(Brief(d));
  return out;
}

Catalog TestCatalog() {
  Catalog catalog;
  for (const char* id : {"google", "office365", "sendgrid"}) {
    Sender sender;
    sender.id = id;
    sender.name = id;
    sender.include = absl::StrCat("_spf.", id, ".test");
    catalog.senders.push_back(sender);
  }
  return catalog;
}

ProviderSettings TestProvider() {
  ProviderSettings p;
  p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = "_spf.provider.test";
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  return p;
}

uint64_t VersionOf(const ConfigSet& set, const std::string& domain) {
  for (const DomainConfig& d : set.domains) {
    if (d.domain == domain) return d.version;
  }
  return 0;
}

}  // namespace dnsd::config::testing
