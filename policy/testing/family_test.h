// A record family end to end, for its unit tests: domain files are loaded
// as dnsd loads them, compiled into a snapshot, and asked through the real
// query path (HandleQuery); ldns parses every answer (dnsd/testing).
#ifndef DNSD_POLICY_TESTING_FAMILY_TEST_H_
#define DNSD_POLICY_TESTING_FAMILY_TEST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/compile.h"
#include "config/domain_file.h"
#include "config/loader.h"
#include "config/test_util.h"
#include "dnsd/testing/ldns_referee.h"
#include "gtest/gtest.h"

namespace dnsd::config::testing {

class FamilyTest : public ::testing::Test {
 protected:
  FamilyTest();

  // Loads one domain file (named d.yaml, unless `file` says otherwise); its
  // errors or its warnings, briefly ("line:column: message").
  Loaded<DomainConfig> Load(absl::string_view yaml, absl::string_view file = "d.yaml");
  std::vector<std::string> Errors(absl::string_view yaml) { return Brief(Load(yaml).errors); }
  std::vector<std::string> Warnings(absl::string_view yaml, absl::string_view file) {
    return Brief(Load(yaml, file).warnings);
  }

  // Compiles the given domain files (each must load) into a snapshot.
  void Serve(const std::vector<std::string>& yaml_files);

  // Asks the snapshot `name`/`type` over UDP with EDNS; ldns's reading.
  ::dnsd::testing::RefereeMessage Ask(absl::string_view name, uint16_t type);
  // The lines `dnsd records` prints for the customer's zone.
  std::vector<std::string> Publish(const DomainConfig& d) const;

  // The instant Serve compiles for (config/timeline.h); unset: now.
  std::optional<UtcSeconds> now_;
  TempDir dir_;
  Catalog catalog_ = TestCatalog();
  ProviderSettings provider_ = TestProvider();
  std::unique_ptr<Snapshot> snapshot_;
  std::vector<Diagnostic> compile_errors_;
};

}  // namespace dnsd::config::testing

#endif  // DNSD_POLICY_TESTING_FAMILY_TEST_H_
