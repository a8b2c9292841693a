#include "policy/testing/family_test.h"

#include "absl/strings/str_cat.h"
#include "config/family.h"
#include "dnsd/pipeline.h"

namespace dnsd::config::testing {

FamilyTest::FamilyTest() {
  provider_.family_zones = {{"dkim_zone", "_dkim.provider.test"},
                            {"mta_sts_zone", "_mta-sts.provider.test"},
                            {"tls_rpt_zone", "_tls-rpt.provider.test"}};
}

Loaded<DomainConfig> FamilyTest::Load(absl::string_view yaml, absl::string_view file) {
  return LoadDomainFile(dir_.Write(file, yaml), catalog_, provider_);
}

void FamilyTest::Serve(const std::vector<std::string>& yaml_files) {
  ConfigSet set;
  set.server.provider = provider_;
  set.catalog = catalog_;
  for (size_t i = 0; i < yaml_files.size(); ++i) {
    Loaded<DomainConfig> loaded =
        LoadDomainFile(dir_.Write(absl::StrCat("d", i, ".yaml"), yaml_files[i]), catalog_, provider_);
    ASSERT_TRUE(loaded.ok()) << yaml_files[i] << "\n" << ::testing::PrintToString(Brief(loaded.errors));
    set.domains.push_back(*std::move(loaded.value));
  }
  set.domains.SortByName();
  absl::StatusOr<Compiled> compiled = CompileSnapshot(set, 1, nullptr, nullptr, now_);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  snapshot_ = std::move(compiled->snapshot);
  compile_errors_ = std::move(compiled->errors);
}

::dnsd::testing::RefereeMessage FamilyTest::Ask(absl::string_view name, uint16_t type) {
  ::dnsd::testing::QuerySpec spec;
  spec.name = std::string(name);
  spec.qtype = type;
  spec.edns = true;
  std::vector<uint8_t> query = ::dnsd::testing::BuildQueryWithLdns(spec);
  std::vector<uint8_t> response(65535);
  Outcome outcome = HandleQuery(*snapshot_, query, Transport::kUdp, response);
  EXPECT_GT(outcome.size, 0u);
  response.resize(outcome.size);
  absl::StatusOr<::dnsd::testing::RefereeMessage> parsed = ::dnsd::testing::ParseWithLdns(response);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? *std::move(parsed) : ::dnsd::testing::RefereeMessage{};
}

std::vector<std::string> FamilyTest::Publish(const DomainConfig& d) const {
  std::vector<std::string> lines;
  for (const RecordFamily* family : Families()) family->Publish(d, provider_, lines);
  return lines;
}

}  // namespace dnsd::config::testing
