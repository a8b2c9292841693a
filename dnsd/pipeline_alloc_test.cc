// The query path allocates nothing for what the fleet identity and IXFR added to it:
// the NSID option, the CHAOS identity answer and an IXFR with its SOA. The
// global operator new of this test binary counts; the queries are built
// (with ldns) before counting starts.
#include <memory>
#include <string>
#include <vector>

#include "config/compile.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/testing/allocation_counter.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

using dnsd::testing::BuildQueryWithLdns;
using dnsd::testing::QuerySpec;
using namespace wire;  // NOLINT: protocol constants

std::unique_ptr<config::Snapshot> Snapshot(absl::string_view identity) {
  config::ConfigSet set;
  set.server.udp_payload = 1232;
  set.server.identity = std::string(identity);
  config::ProviderSettings& p = set.server.provider;
  p.nameservers = {"ns1.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = "_spf.provider.test";
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  config::DomainConfig example;
  example.domain = "example.com";
  example.mode = config::Mode::kEnforce;
  example.dmarc.p = "reject";
  set.domains = {example};
  auto compiled = config::CompileSnapshot(set, /*generation=*/1);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return nullptr;
  return std::move(compiled->snapshot);
}

std::vector<std::vector<uint8_t>> Queries() {
  std::vector<QuerySpec> specs(6);
  specs[0].name = "_dmarc.example.com";  // NSID asked for
  specs[0].edns = true;
  specs[0].nsid = true;
  specs[1].name = "id.server";           // CHAOS identity, with NSID too
  specs[1].qclass = kClassCh;
  specs[1].edns = true;
  specs[1].nsid = true;
  specs[2].name = "hostname.bind";
  specs[2].qclass = kClassCh;
  specs[3].name = "version.bind";        // other CHAOS: REFUSED
  specs[3].qclass = kClassCh;
  specs[4].name = "_dmarc.example.com";  // IXFR with its SOA: REFUSED
  specs[4].qtype = kTypeIxfr;
  specs[4].authority = {"_dmarc.example.com. 0 IN SOA ns1.provider.test. "
                        "hostmaster.provider.test. 1 3600 600 1209600 60"};
  specs[5].name = "example.org";         // REFUSED, NSID asked for
  specs[5].edns = true;
  specs[5].nsid = true;
  std::vector<std::vector<uint8_t>> out;
  for (const QuerySpec& spec : specs) out.push_back(BuildQueryWithLdns(spec));
  return out;
}

TEST(PipelineAllocationTest, IdentityNsidAndIxfrAllocateNothing) {
  for (absl::string_view identity : {"ns1.provider.test (fra-3)", ""}) {
    SCOPED_TRACE(identity);
    auto snapshot = Snapshot(identity);
    ASSERT_NE(snapshot, nullptr);
    std::vector<std::vector<uint8_t>> queries = Queries();
    for (const auto& q : queries) ASSERT_FALSE(q.empty());
    std::vector<uint8_t> response(65535);
    std::vector<Outcome> outcomes(queries.size() * 2);
    // The counter counts.
    long before = ::dnsd::testing::AllocationCount();
    auto probe = std::make_unique<std::string>(100, 'x');
    ASSERT_GT(::dnsd::testing::AllocationCount(), before);
    before = ::dnsd::testing::AllocationCount();
    for (size_t i = 0; i < queries.size(); ++i) {
      outcomes[2 * i] = HandleQuery(*snapshot, queries[i], Transport::kUdp, response);
      outcomes[2 * i + 1] = HandleQuery(*snapshot, queries[i], Transport::kTcp, response);
    }
    EXPECT_EQ(::dnsd::testing::AllocationCount() - before, 0);
    // What was answered, so the loop above did the work it claims.
    for (const Outcome& o : outcomes) EXPECT_GT(o.size, 0u);
    EXPECT_EQ(outcomes[0].rcode, kNoError);
    EXPECT_EQ(outcomes[2].rcode, identity.empty() ? kRefused : kNoError);
    EXPECT_EQ(outcomes[4].rcode, identity.empty() ? kRefused : kNoError);
    EXPECT_EQ(outcomes[6].rcode, kRefused);
    EXPECT_EQ(outcomes[8].rcode, kRefused);
    EXPECT_EQ(outcomes[10].rcode, kRefused);
  }
}

}  // namespace
}  // namespace dnsd
