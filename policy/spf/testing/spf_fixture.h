// Test helpers for the SPF macro zone: a small configuration built in C++
// (catalog, domains, provider settings), compiled into a Snapshot, and
// query names in wire form from presentation text.
//
// Shared by the policy/ unit tests; header plus one .cc, no library.
#ifndef DNSD_POLICY_SPF_TESTING_SPF_FIXTURE_H_
#define DNSD_POLICY_SPF_TESTING_SPF_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/loader.h"
#include "gtest/gtest.h"
#include "config/snapshot.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/decide.h"

namespace dnsd::spf::testing {

inline constexpr char kSpfZone[] = "_spf.provider.test";
inline constexpr char kNspfZone[] = "_nspf._spf.provider.test";

// Presentation text ("a.B.c", "\000\255.x", "a\.b.c"; a trailing dot is
// optional) to a wire name: \DDD and \X escapes as RFC 1035 §5.1. The name
// keeps its letter case. Fails on an empty label, a label over 63 octets or
// a name over 255.
absl::StatusOr<wire::Name> NameFromPresentation(absl::string_view text);

// The same name lower-cased, as the header gate hands it on
// (wire::LowerCase). Fails the current test on a bad name.
wire::Name LowerName(absl::string_view text);

// The name's labels as presentation text, joined with dots; `count`
// labels from `begin`.
std::string LabelsText(const wire::Name& name, int begin, int end);

IpAddress Ip(absl::string_view text);
// The nibble labels %{i} gives for an IPv6 (or IPv4-mapped) address,
// most significant first: "2.0.0.1.0.d.b.8...".
std::string Nibbles(absl::string_view ip_text);
IpPrefix Prefix(absl::string_view text);

// The text of a TXT RRset's (first) record, strings joined.
std::string TxtText(const RRset& rrset);
// TXT RDATA's character-strings joined: the record's text.
std::string RdataText(absl::string_view rdata);
// The text of a Decision's answer: the pre-rendered RRset, or the
// per-query IP answer, or (given the query name) the terms answer, or
// (given the policy) the truncated rule's answer.
std::string AnswerText(const Decision& d, const wire::Name* name = nullptr,
                       const MacroZone* policy = nullptr);

// The configuration the policy tests share. Catalog (sorted by id):
//   google     ip mode       209.85.128.0/17, 2607:f8b0:4000::/36   helo *.google.com
//   mailchimp  include mode  205.201.128.0/20                       helo *.mcsv.net
//   office365  ip mode       40.92.0.0/15, 2a01:111:f400::/48      helo *.outbound.protection.outlook.com
//   sendgrid   include mode  167.89.0.0/17                          helo smtp.sendgrid.net (exact)
// Domains:
//   blocked.example   blocked, office365, netblock 198.51.100.0/24
//   example.com       include_subdomains, office365 + mailchimp + sendgrid,
//                     netblocks 203.0.113.0/24, 2001:db8:1::/48, 40.92.1.0/24
//   many.example      150 IPv4 /24 netblocks and 50 IPv6 /48s (a chained _nspf)
//   stop.example.com  no include_subdomains, no senders (stops the walk)
//   strict.example    all: fail, google
//   terms.example     include_subdomains, office365, netblock 192.0.2.0/24,
//                     terms exists:%{i}._spf.mta.salesforce.com, a,
//                     ip4:198.18.0.0/15, include:%{l}._u.%{d}._spf.vendor.test
config::ConfigSet TestConfig(absl::string_view spf_template = "%{i}._ip.%{h}._ehlo.%{d}");

// Compiles `config`; fails the current test on any error or diagnostic.
std::unique_ptr<config::Snapshot> CompileOrDie(const config::ConfigSet& config);

// A test suite over TestConfig()'s snapshot, compiled once per suite.
class TestConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { snapshot_ = CompileOrDie(TestConfig()).release(); }
  static void TearDownTestSuite() {
    delete snapshot_;
    snapshot_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(snapshot_, nullptr); }

  inline static config::Snapshot* snapshot_ = nullptr;
};

}  // namespace dnsd::spf::testing

#endif  // DNSD_POLICY_SPF_TESTING_SPF_FIXTURE_H_
