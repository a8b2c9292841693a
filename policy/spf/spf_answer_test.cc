// The SPF macro zone end to end: query bytes built by ldns go through
// dnsd::HandleQuery on a compiled snapshot, and ldns parses every response.
#include "policy/spf/spf_answer.h"

#include "config/zone_kinds.h"


#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "config/compile.h"
#include "policy/spf/nspf.h"
#include "dnsd/pipeline.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/testing/ldns_referee.h"  // after gtest: ldns defines `true`
#include "dnsd/protocol/wire/constants.h"
#include "policy/spf/terms_answer.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using namespace wire;  // NOLINT: protocol constants
using dnsd::testing::BuildQueryWithLdns;
using dnsd::testing::ParseWithLdns;
using dnsd::testing::QuerySpec;
using dnsd::testing::RefereeMessage;
using dnsd::testing::RefereeRr;
using dnsd::testing::ToHex;
using ::testing::HasSubstr;
using testing::CompileOrDie;
using testing::Ip;
using testing::Nibbles;
using testing::TestConfig;

constexpr char kZone[] = "_spf.provider.test";

std::string Macro(absl::string_view ip, absl::string_view helo, absl::string_view domain) {
  return absl::StrCat(ip, "._ip.", helo, "._ehlo.", domain, ".", kZone);
}

// `name` as ldns prints it (its escapes differ from the input's).
std::string LdnsText(const std::string& name) {
  ldns_rdf* rdf = ldns_dname_new_frm_str(name.c_str());
  if (rdf == nullptr) return "<bad name>";
  char* text = ldns_rdf2str(rdf);
  std::string out = text != nullptr ? text : "";
  std::free(text);
  ldns_rdf_deep_free(rdf);
  return out;
}

struct Reply {
  Outcome outcome;
  RefereeMessage msg;
};

class SpfAnswerTest : public testing::TestConfigTest {
 protected:

  static Reply Ask(const QuerySpec& spec) {
    Reply r;
    std::vector<uint8_t> request = BuildQueryWithLdns(spec);
    EXPECT_FALSE(request.empty()) << spec.name;
    std::vector<uint8_t> buffer(65535);
    r.outcome = HandleQuery(*snapshot_, request, Transport::kUdp, buffer);
    size_t limit = spec.edns ? std::min<size_t>(spec.udp_size, 1232) : 512;
    EXPECT_GT(r.outcome.size, 0u) << spec.name;
    EXPECT_LE(r.outcome.size, limit) << spec.name;
    std::span<const uint8_t> bytes(buffer.data(), r.outcome.size);
    auto parsed = ParseWithLdns(bytes);
    EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << ToHex(bytes);
    if (!parsed.ok()) return r;
    r.msg = *std::move(parsed);
    EXPECT_TRUE(r.msg.qr);
    EXPECT_FALSE(r.msg.ra);
    EXPECT_EQ(r.msg.id, spec.id);
    EXPECT_EQ(r.msg.extended_rcode, r.outcome.rcode);
    // The question comes back as asked, letter case and all.
    EXPECT_EQ(r.msg.qdcount, 1);
    if (r.msg.question.size() == 1) {
      EXPECT_EQ(r.msg.question[0].owner, LdnsText(spec.name));
      EXPECT_EQ(r.msg.question[0].type, spec.qtype);
    }
    return r;
  }

  static Reply Ask(absl::string_view name, uint16_t qtype = kTypeTxt, bool edns = false) {
    QuerySpec spec;
    spec.name = std::string(name);
    spec.qtype = qtype;
    spec.edns = edns;
    return Ask(spec);
  }

  // One TXT record owned by the query name, with this text.
  static void ExpectTxt(const Reply& r, absl::string_view owner, absl::string_view text) {
    EXPECT_EQ(r.msg.rcode, kNoError);
    EXPECT_TRUE(r.msg.aa);
    EXPECT_FALSE(r.msg.tc);
    EXPECT_EQ(r.msg.nscount, 0);
    ASSERT_EQ(r.msg.answer.size(), 1u) << r.msg.text;
    const RefereeRr& rr = r.msg.answer[0];
    EXPECT_EQ(rr.owner, absl::StrCat(owner, "."));
    EXPECT_EQ(rr.type, kTypeTxt);
    EXPECT_EQ(rr.rr_class, kClassIn);
    EXPECT_EQ(rr.ttl, 300u);
    EXPECT_EQ(rr.Text(), text);
    for (const std::string& s : rr.strings) EXPECT_LE(s.size(), 255u);
  }

  // NOERROR, no answer, the SPF zone's SOA: never NXDOMAIN (RFC 8020).
  static void ExpectNodata(const Reply& r) {
    EXPECT_EQ(r.msg.rcode, kNoError) << r.msg.text;
    EXPECT_TRUE(r.msg.aa);
    EXPECT_EQ(r.msg.ancount, 0);
    ASSERT_EQ(r.msg.authority.size(), 1u) << r.msg.text;
    const RefereeRr& soa = r.msg.authority[0];
    EXPECT_EQ(absl::AsciiStrToLower(soa.owner), absl::StrCat(kZone, "."));
    EXPECT_EQ(soa.type, kTypeSoa);
    EXPECT_EQ(soa.ttl, 60u);
    ASSERT_EQ(soa.fields.size(), 7u);
    EXPECT_EQ(soa.fields[0], "ns1.provider.test.");
    EXPECT_EQ(soa.fields[2], absl::StrCat(ServedSerial(*snapshot_->spf_zone, snapshot_->common)));
  }

};

TEST_F(SpfAnswerTest, IpAnswerRdata) {
  MacroName m;
  m.ip_known = true;
  m.ip = Ip("192.0.2.1");
  char out[Answer::kScratchSize - 10];
  size_t n = IpAnswerRdata(m, out);
  EXPECT_EQ(std::string(out, n), absl::StrCat("\x19", "v=spf1 ip4:192.0.2.1 ~all"));
  m.ip_as_nibbles = true;
  n = IpAnswerRdata(m, out);
  EXPECT_EQ(std::string(out + 1, n - 1), "v=spf1 ip4:192.0.2.1 ip6:::ffff:192.0.2.1 ~all");
  EXPECT_EQ(static_cast<uint8_t>(out[0]), n - 1);
  // The longest IPv6 text still fits the scratch space.
  m.ip = Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  n = IpAnswerRdata(m, out);
  EXPECT_EQ(std::string(out + 1, n - 1),
            "v=spf1 ip6:ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ~all");
  m.ip = Ip("::ffff:255.255.255.255");
  n = IpAnswerRdata(m, out);
  EXPECT_EQ(std::string(out + 1, n - 1),
            "v=spf1 ip4:255.255.255.255 ip6:::ffff:255.255.255.255 ~all");
  EXPECT_LE(n, sizeof(out));
}

// The answer writes the client's address as FormatIpAddress does (whose
// text is inet_ntop's: IpAddressTest), IPv4 also as IPv6 when it came as
// nibbles, as libspf2 keeps it.
TEST(IpAnswerRdataTest, AddressesReadAsFormatIpAddressWritesThem) {
  for (const char* text : {"192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::1",
                           "::", "2001:db8:0:1:0:0:0:1", "fe80::1:0:0:0", "::ffff:1.2.3.4",
                           "::1.2.3.4", "1:0:0:2:0:0:0:3"}) {
    SCOPED_TRACE(text);
    IpAddress ip = Ip(text);
    for (bool nibbles : {false, true}) {
      MacroName m;
      m.ip_known = true;
      m.ip = ip;
      m.ip_as_nibbles = nibbles;
      std::string v6 = FormatIpAddress(ip, /*mapped_as_v6=*/true);
      std::string want = !ip.is_v4() ? absl::StrCat("v=spf1 ip6:", v6, " ~all")
                         : nibbles   ? absl::StrCat("v=spf1 ip4:", FormatIpAddress(ip), " ip6:",
                                                    v6, " ~all")
                                     : absl::StrCat("v=spf1 ip4:", FormatIpAddress(ip), " ~all");
      char out[Answer::kScratchSize - 10];
      size_t n = IpAnswerRdata(m, out);
      ASSERT_EQ(std::string(out + 1, n - 1), want);
    }
  }
}

// The truncated rule's answer is rendered per query: the same RDATA the
// compile would have kept, for domains whose text ends before, at and after
// the first string's end, up to the longest include a compile accepts;
// longer gives nothing. (The 255-octet split itself: RRsetTest.)
TEST(FlattenedRdataTest, SameAsTheRecordACompileWouldKeep) {
  MacroZone zone;
  zone.flattened_suffix = "._nspf._spf.provider.test ~all";
  const size_t fixed = std::string("v=spf1 include:").size() + zone.flattened_suffix.size();
  for (size_t text = fixed + 1; text <= 15 + 253 + 5; ++text) {
    // Labels of 63 octets at most, as the compile's names.
    std::string name;
    while (name.size() < text - fixed) {
      if (!name.empty()) name += '.';
      name += std::string(std::min<size_t>(63, text - fixed - name.size()), 'a');
    }
    if (name.back() == '.') name.back() = 'b';
    DomainPolicy domain;
    domain.name = name;
    char out[Answer::kScratchSize - 10];
    size_t n = FlattenedRdata(zone, domain, out);
    std::string want = TxtRdata(absl::StrCat("v=spf1 include:", name, zone.flattened_suffix));
    ASSERT_EQ(std::string(out, n), want) << text;
  }
  DomainPolicy too_long;
  std::string name(240, 'a');
  too_long.name = name;
  char out[Answer::kScratchSize - 10];
  EXPECT_EQ(FlattenedRdata(zone, too_long, out), 0u);
}

TEST_F(SpfAnswerTest, NetblockAnswer) {
  std::string name = Macro("203.0.113.7", "mail.example.net", "example.com");
  Reply r = Ask(name);
  ExpectTxt(r, name, "v=spf1 ip4:203.0.113.7 ~all");
  EXPECT_EQ(r.outcome.zone_kind, dnsd::config::KindOf("spf"));
  EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kNetblock));

  name = Macro(Nibbles("2001:db8:1::25"), "mail.example.net", "example.com");
  ExpectTxt(Ask(name), name, "v=spf1 ip6:2001:db8:1::25 ~all");

  name = Macro(Nibbles("::ffff:203.0.113.7"), "mail.example.net", "example.com");
  ExpectTxt(Ask(name), name, "v=spf1 ip4:203.0.113.7 ip6:::ffff:203.0.113.7 ~all");
}

TEST_F(SpfAnswerTest, EveryRuleOnTheWire) {
  struct Case {
    std::string name;
    Rule rule;
    std::string text;
  };
  std::vector<Case> cases = {
      {Macro("192.0.2.1", "mx.test", "unknown.test"), Rule::kUnknownDomain, "v=spf1 ?all"},
      {Macro("198.51.100.7", "mx.test", "blocked.example"), Rule::kBlocked, "v=spf1 -all"},
      {Macro("203.0.113.7", "mx.test", "sub.example.com"), Rule::kNetblock,
       "v=spf1 ip4:203.0.113.7 ~all"},
      {Macro("40.93.0.1", "mx.test", "example.com"), Rule::kSenderRange,
       "v=spf1 ip4:40.93.0.1 ~all"},
      {Macro("205.201.130.1", "mx.test", "example.com"), Rule::kSenderRange,
       "v=spf1 include:servers.mcsv.net ~all"},
      {Macro("192.0.2.1", "a.outbound.protection.outlook.com", "example.com"), Rule::kSenderHelo,
       "v=spf1 include:spf.protection.outlook.com ~all"},
      {Macro("192.0.2.1", "mx.test", "example.com"), Rule::kDefault, "v=spf1 ~all"},
      {Macro("192.0.2.1", "mx.test", "strict.example"), Rule::kDefault, "v=spf1 -all"},
      {Macro("192.0.2.1", "mx.test", "x.stop.example.com"), Rule::kUnknownDomain, "v=spf1 ?all"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Reply r = Ask(c.name);
    ExpectTxt(r, c.name, c.text);
    EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(c.rule));
  }
}

TEST_F(SpfAnswerTest, QuestionCaseIsEchoedAndMatchingIgnoresIt) {
  std::string name = "203.0.113.7._IP.Mail.Example.NET._eHLO.ExAmPlE.CoM._Spf.PROVIDER.test";
  Reply r = Ask(name);  // Ask checks the question
  ExpectTxt(r, name, "v=spf1 ip4:203.0.113.7 ~all");
  name = absl::StrCat(Nibbles("2A01:111:F400::ABCD"), "._ip.X._ehlo.EXAMPLE.com._SPF.provider.TEST");
  std::transform(name.begin(), name.begin() + 64, name.begin(), ::toupper);
  r = Ask(name);
  ExpectTxt(r, name, "v=spf1 ip6:2a01:111:f400::abcd ~all");
  name = Macro("192.0.2.1", "MAIL.Outbound.Protection.OUTLOOK.com", "Example.Com");
  ExpectTxt(Ask(name), name, "v=spf1 include:spf.protection.outlook.com ~all");
}

TEST_F(SpfAnswerTest, OddHelosGetAnswers) {
  for (const char* helo : {"unknown", "[192.0.2.1]", "[IPv6:2001:db8::1]", "_ip", "_ehlo",
                           "_ip.x._ehlo.y", "a-b_c"}) {
    std::string name = Macro("192.0.2.1", helo, "example.com");
    SCOPED_TRACE(name);
    Reply r = Ask(name);
    ASSERT_EQ(r.msg.answer.size(), 1u) << r.msg.text;
    EXPECT_EQ(r.msg.answer[0].Text(), "v=spf1 ~all");
  }
  // Binary octets: ldns prints them escaped; the answer is still there.
  Reply r = Ask(Macro("203.0.113.7", "\\000\\255\\046.\\200", "example.com"));
  ASSERT_EQ(r.msg.answer.size(), 1u) << r.msg.text;
  EXPECT_EQ(r.msg.answer[0].Text(), "v=spf1 ip4:203.0.113.7 ~all");
}

TEST_F(SpfAnswerTest, AncestorsAreNodataNeverNxdomain) {
  std::string full = Macro("192.0.2.1", "mail.example.net", "example.com");
  std::vector<std::string> labels = absl::StrSplit(full, '.');
  // Every name from just below the zone down to the macro name's parent,
  // as a resolver minimising the query name walks them (RFC 9156).
  for (size_t k = labels.size() - 4; k >= 1; --k) {
    std::string name = absl::StrJoin(labels.begin() + k, labels.end(), ".");
    SCOPED_TRACE(name);
    Reply r = Ask(name);
    ExpectNodata(r);
    EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kNotAMacroName));
  }
  for (const char* name : {"_ehlo.example.com._spf.provider.test",
                           "_ip.mail.example.net._ehlo.example.com._spf.provider.test",
                           "nothing.at.all._spf.provider.test",
                           "192.0.2.01._ip.mx._ehlo.example.com._spf.provider.test",
                           "_nspf._spf.provider.test"}) {
    SCOPED_TRACE(name);
    ExpectNodata(Ask(name));
  }
}

TEST_F(SpfAnswerTest, OtherTypesAreNodata) {
  std::string name = Macro("203.0.113.7", "mail.example.net", "example.com");
  for (uint16_t qtype : {kTypeA, kTypeAaaa, kTypeNs, kTypeCname, kTypeSoa, kTypeHinfo}) {
    SCOPED_TRACE(qtype);
    ExpectNodata(Ask(name, qtype));
  }
  // ANY gets the TXT (RFC 8482: one RRset).
  ExpectTxt(Ask(name, kTypeAny), name, "v=spf1 ip4:203.0.113.7 ~all");
}

TEST_F(SpfAnswerTest, ZoneApexHasSoaAndNs) {
  Reply soa = Ask(kZone, kTypeSoa);
  ASSERT_EQ(soa.msg.answer.size(), 1u);
  EXPECT_EQ(soa.msg.answer[0].type, kTypeSoa);
  Reply ns = Ask(kZone, kTypeNs);
  EXPECT_EQ(ns.msg.answer.size(), 2u);
  ExpectNodata(Ask(kZone, kTypeTxt));
}

TEST_F(SpfAnswerTest, CutNamesOnTheWire) {
  // A receiver cut part of the IPv6 address away; the HELO is no sender's.
  std::string helo = absl::StrCat(std::string(60, 'a'), ".", std::string(60, 'b'), ".",
                                  std::string(50, 'c'), ".mx.unknown.test");
  std::string full = Macro(Nibbles("2001:db8:1::beef"), helo, "example.com");
  std::vector<std::string> labels = absl::StrSplit(full, '.');
  size_t k = 0;
  std::string name = full;
  while (name.size() > 253) name = absl::StrJoin(labels.begin() + ++k, labels.end(), ".");
  ASSERT_GT(k, 0u);
  SCOPED_TRACE(name);
  Reply r = Ask(name, kTypeTxt, /*edns=*/true);
  ExpectTxt(r, name, "v=spf1 include:example.com._nspf._spf.provider.test ~all");
  EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kTruncated));

  // The same with a sender's HELO, cut inside the nibbles: the HELO decides.
  helo = absl::StrCat(std::string(60, 'a'), ".", std::string(60, 'b'), ".",
                      std::string(20, 'c'), ".mail.outbound.protection.outlook.com");
  full = Macro(Nibbles("2001:db8:1::beef"), helo, "example.com");
  labels = absl::StrSplit(full, '.');
  k = 0;
  name = full;
  while (name.size() > 253) name = absl::StrJoin(labels.begin() + ++k, labels.end(), ".");
  ASSERT_LT(k, 32u);
  r = Ask(name, kTypeTxt, /*edns=*/true);
  ExpectTxt(r, name, "v=spf1 include:spf.protection.outlook.com ~all");
  EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kSenderHelo));
}

// ---- The terms rule: the domain's own terms ----------------------------------------

TEST_F(SpfAnswerTest, TermsOnTheWire) {
  std::string name = Macro("198.51.100.9", "Mail.Example.NET", "Shop.Terms.Example");
  Reply r = Ask(name);
  ExpectTxt(r, name,
            "v=spf1 exists:198.51.100.9._spf.mta.salesforce.com a:shop.terms.example "
            "ip4:198.18.0.0/15 include:%{l}._u.shop.terms.example._spf.vendor.test ~all");
  EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kTerms));
  EXPECT_TRUE(r.outcome.spf_ip_unidentified);
  // A subdomain whose name no SPF term can carry gets the domain's rule-7
  // answer, and is counted as rule 7.
  name = Macro("198.51.100.9", "mx.test", "a\\032b.terms.example");
  r = Ask(name);
  ExpectTxt(r, LdnsText(name).substr(0, LdnsText(name).size() - 1), "v=spf1 ~all");
  EXPECT_EQ(r.outcome.spf_rule, static_cast<int>(Rule::kDefault));
}

// ---- <domain>._nspf: the macro-free record ---------------------------------

TEST_F(SpfAnswerTest, NspfRecord) {
  std::string name = "example.com._nspf._spf.provider.test";
  Reply r = Ask(name);
  ExpectTxt(r, name,
            "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 ip4:40.92.1.0/24 ip4:40.92.0.0/15 "
            "ip6:2a01:111:f400::/48 ip4:205.201.128.0/20 ip4:167.89.0.0/17 ~all");
  EXPECT_EQ(r.outcome.zone_kind, dnsd::config::KindOf("spf"));
  EXPECT_EQ(r.outcome.spf_rule, -1);
  // Letter case of the question is kept here too.
  name = "Example.COM._NSPF._spf.provider.test";
  ExpectTxt(Ask(name), name,
            "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:1::/48 ip4:40.92.1.0/24 ip4:40.92.0.0/15 "
            "ip6:2a01:111:f400::/48 ip4:205.201.128.0/20 ip4:167.89.0.0/17 ~all");
}

// <domain>._nspf of a domain we do not serve: customers include it
// directly, so it answers like rule 1, never NODATA or NXDOMAIN.
TEST_F(SpfAnswerTest, NspfOfAnUnconfiguredDomain) {
  for (const char* name : {"unknown.test._nspf._spf.provider.test",
                           "Sub.Unknown.TEST._nspf._spf.provider.test"}) {
    SCOPED_TRACE(name);
    ExpectTxt(Ask(name), name, "v=spf1 ?all");
  }
}

// "com._nspf.<zone>" lies above example.com._nspf.<zone>, so the zone table
// holds it as an empty non-terminal; the pipeline answers it from the zone
// table (NODATA) before the SPF policy can say "?all". An unconfigured
// parent of a configured domain ("example.com" when only
// "mail.example.com" is configured) gets permerror where any other
// unconfigured domain gets "?all".
TEST_F(SpfAnswerTest, NspfOfAnUnconfiguredParentOfAConfiguredDomain) {
  std::string name = "com._nspf._spf.provider.test";
  ExpectTxt(Ask(name), name, "v=spf1 ?all");
}

TEST_F(SpfAnswerTest, NspfFailAllAndBlocked) {
  std::string name = "strict.example._nspf._spf.provider.test";
  ExpectTxt(Ask(name), name, "v=spf1 ip4:209.85.128.0/17 ip6:2607:f8b0:4000::/36 -all");
  name = "blocked.example._nspf._spf.provider.test";
  ExpectTxt(Ask(name), name, "v=spf1 -all");
  name = "stop.example.com._nspf._spf.provider.test";
  ExpectTxt(Ask(name), name, "v=spf1 ~all");
}

TEST_F(SpfAnswerTest, NspfChainWhenADomainHasManyNetblocks) {
  const config::ConfigSet config = TestConfig();
  const config::DomainConfig* many = nullptr;
  for (const auto& d : config.domains) {
    if (d.domain == "many.example") many = &d;
  }
  ASSERT_NE(many, nullptr);
  std::set<std::string> want;
  for (const IpPrefix& p : many->spf.netblocks) {
    want.insert(absl::StrCat(p.is_v4() ? "ip4:" : "ip6:", FormatIpPrefix(p)));
  }

  std::set<std::string> seen;
  std::string name = "many.example._nspf._spf.provider.test";
  int parts = 0;
  while (!name.empty()) {
    SCOPED_TRACE(name);
    ASSERT_LT(++parts, 10) << "the chain does not end";
    Reply r = Ask(name, kTypeTxt, /*edns=*/true);
    ASSERT_EQ(r.msg.answer.size(), 1u) << r.msg.text;
    EXPECT_EQ(r.msg.answer[0].owner, absl::StrCat(name, "."));
    std::string text = r.msg.answer[0].Text();
    std::vector<std::string> terms = absl::StrSplit(text, ' ');
    ASSERT_GE(terms.size(), 2u);
    EXPECT_EQ(terms.front(), "v=spf1");
    EXPECT_EQ(terms.back(), "~all");
    std::string next;
    for (size_t i = 1; i + 1 < terms.size(); ++i) {
      if (absl::StartsWith(terms[i], "include:")) {
        EXPECT_TRUE(next.empty()) << "two includes in one part";
        next = terms[i].substr(8);
        EXPECT_EQ(i, terms.size() - 2) << "the include comes last";
      } else {
        EXPECT_TRUE(seen.insert(terms[i]).second) << terms[i] << " twice";
      }
    }
    if (!next.empty()) {
      // Part k lives in a tree of its own, <domain>._nspf<k>.<zone>, so no
      // customer domain's name can be another's chain part.
      EXPECT_EQ(next, absl::StrCat("many.example._nspf", parts + 1, "._spf.provider.test"));
    }
    name = next;
  }
  EXPECT_GE(parts, 3);
  EXPECT_LE(parts, 7);  // RFC 7208 §4.6.4: with the customer's includes, within 10 look-ups
  EXPECT_EQ(seen, want);
  // Without EDNS a long part does not fit 512 octets: TC, and the resolver
  // retries over TCP.
  Reply r = Ask("many.example._nspf._spf.provider.test", kTypeTxt, /*edns=*/false);
  EXPECT_TRUE(r.msg.tc || r.msg.answer.size() == 1u);
  // A name past the chain's end is nothing a receiver is sent to: NODATA,
  // never NXDOMAIN.
  ExpectNodata(Ask(absl::StrCat("many.example._nspf", parts + 1, "._spf.provider.test")));
}

// ---- Configurations that must compile --------------------------------------

config::DomainConfig PlainDomain(absl::string_view name) {
  config::DomainConfig d;
  d.domain = std::string(name);
  d.file = absl::StrCat("domains/", name, ".yaml");
  d.mode = config::Mode::kEnforce;
  d.dmarc.p = "none";
  return d;
}

void SortDomains(config::ConfigSet& set) {
  set.domains.SortByName();
}

// A customer configures both a subdomain and its parent; the subdomain's
// name sorts first ("a.example.com" < "example.com"). Its DMARC CNAME
// target a.example.com._dmarc.provider.test makes example.com._dmarc.
// provider.test an empty non-terminal, which must not count as taken.
TEST(SpfCompileTest, AParentAndItsSubdomainBothCompile) {
  config::ConfigSet set = TestConfig();
  set.domains.push_back(PlainDomain("a.example.com"));
  SortDomains(set);
  auto compiled = config::CompileSnapshot(set, 1);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const auto& e : compiled->errors) ADD_FAILURE() << e.pos.file << ": " << e.message;
  const config::Snapshot& snap = *compiled->snapshot;
  EXPECT_NE(snap.zones.FindZoneByApex(*wire::NameFromText("_dmarc.example.com")), nullptr);
  const Node* target = snap.zones.FindNode(*wire::NameFromText("example.com._dmarc.provider.test"));
  ASSERT_NE(target, nullptr);
  EXPECT_NE(target->Find(kTypeTxt), nullptr);
}

// The TXT text dnsd answers at `name`, asked over TCP.
std::string TxtAt(const config::Snapshot& snap, const std::string& name) {
  QuerySpec spec;
  spec.name = name;
  std::vector<uint8_t> request = BuildQueryWithLdns(spec);
  std::vector<uint8_t> buffer(65535);
  Outcome outcome = HandleQuery(snap, request, Transport::kTcp, buffer);
  auto msg = ParseWithLdns(std::span<const uint8_t>(buffer.data(), outcome.size));
  if (!msg.ok() || msg->answer.size() != 1) return "";
  return msg->answer[0].Text();
}

// A customer domain named "2.many.example" has its own _nspf record at
// 2.many.example._nspf.<zone>, which was once the name of many.example's
// second chain part. One customer's name must not make the whole snapshot
// fail (a rejected reload for everyone), nor serve another domain's record.
TEST(SpfCompileTest, ADomainNamedLikeAnNspfChainPart) {
  config::ConfigSet set = TestConfig();
  set.domains.push_back(PlainDomain("2.many.example"));
  SortDomains(set);
  auto compiled = config::CompileSnapshot(set, 1);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const config::Snapshot& snap = *compiled->snapshot;
  EXPECT_EQ(TxtAt(snap, "2.many.example._nspf._spf.provider.test"), "v=spf1 ~all");
  EXPECT_THAT(TxtAt(snap, "many.example._nspf2._spf.provider.test"),
              ::testing::StartsWith("v=spf1 ip4:"));
}

// Each _nspf part fits a 1232-octet UDP answer, also for a long domain
// name, whose owner name and include: of the next part take ~250 octets
// each.
TEST(SpfCompileTest, NspfPartsOfALongDomainFitUdp) {
  config::ConfigSet set = TestConfig();
  std::string name = absl::StrCat(std::string(50, 'a'), ".", std::string(50, 'b'), ".",
                                  std::string(50, 'c'), ".", std::string(50, 'd'), ".example");
  config::DomainConfig d = PlainDomain(name);
  for (int i = 0; i < 120; ++i) {
    d.spf.netblocks.push_back(
        testing::Prefix(absl::StrCat("10.", 100 + i / 10, ".", i % 10 * 20, ".0/24")));
  }
  set.domains.push_back(d);
  SortDomains(set);
  auto snap = CompileOrDie(set);
  ASSERT_NE(snap, nullptr);
  std::string nspf = absl::StrCat(name, "._nspf._spf.provider.test");
  ASSERT_LE(nspf.size() + 1, 253u);  // "<d>._nspf2.<zone>" is still a legal include
  for (std::string part : {nspf, absl::StrCat(name, "._nspf2._spf.provider.test")}) {
    SCOPED_TRACE(part);
    QuerySpec spec;
    spec.name = part;
    spec.edns = true;
    std::vector<uint8_t> request = BuildQueryWithLdns(spec);
    std::vector<uint8_t> buffer(65535);
    Outcome outcome = HandleQuery(*snap, request, Transport::kUdp, buffer);
    ASSERT_GT(outcome.size, 0u);
    EXPECT_FALSE(outcome.truncated) << outcome.size << " octets";
    // Over TCP it is whole either way.
    outcome = HandleQuery(*snap, request, Transport::kTcp, buffer);
    auto msg = ParseWithLdns(std::span<const uint8_t>(buffer.data(), outcome.size));
    ASSERT_TRUE(msg.ok());
    ASSERT_EQ(msg->answer.size(), 1u);
    EXPECT_THAT(msg->answer[0].Text(), ::testing::StartsWith("v=spf1 ip4:10."));
  }
}

// The _nspf record is a compatibility extra; a domain whose netblocks and
// senders' ranges are too many to flatten into 7 parts (20 senders of a
// few dozen ranges each are enough) must still get its macro answers.
// Today the flattening error drops the whole domain from the SPF policy,
// so its own netblocks answer "?all".
TEST(SpfCompileTest, ADomainTooBigToFlattenKeepsItsMacroAnswers) {
  config::ConfigSet set = TestConfig();
  config::DomainConfig big = PlainDomain("big.example");
  for (int i = 0; i < 400; ++i) {
    big.spf.netblocks.push_back(
        testing::Prefix(absl::StrCat("10.", 200 + i / 200, ".", i % 200, ".0/24")));
  }
  big.spf.senders = {"office365"};
  set.domains.push_back(big);
  SortDomains(set);
  auto compiled = config::CompileSnapshot(set, 1);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  const MacroZone& spf = compiled->snapshot->spf;
  Decision d = Decide(spf, testing::LowerName("10.200.7.9._ip.mx.test._ehlo.big.example._spf.provider.test"));
  EXPECT_EQ(d.rule, Rule::kNetblock);
  d = Decide(spf, testing::LowerName("40.93.0.1._ip.mx.test._ehlo.big.example._spf.provider.test"));
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  // Served, with a fallback at <d>._nspf: a warning, which neither stops
  // `dnsd check` nor leaves the domain out (config/diagnostic.h's rule).
  ASSERT_EQ(compiled->errors.size(), 1u);
  EXPECT_EQ(compiled->errors[0].severity, config::Severity::kWarning);
  EXPECT_THAT(config::FormatDiagnostic(compiled->errors[0]),
              ::testing::HasSubstr(": warning: netblocks and sender ranges need"));
  EXPECT_EQ(config::CountErrors(compiled->errors), 0u);
}

// A domain's policy keeps sender numbers in two octets. A catalog numbers
// dozens, but numbers only grow while dnsd runs: one past 65,535 leaves
// the domain's SPF part out with an error that says so, never a number
// cut short that would name another sender.
TEST(SpfCompileTest, ASenderNumberPastTwoOctetsIsAnError) {
  config::ConfigSet set = TestConfig();
  for (int i = 0; i <= 65536; ++i) {
    config::Sender s;
    s.id = absl::StrCat("z", absl::Dec(i, absl::kZeroPad6));
    s.name = s.id;
    s.include = absl::StrCat(s.id, ".vendor.test");
    set.catalog.senders.push_back(std::move(s));
  }
  config::DomainConfig last = PlainDomain("last.example");
  last.spf.senders = {"z065536"};  // number 65,540: after the fixture's four
  config::DomainConfig below = PlainDomain("below.example");
  below.spf.senders = {"z065531"};  // number 65,535
  set.domains.push_back(last);
  set.domains.push_back(below);
  SortDomains(set);
  auto compiled = config::CompileSnapshot(set, 1);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_EQ(config::CountErrors(compiled->errors), 1u);
  EXPECT_THAT(compiled->errors[0].message, ::testing::HasSubstr("past the 65535"));
  const MacroZone& spf = compiled->snapshot->spf;
  EXPECT_EQ(FindDomain(spf, testing::LowerName("last.example").view()), nullptr);
  const DomainPolicy* kept = FindDomain(spf, testing::LowerName("below.example").view());
  ASSERT_NE(kept, nullptr);
  ASSERT_EQ(kept->senders.size(), 1u);
  EXPECT_EQ(spf.senders[kept->senders[0]].id, "z065531");
}

// However exactly the terms fill a part, its answer fits 1232 octets with
// EDNS. Searches (fixed seed) for the netblock set whose chain has the
// fullest part, then asks for that part through the pipeline. A part of
// ~1,150 octets of text is five character-strings, hence five length
// octets in the RDATA.
TEST(SpfCompileTest, NspfPartsFitUdpHoweverFullTheyAre) {
  config::ConfigSet set = TestConfig();
  std::mt19937 rng(7);
  auto owner = [](size_t i) {
    return i == 0 ? std::string("fill.example._nspf._spf.provider.test")
                  : absl::StrCat("fill.example._nspf", i + 1, "._spf.provider.test");
  };
  size_t worst_size = 0, worst_part = 0;
  config::DomainConfig worst;
  for (int candidate = 0; candidate < 3000; ++candidate) {
    config::DomainConfig d = PlainDomain("fill.example");
    int count = std::uniform_int_distribution<int>(60, 90)(rng);
    for (int i = 0; i < count; ++i) {
      IpPrefix p;
      uint8_t v4[4] = {static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                       static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())};
      p.address = IpAddress::FromV4(v4);
      p.length = static_cast<uint8_t>(96 + std::uniform_int_distribution<int>(8, 32)(rng));
      for (int bit = p.length; bit < 128; ++bit) {
        p.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
      }
      d.spf.netblocks.push_back(p);
    }
    auto parts = config::FlattenedSpf(d, set.catalog, "_spf.provider.test");
    if (!parts.ok()) continue;
    for (size_t i = 0; i < parts->size(); ++i) {
      size_t text = (*parts)[i].size();
      // Header, question, answer (pointer, fixed fields, RDATA), OPT.
      size_t size = 12 + (owner(i).size() + 2 + 4) + 2 + 10 + text + (text + 254) / 255 + 11;
      if (size > worst_size) {
        worst_size = size;
        worst_part = i;
        worst = d;
      }
    }
  }
  ASSERT_GT(worst_size, 1200u) << "the search should find a nearly full part";
  set.domains.push_back(worst);
  SortDomains(set);
  auto snap = CompileOrDie(set);
  ASSERT_NE(snap, nullptr);
  QuerySpec spec;
  spec.name = owner(worst_part);
  spec.edns = true;
  std::vector<uint8_t> request = BuildQueryWithLdns(spec);
  std::vector<uint8_t> buffer(65535);
  Outcome outcome = HandleQuery(*snap, request, Transport::kUdp, buffer);
  EXPECT_FALSE(outcome.truncated) << spec.name << ": a " << worst_size << "-octet answer";
  EXPECT_LE(outcome.size, 1232u);
}

// The largest terms a configuration may have (config/spf_budget.cc
// bounds them by kMaxTermsText at the worst expansion), for the longest
// query name: the answer fits a 1232-octet UDP answer; without EDNS it is
// TC, and whole over TCP.
TEST(SpfTermsAnswerSizeTest, TheLargestAnswerFitsUdp) {
  config::ConfigSet set = TestConfig();
  config::DomainConfig d = PlainDomain("big.example");
  d.include_subdomains = true;
  d.spf.terms = {"a:%{h}", "mx:%{d}", "exists:%{i}.%{d}.x.test"};
  size_t max_name = 253 - std::string("._spf.provider.test").size();
  size_t worst = std::string("v=spf1 ~all").size();
  for (const std::string& t : d.spf.terms) worst += 1 + WorstCaseTermLength(*CompileTerm(t), max_name);
  while (worst + 20 <= kMaxTermsText) {
    d.spf.terms.push_back(absl::StrCat("ip4:198.18.", d.spf.terms.size(), ".0/24"));
    worst += 1 + d.spf.terms.back().size();
  }
  ASSERT_GT(worst, kMaxTermsText - 20);
  set.domains.push_back(d);
  SortDomains(set);
  auto snap = CompileOrDie(set);
  ASSERT_NE(snap, nullptr);

  // The HELO and the domain as long as a 253-octet name allows.
  std::string ip = Nibbles("2001:db8::1");
  std::string domain = absl::StrCat(std::string(30, 'd'), ".big.example");
  std::string helo;
  size_t room = 253 - Macro(ip, "", domain).size();
  for (size_t i = 0; i < room; ++i) helo.push_back(i % 61 == 60 && i + 1 < room ? '.' : 'h');
  std::string name = Macro(ip, helo, domain);
  ASSERT_EQ(name.size(), 253u);
  for (bool edns : {true, false}) {
    SCOPED_TRACE(edns ? "EDNS" : "no EDNS");
    QuerySpec spec;
    spec.name = name;
    spec.edns = edns;
    std::vector<uint8_t> request = BuildQueryWithLdns(spec);
    std::vector<uint8_t> buffer(65535);
    Outcome outcome = HandleQuery(*snap, request, Transport::kUdp, buffer);
    EXPECT_EQ(outcome.spf_rule, static_cast<int>(Rule::kTerms));
    EXPECT_EQ(outcome.truncated, !edns);
    EXPECT_LE(outcome.size, edns ? 1232u : 512u);
  }
  QuerySpec spec;
  spec.name = name;
  std::vector<uint8_t> request = BuildQueryWithLdns(spec);
  std::vector<uint8_t> buffer(65535);
  Outcome outcome = HandleQuery(*snap, request, Transport::kTcp, buffer);
  auto msg = ParseWithLdns(std::span<const uint8_t>(buffer.data(), outcome.size));
  ASSERT_TRUE(msg.ok()) << msg.status();
  ASSERT_EQ(msg->answer.size(), 1u);
  std::string text = msg->answer[0].Text();
  EXPECT_THAT(text, ::testing::StartsWith(absl::StrCat("v=spf1 a:", helo, " mx:", domain,
                                                       " exists:", ip, ".", domain, ".x.test ")));
  // The bound counts %{h} and %{d} at 234 octets each, but both come from
  // one 253-octet name: real answers stay well below it.
  EXPECT_GE(msg->answer[0].strings.size(), 2u);
  for (const std::string& s : msg->answer[0].strings) EXPECT_LE(s.size(), 255u);
}

}  // namespace
}  // namespace dnsd::spf
