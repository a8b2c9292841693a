// The query path allocates nothing for what the fleet identity and IXFR added to it:
// the NSID option, the CHAOS identity answer and an IXFR with its SOA; nor
// for a DKIM key's record, held as DER and written as text per answer. The
// global operator new of this test binary counts; the queries are built
// (with ldns) before counting starts.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/compile.h"
#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/testing/allocation_counter.h"
#include "gtest/gtest.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/test_keys.h"

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
  // Enough netblocks for an _nspf chain of several parts.
  for (int i = 0; i < 200; ++i) {
    IpPrefix prefix;
    uint8_t v4[4] = {10, static_cast<uint8_t>(i), 7, 0};
    prefix.address = IpAddress::FromV4(v4);
    prefix.length = 96 + 24;
    example.spf.netblocks.push_back(prefix);
  }
  config::DkimKeyTags key;
  key.public_key = config::testing::kRsa2048;
  key.hash = {"sha256"};
  config::DkimSelector selector;
  selector.selector = "s1";
  selector.key = config::KeyOf(key, 2048);
  example.dkim.selectors.push_back(selector);
  set.domains = {example};
  auto compiled = config::CompileSnapshot(set, /*generation=*/1);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return nullptr;
  return std::move(compiled->snapshot);
}

std::vector<std::vector<uint8_t>> Queries() {
  std::vector<QuerySpec> specs(7);
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
  specs[6].name = "s1._domainkey.example.com";  // a DKIM key, written per answer
  specs[6].qtype = kTypeTxt;
  specs[6].edns = true;
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
    EXPECT_EQ(outcomes[12].rcode, kNoError);
    EXPECT_GT(outcomes[12].size, 400u);  // the key's text, not a referral
  }
}

// The UDP batch path (HandleBatch: prepare, prefetch, answer) allocates
// nothing either, on a batch that mixes SPF macro names (a configured
// domain and an unknown one, IPv4 and IPv6 nibbles), a part of an _nspf
// chain (written per query), DMARC, the identity,
// REFUSED, NXDOMAIN and a dropped datagram; the batch's arrays are made
// before counting, as the UDP listener makes them once.
TEST(PipelineAllocationTest, BatchAllocatesNothing) {
  auto snapshot = Snapshot("ns1.provider.test (fra-3)");
  ASSERT_NE(snapshot, nullptr);
  std::vector<std::vector<uint8_t>> queries = Queries();
  std::string nibbles;
  for (int i = 0; i < 32; ++i) nibbles += (i % 3 == 0) ? "1." : "0.";
  for (const char* name : {"192.0.2.1._ip.mail.example.net._ehlo.example.com._spf.provider.test",
                           "192.0.2.1._ip.mail.example.net._ehlo.unknown.test._spf.provider.test",
                           "x._dmarc.example.com", "_spf.provider.test"}) {
    QuerySpec spec;
    spec.name = name;
    queries.push_back(BuildQueryWithLdns(spec));
  }
  QuerySpec v6;
  v6.name = nibbles + "_ip.mx.example.net._ehlo.example.com._spf.provider.test";
  queries.push_back(BuildQueryWithLdns(v6));
  QuerySpec nspf;
  nspf.name = "example.com._nspf2._spf.provider.test";
  nspf.edns = true;
  queries.push_back(BuildQueryWithLdns(nspf));
  for (const auto& q : queries) ASSERT_FALSE(q.empty());
  queries.push_back({});  // a datagram cut short: dropped
  size_t n = queries.size();
  std::vector<std::span<const uint8_t>> requests(queries.begin(), queries.end());
  std::vector<std::vector<uint8_t>> buffers(n, std::vector<uint8_t>(4096));
  std::vector<std::span<uint8_t>> responses(buffers.begin(), buffers.end());
  std::vector<PreparedQuery> prepared(n);
  std::vector<Outcome> outcomes(n);

  long before = ::dnsd::testing::AllocationCount();
  for (int round = 0; round < 3; ++round) {
    HandleBatch(*snapshot, requests, Transport::kUdp, responses, prepared, outcomes);
  }
  EXPECT_EQ(::dnsd::testing::AllocationCount() - before, 0);
  for (size_t i = 0; i + 1 < n; ++i) EXPECT_GT(outcomes[i].size, 0u) << i;
  EXPECT_EQ(outcomes[n - 1].size, 0u);
  // The SPF names were answered by the SPF rules (a configured domain, an
  // unknown one, an IPv6 client): the batch took the path it is for.
  EXPECT_NE(outcomes[7].spf_domain, nullptr);
  EXPECT_GE(outcomes[8].spf_rule, 0);
  EXPECT_EQ(outcomes[8].spf_domain, nullptr);
  EXPECT_EQ(outcomes[9].rcode, kNxDomain);
  EXPECT_NE(outcomes[11].spf_domain, nullptr);
  // The chain's second part: records, not a rule's answer, and most of a
  // 1232-octet datagram.
  EXPECT_EQ(outcomes[12].spf_rule, -1);
  EXPECT_EQ(outcomes[12].rcode, kNoError);
  EXPECT_GT(outcomes[12].size, 1000u);
  EXPECT_GT(outcomes[6].size, 400u);  // the DKIM key
}

}  // namespace
}  // namespace dnsd
