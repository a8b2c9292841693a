// The terms rule on the query path makes no heap allocation: the global
// operator new of this test binary counts, and HandleQuery runs on queries
// that expand every kind of macro, fall back to rule 7, or overflow.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dnsd/testing/allocation_counter.h"
#include "gtest/gtest.h"
#include "dnsd/pipeline.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

// A query for `name` (presentation, under the SPF zone), as wire octets.
std::vector<uint8_t> Query(absl::string_view name) {
  wire::Name n = testing::LowerName(absl::StrCat(name, "._spf.provider.test"));
  // Header: ID, flags, QDCOUNT 1; then the question.
  std::vector<uint8_t> q(12 + n.size + 4, 0);
  q[0] = 0x12;
  q[5] = 1;
  std::memcpy(q.data() + 12, n.data, n.size);
  q[12 + n.size + 1] = wire::kTypeTxt;
  q[12 + n.size + 3] = wire::kClassIn;
  return q;
}

TEST(TermsAllocationTest, TheQueryPathAllocatesNothing) {
  config::ConfigSet set = testing::TestConfig();
  config::DomainList domains;
  for (config::DomainConfig d : set.domains) {
    if (d.domain == "terms.example") {
      d.spf.terms.push_back("exists:%{ir}.%{v}.%{h2r}.%{D}.%{l}._x.test");
      d.spf.terms.push_back("mx:%{h}");
    }
    domains.push_back(std::move(d));
  }
  set.domains = std::move(domains);
  auto snapshot = testing::CompileOrDie(set);
  ASSERT_NE(snapshot, nullptr);
  std::vector<std::vector<uint8_t>> queries = {
      Query("198.51.100.9._ip.mail.example.net._ehlo.terms.example"),
      Query("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2._ip.x._ehlo."
            "a.b.terms.example"),
      Query("198.51.100.9._ip.\\037._ehlo.terms.example"),      // a HELO kept as %{h}
      Query("198.51.100.9._ip.x._ehlo.a\\032b.terms.example"),  // rule 7 instead
  };
  std::vector<uint8_t> response(65535);
  std::vector<Outcome> outcomes(queries.size());
  // The counter counts.
  long before = ::dnsd::testing::AllocationCount();
  auto probe = std::make_unique<std::string>(100, 'x');
  ASSERT_GT(::dnsd::testing::AllocationCount(), before);
  before = ::dnsd::testing::AllocationCount();
  for (size_t i = 0; i < queries.size(); ++i) {
    outcomes[i] = HandleQuery(*snapshot, queries[i], Transport::kTcp, response);
  }
  long allocations = ::dnsd::testing::AllocationCount() - before;
  EXPECT_EQ(allocations, 0);
  EXPECT_EQ(outcomes[0].spf_rule, static_cast<int>(Rule::kTerms));
  EXPECT_EQ(outcomes[1].spf_rule, static_cast<int>(Rule::kTerms));
  EXPECT_EQ(outcomes[2].spf_rule, static_cast<int>(Rule::kTerms));
  EXPECT_EQ(outcomes[3].spf_rule, static_cast<int>(Rule::kDefault));
  for (const Outcome& o : outcomes) EXPECT_GT(o.size, 100u);
}

}  // namespace
}  // namespace dnsd::spf
