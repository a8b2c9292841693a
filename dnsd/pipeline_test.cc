// The whole query path, request bytes to response bytes, over a snapshot
// compiled from configuration built in C++. Every response is parsed by
// ldns, the independent referee.
#include "dnsd/pipeline.h"

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "config/compile.h"
#include "config/zone_kinds.h"
#include "policy/dkim/dkim.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/testing/rsa_keys.h"
#include "dnsd/protocol/wire/constants.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd {
namespace {

using namespace wire;  // NOLINT: protocol constants
using config::DkimKey;
using config::DkimKeyTags;
using config::DkimSelector;
using config::DomainConfig;
using config::Mode;
using config::ServerConfig;
using dnsd::testing::BuildQueryWithLdns;
using dnsd::testing::FromHex;
using dnsd::testing::ParseWithLdns;
using dnsd::testing::QuerySpec;
using dnsd::testing::RefereeMessage;
using dnsd::testing::RefereeRr;
using dnsd::testing::ToHex;
using dnsd::testing::WireBuilder;

constexpr char kDmarcExample[] = "v=DMARC1; p=reject; rua=mailto:dmarc@example.com";
constexpr char kRevoked[] = "v=DKIM1; p=";

DkimSelector KeySelector(absl::string_view selector, const std::string& b64, int bits) {
  DkimSelector s;
  s.selector = std::string(selector);
  DkimKeyTags tags;
  tags.public_key = b64;
  s.key = config::KeyOf(tags, bits);
  return s;
}

DkimSelector CnameSelector(absl::string_view selector, absl::string_view target) {
  DkimSelector s;
  s.selector = std::string(selector);
  s.key = config::CnameKey(std::string(target));
  return s;
}

DkimSelector RevokedSelector(absl::string_view selector) {
  DkimSelector s;
  s.selector = std::string(selector);
  s.key = config::RevokedKey();
  return s;
}

ServerConfig Server(uint32_t ttl = 300, uint32_t negative_ttl = 60) {
  ServerConfig server;
  server.udp_payload = 1232;
  config::ProviderSettings& p = server.provider;
  p.nameservers = {"ns1.provider.test", "ns2.provider.test"};
  p.hostmaster = "hostmaster.provider.test";
  p.spf_zone = "_spf.provider.test";
  p.dmarc_zone = "_dmarc.provider.test";
  p.report_domain = "reports.provider.test";
  p.ttl = ttl;
  p.negative_ttl = negative_ttl;
  return server;
}

struct Keys {
  std::string rsa2048;
  std::string rsa4096;
};

std::vector<DomainConfig> Domains(const Keys& keys, absl::string_view example_p = "reject") {
  std::vector<DomainConfig> domains;

  DomainConfig example;
  example.file = "domains/example.com.yaml";
  example.domain = "example.com";
  example.mode = Mode::kEnforce;
  example.dmarc.p = std::string(example_p);
  example.dmarc.rua = {"mailto:dmarc@example.com"};
  example.dkim.selectors = {KeySelector("s1", keys.rsa2048, 2048), KeySelector("big", keys.rsa4096, 4096),
                  CnameSelector("vendor", "s1.dkim.vendor.test"), RevokedSelector("old")};
  domains.push_back(example);

  DomainConfig blocked;
  blocked.file = "domains/blocked.example.yaml";
  blocked.domain = "blocked.example";
  blocked.mode = Mode::kBlocked;
  blocked.dmarc.p = "none";  // blocked overrides it: p=reject
  blocked.dkim.selectors = {KeySelector("s1", keys.rsa2048, 2048),
                  KeySelector("2024.mail", keys.rsa2048, 2048)};
  domains.push_back(blocked);

  DomainConfig reported;
  reported.file = "domains/reported.example.yaml";
  reported.domain = "reported.example";
  reported.mode = Mode::kMonitor;
  reported.dmarc.p = "none";
  reported.dmarc.rua = {"mailto:agg@reports.provider.test"};
  domains.push_back(reported);
  return domains;
}

std::unique_ptr<config::Snapshot> Compile(const ServerConfig& server,
                                          const std::vector<DomainConfig>& domains) {
  config::ConfigSet set;
  set.server = server;
  set.domains = domains;
  auto compiled = config::CompileSnapshot(set, /*generation=*/1);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return nullptr;
  for (const auto& error : compiled->errors) ADD_FAILURE() << error.message;
  return std::move(compiled->snapshot);
}

// What one request got back, already checked for what every response must be.
struct Reply {
  Outcome outcome;
  std::vector<uint8_t> bytes;
  RefereeMessage msg;
};

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keys_ = new Keys{dnsd::testing::kRsa2048Spki, dnsd::testing::kRsa4096Spki};
    snapshot_ = Compile(Server(), Domains(*keys_)).release();
    ASSERT_NE(snapshot_, nullptr);
  }
  static void TearDownTestSuite() {
    delete snapshot_;
    delete keys_;
  }

  // Sends `request` and checks the invariants every response holds.
  static Reply Send(const std::vector<uint8_t>& request, Transport transport, size_t limit,
                    const config::Snapshot* snapshot = nullptr) {
    Reply r;
    std::vector<uint8_t> buffer(65535);
    r.outcome = HandleQuery(snapshot ? *snapshot : *snapshot_, request, transport, buffer);
    EXPECT_LE(r.outcome.size, limit);
    r.bytes.assign(buffer.begin(), buffer.begin() + r.outcome.size);
    if (r.outcome.size == 0) return r;
    auto parsed = ParseWithLdns(r.bytes);
    EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << ToHex(r.bytes);
    if (!parsed.ok()) return r;
    r.msg = *std::move(parsed);
    EXPECT_TRUE(r.msg.qr);
    EXPECT_FALSE(r.msg.ra);  // no recursion, ever
    EXPECT_EQ(r.msg.extended_rcode, r.outcome.rcode);
    EXPECT_EQ(r.msg.tc, r.outcome.truncated);
    if (request.size() >= 2) {
      EXPECT_EQ(r.msg.id, request[0] << 8 | request[1]);
    }
    return r;
  }

  // Builds the query with ldns, sends it, checks the budget it implies.
  static Reply Ask(const QuerySpec& spec, Transport transport = Transport::kUdp,
                   const config::Snapshot* snapshot = nullptr) {
    std::vector<uint8_t> request = BuildQueryWithLdns(spec);
    EXPECT_FALSE(request.empty());
    size_t limit = 65535;
    if (transport == Transport::kUdp) {
      limit = spec.edns ? std::clamp<size_t>(spec.udp_size, 512, 1232) : 512;
    }
    Reply r = Send(request, transport, limit, snapshot);
    EXPECT_GT(r.outcome.size, 0u) << spec.name;
    // The question comes back as asked, letter case and all.
    if (r.msg.question.size() == 1) {
      EXPECT_EQ(r.msg.question[0].owner, absl::EndsWith(spec.name, ".")
                                             ? spec.name
                                             : absl::StrCat(spec.name, "."));
      EXPECT_EQ(r.msg.question[0].type, spec.qtype);
      EXPECT_EQ(r.msg.question[0].rr_class, spec.qclass);
    } else {
      ADD_FAILURE() << "no question echoed for " << spec.name;
    }
    EXPECT_EQ(r.msg.rd, spec.rd);
    return r;
  }

  static Reply Ask(absl::string_view name, uint16_t qtype,
                   Transport transport = Transport::kUdp) {
    QuerySpec spec;
    spec.name = std::string(name);
    spec.qtype = qtype;
    return Ask(spec, transport);
  }

  static QuerySpec Edns(absl::string_view name, uint16_t qtype, uint16_t udp_size = 1232) {
    QuerySpec spec;
    spec.name = std::string(name);
    spec.qtype = qtype;
    spec.edns = true;
    spec.udp_size = udp_size;
    return spec;
  }

  // The serial in the SOA of the zone at `apex`.
  static uint32_t SerialOf(absl::string_view apex, const config::Snapshot* snapshot = nullptr) {
    QuerySpec spec;
    spec.name = std::string(apex);
    spec.qtype = kTypeSoa;
    Reply r = Ask(spec, Transport::kUdp, snapshot);
    EXPECT_EQ(r.msg.answer.size(), 1u) << apex;
    if (r.msg.answer.size() != 1 || r.msg.answer[0].fields.size() != 7) return 0;
    return static_cast<uint32_t>(std::stoul(r.msg.answer[0].fields[2]));
  }

  // NOERROR/NODATA or NXDOMAIN with the zone's SOA (RFC 2308 §2-3).
  static void ExpectNegative(const Reply& r, uint16_t rcode, absl::string_view apex) {
    EXPECT_EQ(r.msg.rcode, rcode);
    EXPECT_TRUE(r.msg.aa);
    EXPECT_EQ(r.msg.ancount, 0);
    ASSERT_EQ(r.msg.authority.size(), 1u);
    const RefereeRr& soa = r.msg.authority[0];
    EXPECT_EQ(soa.owner, absl::StrCat(apex, "."));
    EXPECT_EQ(soa.type, kTypeSoa);
    EXPECT_EQ(soa.ttl, 60u);  // min(ttl 300, negative_ttl 60)
    ASSERT_EQ(soa.fields.size(), 7u);
    EXPECT_EQ(soa.fields[0], "ns1.provider.test.");
    EXPECT_EQ(soa.fields[1], "hostmaster.provider.test.");
    EXPECT_EQ(soa.fields[2], absl::StrCat(SerialOf(apex)));  // the zone's own serial
    EXPECT_EQ(soa.fields[6], "60");
  }

  static void ExpectTxt(const Reply& r, absl::string_view owner, absl::string_view text) {
    EXPECT_EQ(r.msg.rcode, kNoError);
    EXPECT_TRUE(r.msg.aa);
    EXPECT_FALSE(r.msg.tc);
    EXPECT_EQ(r.msg.nscount, 0);
    ASSERT_EQ(r.msg.answer.size(), 1u);
    const RefereeRr& rr = r.msg.answer[0];
    EXPECT_EQ(rr.owner, absl::StrCat(owner, "."));
    EXPECT_EQ(rr.type, kTypeTxt);
    EXPECT_EQ(rr.rr_class, kClassIn);
    EXPECT_EQ(rr.ttl, 300u);
    EXPECT_EQ(rr.Text(), text);
    for (const std::string& s : rr.strings) EXPECT_LE(s.size(), 255u);
  }

  static std::string DkimText(const std::string& b64) {
    return absl::StrCat("v=DKIM1; k=rsa; p=", b64);
  }

  static Keys* keys_;
  static config::Snapshot* snapshot_;
};

Keys* PipelineTest::keys_ = nullptr;
config::Snapshot* PipelineTest::snapshot_ = nullptr;

TEST_F(PipelineTest, TestKeysAreRealKeys) {
  // The fixtures' keys decode as what the domain files claim they are.
  auto bits2048 = config::CheckDkimPublicKey("rsa", keys_->rsa2048);
  ASSERT_TRUE(bits2048.ok()) << bits2048.status();
  EXPECT_EQ(*bits2048, 2048);
  auto bits4096 = config::CheckDkimPublicKey("rsa", keys_->rsa4096);
  ASSERT_TRUE(bits4096.ok()) << bits4096.status();
  EXPECT_EQ(*bits4096, 4096);
}

// ---- DMARC -----------------------------------------------------------------

TEST_F(PipelineTest, DmarcTxtAtTheDelegatedName) {
  Reply r = Ask("_dmarc.example.com", kTypeTxt);
  ExpectTxt(r, "_dmarc.example.com", kDmarcExample);
  EXPECT_EQ(r.outcome.zone_kind, config::KindOf("dmarc"));
}

TEST_F(PipelineTest, DmarcTxtAtTheCnameTarget) {
  Reply r = Ask("example.com._dmarc.provider.test", kTypeTxt);
  ExpectTxt(r, "example.com._dmarc.provider.test", kDmarcExample);
  EXPECT_EQ(r.outcome.zone_kind, config::KindOf("dmarc_targets"));
}

TEST_F(PipelineTest, ModesShapeTheDmarcRecord) {
  ExpectTxt(Ask("_dmarc.reported.example", kTypeTxt), "_dmarc.reported.example",
            "v=DMARC1; p=none; rua=mailto:agg@reports.provider.test");
  Reply blocked = Ask("_dmarc.blocked.example", kTypeTxt);
  ASSERT_EQ(blocked.msg.answer.size(), 1u);
  EXPECT_EQ(blocked.msg.answer[0].Text().substr(0, 20), "v=DMARC1; p=reject; ");
}

TEST_F(PipelineTest, QuestionCaseIsEchoed) {
  Reply r = Ask("_DmArC.Example.COM", kTypeTxt);  // Ask checks the question
  ExpectTxt(r, "_DmArC.Example.COM", kDmarcExample);
  Reply nx = Ask("NoPe._DomainKey.EXAMPLE.com", kTypeTxt);
  ASSERT_EQ(nx.msg.authority.size(), 1u);
  EXPECT_EQ(nx.msg.authority[0].owner, "_DomainKey.EXAMPLE.com.");
}

// ---- DKIM ------------------------------------------------------------------

TEST_F(PipelineTest, DkimKey) {
  Reply r = Ask("s1._domainkey.example.com", kTypeTxt);
  ExpectTxt(r, "s1._domainkey.example.com", DkimText(keys_->rsa2048));
  EXPECT_EQ(r.outcome.zone_kind, config::KindOf("domainkey"));
  EXPECT_GT(r.msg.answer[0].strings.size(), 1u);  // a 2048-bit key needs two strings
}

TEST_F(PipelineTest, DkimCname) {
  for (uint16_t qtype : std::initializer_list<uint16_t>{kTypeTxt, kTypeCname, kTypeAny}) {
    Reply r = Ask("vendor._domainkey.example.com", qtype);
    EXPECT_EQ(r.msg.rcode, kNoError);
    EXPECT_TRUE(r.msg.aa);
    ASSERT_EQ(r.msg.answer.size(), 1u) << qtype;
    EXPECT_EQ(r.msg.answer[0].type, kTypeCname);
    EXPECT_EQ(r.msg.answer[0].ttl, 300u);
    ASSERT_EQ(r.msg.answer[0].fields.size(), 1u);
    EXPECT_EQ(r.msg.answer[0].fields[0], "s1.dkim.vendor.test.");
  }
}

TEST_F(PipelineTest, RevokedSelector) {
  ExpectTxt(Ask("old._domainkey.example.com", kTypeTxt), "old._domainkey.example.com", kRevoked);
}

TEST_F(PipelineTest, BlockedDomainRevokesEverySelector) {
  // Configured selectors, unknown ones, and multi-label ones alike.
  for (absl::string_view name :
       {"s1._domainkey.blocked.example", "2024.mail._domainkey.blocked.example",
        "unknown._domainkey.blocked.example", "a.b.c._domainkey.blocked.example",
        "S2._DOMAINKEY.Blocked.Example"}) {
    SCOPED_TRACE(name);
    ExpectTxt(Ask(name, kTypeTxt), name, kRevoked);
  }
}

TEST_F(PipelineTest, BlockedDomainRevokesSelectorsThatAreAlsoEmptyNonTerminals) {
  // "2024.mail" is configured, so "mail" is an empty non-terminal; a
  // verifier asking for selector "mail" must still get the revoked key.
  ExpectTxt(Ask("mail._domainkey.blocked.example", kTypeTxt), "mail._domainkey.blocked.example",
            kRevoked);
}

// ---- large keys, truncation, TCP ------------------------------------------------

TEST_F(PipelineTest, LargeKeyFitsWithEdns) {
  Reply r = Ask(Edns("big._domainkey.example.com", kTypeTxt, 1232));
  ExpectTxt(r, "big._domainkey.example.com", DkimText(keys_->rsa4096));
  EXPECT_GT(r.outcome.size, 512u);
  EXPECT_EQ(r.msg.answer[0].strings.size(), 3u);  // 754 octets in 255-octet strings
  EXPECT_TRUE(r.msg.edns);
  EXPECT_EQ(r.msg.edns_udp_size, 1232);
}

TEST_F(PipelineTest, LargeKeyTruncatesWithoutEdns) {
  Reply r = Ask("big._domainkey.example.com", kTypeTxt);
  EXPECT_TRUE(r.msg.tc);
  EXPECT_TRUE(r.outcome.truncated);
  EXPECT_TRUE(r.msg.aa);
  EXPECT_EQ(r.msg.rcode, kNoError);
  EXPECT_EQ(r.msg.ancount, 0);
  EXPECT_TRUE(r.msg.answer.empty());
  EXPECT_LE(r.outcome.size, 512u);
}

TEST_F(PipelineTest, LargeKeyTruncatesWithSmallEdnsBuffer) {
  Reply r = Ask(Edns("big._domainkey.example.com", kTypeTxt, 512));
  EXPECT_TRUE(r.msg.tc);
  EXPECT_TRUE(r.msg.edns);
  EXPECT_TRUE(r.msg.answer.empty());
}

TEST_F(PipelineTest, LargeKeyOverTcpIsWhole) {
  Reply r = Ask("big._domainkey.example.com", kTypeTxt, Transport::kTcp);
  ExpectTxt(r, "big._domainkey.example.com", DkimText(keys_->rsa4096));
  EXPECT_FALSE(r.outcome.truncated);
}

// ---- negative answers ------------------------------------------------------------

TEST_F(PipelineTest, NoDataCarriesTheSoa) {
  Reply r = Ask("_dmarc.example.com", kTypeAaaa);
  ExpectNegative(r, kNoError, "_dmarc.example.com");
  Reply ent = Ask("com._dmarc.provider.test", kTypeTxt);  // an empty non-terminal
  ExpectNegative(ent, kNoError, "_dmarc.provider.test");
}

TEST_F(PipelineTest, NxDomainCarriesTheSoa) {
  Reply r = Ask("unknown._domainkey.example.com", kTypeTxt);
  ExpectNegative(r, kNxDomain, "_domainkey.example.com");
  EXPECT_EQ(r.outcome.rcode, kNxDomain);
  Reply deep = Ask("x.y._dmarc.example.com", kTypeTxt);
  ExpectNegative(deep, kNxDomain, "_dmarc.example.com");
  Reply target = Ask("nobody.example._dmarc.provider.test", kTypeTxt);
  ExpectNegative(target, kNxDomain, "_dmarc.provider.test");
}

TEST_F(PipelineTest, NegativeTtlIsTheSmallerOfTtlAndMinimum) {
  Keys keys = *keys_;
  auto short_ttl = Compile(Server(/*ttl=*/30, /*negative_ttl=*/60), Domains(keys));
  ASSERT_NE(short_ttl, nullptr);
  QuerySpec spec;
  spec.name = "nope._domainkey.example.com";
  Reply r = Ask(spec, Transport::kUdp, short_ttl.get());
  EXPECT_EQ(r.msg.rcode, kNxDomain);
  ASSERT_EQ(r.msg.authority.size(), 1u);
  EXPECT_EQ(r.msg.authority[0].ttl, 30u);
  EXPECT_EQ(r.msg.authority[0].fields[6], "60");  // MINIMUM is the negative TTL
}

// ---- apex records ------------------------------------------------------------------

TEST_F(PipelineTest, SoaAndNsAtEveryApex) {
  for (absl::string_view apex :
       {"_dmarc.example.com", "_domainkey.example.com", "_dmarc.provider.test",
        "_report._dmarc.reports.provider.test", "_domainkey.blocked.example"}) {
    SCOPED_TRACE(apex);
    Reply soa = Ask(apex, kTypeSoa);
    EXPECT_EQ(soa.msg.rcode, kNoError);
    EXPECT_TRUE(soa.msg.aa);
    ASSERT_EQ(soa.msg.answer.size(), 1u);
    const RefereeRr& rr = soa.msg.answer[0];
    EXPECT_EQ(rr.owner, absl::StrCat(apex, "."));
    EXPECT_EQ(rr.ttl, 300u);
    ASSERT_EQ(rr.fields.size(), 7u);
    EXPECT_EQ(rr.fields[0], "ns1.provider.test.");
    EXPECT_EQ(rr.fields[1], "hostmaster.provider.test.");
    EXPECT_NE(rr.fields[2], "0");  // a digest of the zone, patched in
    EXPECT_EQ(rr.fields[3], "3600");
    EXPECT_EQ(rr.fields[4], "600");
    EXPECT_EQ(rr.fields[5], "1209600");
    EXPECT_EQ(rr.fields[6], "60");

    Reply ns = Ask(apex, kTypeNs);
    EXPECT_EQ(ns.msg.rcode, kNoError);
    EXPECT_TRUE(ns.msg.aa);
    ASSERT_EQ(ns.msg.answer.size(), 2u);
    EXPECT_EQ(ns.msg.answer[0].fields[0], "ns1.provider.test.");
    EXPECT_EQ(ns.msg.answer[1].fields[0], "ns2.provider.test.");
    EXPECT_EQ(ns.msg.answer[0].ttl, 300u);
  }
}

TEST_F(PipelineTest, AnyGetsOneRRset) {
  // RFC 8482: one RRset, not everything.
  Reply dmarc = Ask("_dmarc.example.com", kTypeAny);
  EXPECT_EQ(dmarc.msg.rcode, kNoError);
  ASSERT_EQ(dmarc.msg.answer.size(), 1u);
  EXPECT_EQ(dmarc.msg.answer[0].type, kTypeTxt);
  EXPECT_EQ(dmarc.msg.answer[0].Text(), kDmarcExample);
  Reply apex = Ask("_domainkey.example.com", kTypeAny);
  ASSERT_EQ(apex.msg.answer.size(), 1u);
  EXPECT_EQ(apex.msg.answer[0].type, kTypeSoa);
}

// ---- refusals ------------------------------------------------------------------------

TEST_F(PipelineTest, NamesOutsideOurZonesAreRefused) {
  for (absl::string_view name : {"example.com", "www.example.com", "provider.test",
                                 "reports.provider.test", "x_dmarc.example.com", "."}) {
    SCOPED_TRACE(name);
    QuerySpec spec;
    spec.name = std::string(name);
    spec.rd = true;
    Reply r = Ask(spec);
    EXPECT_EQ(r.msg.rcode, kRefused);
    EXPECT_FALSE(r.msg.aa);
    EXPECT_TRUE(r.msg.rd);
    EXPECT_EQ(r.msg.ancount, 0);
    EXPECT_EQ(r.msg.nscount, 0);
    EXPECT_EQ(r.outcome.zone_kind, -1);
  }
}

TEST_F(PipelineTest, ZoneTransfersAreRefused) {
  for (uint16_t qtype : std::initializer_list<uint16_t>{kTypeAxfr, kTypeIxfr}) {
    Reply r = Ask("_dmarc.example.com", qtype, Transport::kTcp);
    EXPECT_EQ(r.msg.rcode, kRefused);
    EXPECT_FALSE(r.msg.aa);
    EXPECT_EQ(r.msg.ancount, 0);
  }
}

TEST_F(PipelineTest, IxfrWithTheClientsSoaIsRefused) {
  // RFC 1995 §3: the client's SOA rides in AUTHORITY. Not FORMERR.
  QuerySpec spec;
  spec.name = "_dmarc.example.com";
  spec.qtype = kTypeIxfr;
  spec.authority = {"_dmarc.example.com. 0 IN SOA ns1.provider.test. hostmaster.provider.test. "
                    "1 3600 600 1209600 60"};
  for (Transport transport : {Transport::kTcp, Transport::kUdp}) {
    Reply r = Ask(spec, transport);
    EXPECT_EQ(r.msg.rcode, kRefused);
    EXPECT_FALSE(r.msg.aa);
    EXPECT_EQ(r.msg.ancount, 0);
    EXPECT_EQ(r.msg.nscount, 0);  // the client's SOA is not echoed
    EXPECT_EQ(r.outcome.zone_kind, -1);
  }
}

// ---- the server's identity: NSID and CHAOS -------------------------------------------

// The shared snapshot with `identity` set in the server file.
std::unique_ptr<config::Snapshot> WithIdentity(const Keys& keys, absl::string_view identity) {
  ServerConfig server = Server();
  server.identity = std::string(identity);
  return Compile(server, Domains(keys));
}

QuerySpec Chaos(absl::string_view name, uint16_t qtype = kTypeTxt) {
  QuerySpec spec;
  spec.name = std::string(name);
  spec.qtype = qtype;
  spec.qclass = kClassCh;
  return spec;
}

TEST_F(PipelineTest, ChaosIdentityAnswersTheIdentity) {
  auto snapshot = WithIdentity(*keys_, "ns1.provider.test (fra-3)");
  ASSERT_NE(snapshot, nullptr);
  for (const char* name : {"id.server", "hostname.bind", "Id.SERVER"}) {
    for (uint16_t qtype : {uint16_t{kTypeTxt}, uint16_t{kTypeAny}}) {
      for (Transport transport : {Transport::kUdp, Transport::kTcp}) {
        SCOPED_TRACE(absl::StrCat(name, " ", qtype));
        Reply r = Ask(Chaos(name, qtype), transport, snapshot.get());
        EXPECT_EQ(r.msg.rcode, kNoError);
        EXPECT_TRUE(r.msg.aa);
        EXPECT_EQ(r.msg.nscount, 0);
        ASSERT_EQ(r.msg.answer.size(), 1u) << r.msg.text;
        const RefereeRr& rr = r.msg.answer[0];
        EXPECT_EQ(rr.owner, absl::StrCat(name, absl::EndsWith(name, ".") ? "" : "."));
        EXPECT_EQ(rr.type, kTypeTxt);
        EXPECT_EQ(rr.rr_class, kClassCh);
        EXPECT_EQ(rr.ttl, 0u);
        EXPECT_EQ(rr.Text(), "ns1.provider.test (fra-3)");
        EXPECT_EQ(r.outcome.zone_kind, -1);
      }
    }
  }
  // Other CHAOS names and types: REFUSED, as before.
  for (QuerySpec spec : {Chaos("version.bind"), Chaos("id.server", kTypeA),
                         Chaos("x.hostname.bind")}) {
    Reply r = Ask(spec, Transport::kUdp, snapshot.get());
    EXPECT_EQ(r.msg.rcode, kRefused) << spec.name;
    EXPECT_EQ(r.msg.ancount, 0);
  }
}

TEST_F(PipelineTest, WithoutIdentityChaosNamesAreRefused) {
  // The shared snapshot sets no identity: NSD's hide-identity.
  ASSERT_TRUE(snapshot_->identity.empty());
  for (const char* name : {"id.server", "hostname.bind", "version.bind"}) {
    Reply r = Ask(Chaos(name), Transport::kUdp);
    EXPECT_EQ(r.msg.rcode, kRefused) << name;
    EXPECT_FALSE(r.msg.aa);
    EXPECT_EQ(r.msg.ancount, 0);
  }
}

TEST_F(PipelineTest, NsidCarriesTheIdentity) {
  auto snapshot = WithIdentity(*keys_, "ns2");
  ASSERT_NE(snapshot, nullptr);
  QuerySpec spec = Edns("_dmarc.example.com", kTypeTxt);
  spec.nsid = true;
  Reply r = Ask(spec, Transport::kUdp, snapshot.get());
  ExpectTxt(r, "_dmarc.example.com", kDmarcExample);
  ASSERT_EQ(r.msg.edns_options.size(), 1u) << r.msg.text;
  EXPECT_EQ(r.msg.edns_options[0].first, kEdnsOptionNsid);
  EXPECT_EQ(r.msg.edns_options[0].second, "ns2");
  // Also on REFUSED outside our zones and on the CHAOS answer itself.
  QuerySpec outside = Edns("example.org", kTypeTxt);
  outside.nsid = true;
  Reply o = Ask(outside, Transport::kTcp, snapshot.get());
  EXPECT_EQ(o.msg.rcode, kRefused);
  ASSERT_EQ(o.msg.edns_options.size(), 1u);
  EXPECT_EQ(o.msg.edns_options[0].second, "ns2");
  QuerySpec chaos = Chaos("id.server");
  chaos.edns = true;
  chaos.nsid = true;
  Reply c = Ask(chaos, Transport::kUdp, snapshot.get());
  EXPECT_EQ(c.msg.answer.size(), 1u);
  ASSERT_EQ(c.msg.edns_options.size(), 1u);

  // Not asked for: not sent.
  Reply plain = Ask(Edns("_dmarc.example.com", kTypeTxt), Transport::kUdp, snapshot.get());
  EXPECT_TRUE(plain.msg.edns_options.empty());
}

TEST_F(PipelineTest, NoNsidWithoutIdentity) {
  QuerySpec spec = Edns("_dmarc.example.com", kTypeTxt);
  spec.nsid = true;
  Reply r = Ask(spec);
  ExpectTxt(r, "_dmarc.example.com", kDmarcExample);
  EXPECT_TRUE(r.msg.edns);
  EXPECT_TRUE(r.msg.edns_options.empty());
}

TEST_F(PipelineTest, BadVersionOverUdp) {
  QuerySpec spec = Edns("_dmarc.example.com", kTypeTxt);
  spec.edns_version = 1;
  spec.do_bit = true;
  Reply r = Ask(spec);
  EXPECT_EQ(r.msg.extended_rcode, kBadVers);
  EXPECT_EQ(r.outcome.rcode, kBadVers);
  EXPECT_TRUE(r.msg.edns);
  EXPECT_EQ(r.msg.edns_version, 0);
  EXPECT_TRUE(r.msg.edns_do);
  EXPECT_EQ(r.msg.ancount, 0);
}

TEST_F(PipelineTest, EdnsAnswerCarriesOpt) {
  QuerySpec spec = Edns("_dmarc.example.com", kTypeTxt, 4096);
  spec.do_bit = true;
  Reply r = Ask(spec);
  ExpectTxt(r, "_dmarc.example.com", kDmarcExample);
  EXPECT_TRUE(r.msg.edns);
  EXPECT_EQ(r.msg.edns_udp_size, 1232);  // ours, not theirs
  EXPECT_TRUE(r.msg.edns_do);
  EXPECT_EQ(r.msg.edns_extended_rcode, 0);
}

// ---- report authorisations ------------------------------------------------------------

TEST_F(PipelineTest, ReportAuthorisationOnlyForRuaAtProvider) {
  Reply yes = Ask("reported.example._report._dmarc.reports.provider.test", kTypeTxt);
  ExpectTxt(yes, "reported.example._report._dmarc.reports.provider.test", "v=DMARC1");
  EXPECT_EQ(yes.outcome.zone_kind, config::KindOf("report"));
  Reply no = Ask("example.com._report._dmarc.reports.provider.test", kTypeTxt);
  ExpectNegative(no, kNxDomain, "_report._dmarc.reports.provider.test");
}

// ---- serials -------------------------------------------------------------------------------

TEST_F(PipelineTest, SerialsFollowContent) {
  uint32_t dmarc = SerialOf("_dmarc.example.com");
  uint32_t dkim = SerialOf("_domainkey.example.com");
  uint32_t other = SerialOf("_dmarc.reported.example");
  EXPECT_NE(dmarc, dkim);
  EXPECT_NE(dmarc, other);
  EXPECT_NE(dkim, other);

  // The same configuration compiles to the same serials.
  auto again = Compile(Server(), Domains(*keys_));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(SerialOf("_dmarc.example.com", again.get()), dmarc);
  EXPECT_EQ(SerialOf("_domainkey.example.com", again.get()), dkim);
  EXPECT_EQ(SerialOf("_dmarc.reported.example", again.get()), other);
  EXPECT_EQ(SerialOf("_dmarc.provider.test", again.get()), SerialOf("_dmarc.provider.test"));

  // A changed policy changes that zone's serial and no unrelated one.
  auto changed = Compile(Server(), Domains(*keys_, "quarantine"));
  ASSERT_NE(changed, nullptr);
  EXPECT_NE(SerialOf("_dmarc.example.com", changed.get()), dmarc);
  EXPECT_EQ(SerialOf("_domainkey.example.com", changed.get()), dkim);
  EXPECT_EQ(SerialOf("_dmarc.reported.example", changed.get()), other);
  // The CNAME-target zone serves the changed record too.
  EXPECT_NE(SerialOf("_dmarc.provider.test", changed.get()), SerialOf("_dmarc.provider.test"));
}

// ---- garbage --------------------------------------------------------------------------

TEST_F(PipelineTest, ShortGarbageIsDropped) {
  std::mt19937 rng(20240615);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> garbage(5);
    for (uint8_t& b : garbage) b = static_cast<uint8_t>(rng());
    for (Transport t : {Transport::kUdp, Transport::kTcp}) {
      std::vector<uint8_t> buffer(65535);
      Outcome out = HandleQuery(*snapshot_, garbage, t, buffer);
      EXPECT_EQ(out.size, 0u) << ToHex(garbage);
    }
  }
}

TEST_F(PipelineTest, ResponsesAreDropped) {
  Reply asked = Ask("_dmarc.example.com", kTypeTxt);
  ASSERT_GT(asked.bytes.size(), 12u);
  // Feeding our own response back in must not produce another (no loops).
  Reply echo = Send(asked.bytes, Transport::kUdp, 0);
  EXPECT_EQ(echo.outcome.size, 0u);
}

TEST_F(PipelineTest, FormErrEchoesWhatItCan) {
  auto request = WireBuilder().Header(0x5151, kFlagRd, 2).Question("_dmarc.example.com", 16)
                     .Question("_dmarc.example.com", 16).Build();
  Reply r = Send(request, Transport::kUdp, 512);
  EXPECT_EQ(r.msg.rcode, kFormErr);
  EXPECT_FALSE(r.msg.aa);
  EXPECT_EQ(r.msg.ancount, 0);
  EXPECT_LE(r.msg.qdcount, 1);
}

TEST_F(PipelineTest, CompressedQuestionIsNeverEchoedAsAnotherName) {
  // A question name may end in a pointer into the header or into itself.
  // The octets around the question differ between request and response, so
  // echoing such a question verbatim would name something else. Whatever
  // dnsd answers, ldns must read back the question that was asked.
  std::vector<std::vector<uint8_t>> requests;
  for (uint16_t target = 0; target < kHeaderSize; ++target) {
    WireBuilder b;
    b.Header(0x0000, 0x0000, 1).U8(6).Raw("_dmarc").U8(7).Raw("example").U8(3).Raw("com");
    b.Pointer(target).U16(kTypeTxt).U16(kClassIn);
    requests.push_back(b.Build());
  }
  // Found by packet_fuzzer (tests/fuzz/corpus/packet/found_*): a pointer
  // into the name itself whose label runs past the end of the question.
  requests.push_back(FromHex("1234 0000 0001 0000 0000 0000  02 07 78 c00d  0010 0001  00"));
  // The same inside a zone: the name runs on into the owner of an
  // additional record, "_domainkey.blocked.example", whose wildcard answers;
  // the answer's owner is a pointer to the echoed question.
  requests.push_back(WireBuilder()
                         .Header(0x4444, 0, 1, 0, 0, 1)
                         .U8(2).U8(7).U8('x').Pointer(kHeaderSize + 1).U16(kTypeTxt).U16(kClassIn)
                         .Name("_domainkey.blocked.example").U16(kTypeTxt).U16(kClassIn).U32(0)
                         .U16(0)
                         .Build());
  for (const auto& request : requests) {
    SCOPED_TRACE(ToHex(request));
    auto asked = dnsd::testing::NameAtWithLdns(request, kHeaderSize);
    Reply r = Send(request, Transport::kUdp, 512);
    if (r.outcome.size == 0 || r.msg.question.empty()) continue;  // dropped or FORMERR
    ASSERT_TRUE(asked.ok()) << asked.status();
    EXPECT_EQ(r.msg.question[0].owner, *asked) << ToHex(r.bytes);
    for (const RefereeRr& rr : r.msg.answer) EXPECT_EQ(rr.owner, *asked);
  }
}

// ---- golden bytes ------------------------------------------------------------------------
//
// Query bytes in, expected response bytes out: any change on the wire, in
// flags, order, compression or serial, shows up here.

// The serial of _dmarc.example.com: FNV-1a 64 over the apex, the owner and
// the TXT record as kept (its TTL field 0x80000000, the zone TTL), each
// followed by a 0xff round, folded to 32 bits (config::SerialDigest); XOR
// the same digest over the shared SOA (TTL 300), the negative SOA (TTL 60),
// the NS records (TTL 300) and the zone TTL as 8 octets little-endian
// (ZoneCommon::serial_mix). Worked out independently of dnsd, in Python,
// from that description.
constexpr char kGoldenDmarcSerialHex[] = "1db732af";

std::vector<uint8_t> Respond(const config::Snapshot& snapshot, const std::vector<uint8_t>& q,
                             Transport transport = Transport::kUdp) {
  std::vector<uint8_t> buffer(65535);
  Outcome out = HandleQuery(snapshot, q, transport, buffer);
  return {buffer.begin(), buffer.begin() + out.size};
}

TEST_F(PipelineTest, GoldenDmarcAnswer) {
  // ID 0xabcd, RD; _dmarc.example.com TXT IN; no EDNS.
  auto query = FromHex(
      "abcd 0100 0001 0000 0000 0000"
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  0010 0001");
  auto expected = FromHex(
      "abcd 8500 0001 0001 0000 0000"                  // QR AA RD, NOERROR, 1 answer
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  0010 0001"
      "c00c 0010 0001 0000012c 0031"                   // owner -> question, TTL 300, 49
      "30"                                              // one 48-octet string
      "763d444d415243313b20703d72656a6563743b20"        // v=DMARC1; p=reject;_
      "7275613d6d61696c746f3a646d617263406578616d706c652e636f6d");  // rua=mailto:...
  EXPECT_EQ(ToHex(Respond(*snapshot_, query)), ToHex(expected));
  // Over TCP the same bytes (the length prefix is the server's business).
  EXPECT_EQ(ToHex(Respond(*snapshot_, query, Transport::kTcp)), ToHex(expected));
}

TEST_F(PipelineTest, GoldenRefusedWithEdns) {
  // ID 0x0102, RD CD; www.example.org A IN; OPT 4096 with DO.
  auto query = FromHex(
      "0102 0110 0001 0000 0000 0001"
      "03 777777 07 6578616d706c65 03 6f7267 00  0001 0001"
      "00 0029 1000 00 00 8000 0000");
  auto expected = FromHex(
      "0102 8115 0001 0000 0000 0001"                  // QR RD CD, REFUSED, no AA
      "03 777777 07 6578616d706c65 03 6f7267 00  0001 0001"
      "00 0029 04d0 00 00 8000 0000");                 // OPT: 1232, DO copied
  EXPECT_EQ(ToHex(Respond(*snapshot_, query)), ToHex(expected));
}

TEST_F(PipelineTest, GoldenBadVers) {
  // ID 0x7777; _dmarc.example.com TXT IN; OPT 1232, version 1.
  auto query = FromHex(
      "7777 0000 0001 0000 0000 0001"
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  0010 0001"
      "00 0029 04d0 00 01 0000 0000");
  auto expected = FromHex(
      "7777 8000 0001 0000 0000 0001"                  // header RCODE 0 ...
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  0010 0001"
      "00 0029 04d0 01 00 0000 0000");                 // ... OPT high bits 1: BADVERS (16)
  EXPECT_EQ(ToHex(Respond(*snapshot_, query)), ToHex(expected));
}

TEST_F(PipelineTest, GoldenNoData) {
  // ID 0x2222; _dmarc.example.com AAAA IN; no EDNS. The serial is pinned:
  // every server with this configuration must report the same one.
  auto query = FromHex(
      "2222 0000 0001 0000 0000 0000"
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  001c 0001");
  std::string expected_hex = absl::StrCat(
      "2222 8400 0001 0000 0001 0000"                  // QR AA, NOERROR, 1 authority
      "06 5f646d617263 07 6578616d706c65 03 636f6d 00  001c 0001"
      "c00c 0006 0001 0000003c 0041"                   // SOA at the apex, TTL 60, 65
      "03 6e7331 08 70726f7669646572 04 74657374 00"   // ns1.provider.test
      "0a 686f73746d6173746572 08 70726f7669646572 04 74657374 00",  // hostmaster...
      kGoldenDmarcSerialHex,
      "00000e10 00000258 00127500 0000003c");          // 3600 600 1209600 60
  EXPECT_EQ(ToHex(Respond(*snapshot_, query)), ToHex(FromHex(expected_hex)));
}

// ---- the batch path ----

// A random query of the kinds a server sees: SPF macro names (every rule,
// cut names, IPv6 nibbles, unknown and blocked domains, _nspf names),
// DMARC at both names, DKIM selectors present and missing, apexes, names
// outside every zone, CHAOS, other types and classes, letter case mixed;
// and, a tenth of the time, malformed bytes (cut, mutated, empty, a
// response).
std::vector<uint8_t> RandomRequest(std::mt19937& rng) {
  auto pick = [&](std::initializer_list<const char*> list) {
    return std::string(*(list.begin() + rng() % list.size()));
  };
  auto ipv4 = [&] {
    std::string prefix = pick({"203.0.113.", "40.92.1.", "40.92.7.", "205.201.130.", "167.89.4.",
                               "209.85.130.", "198.51.100.", "192.0.2.", "10.3.40.", "8.8.8."});
    return absl::StrCat(prefix, rng() % 256);
  };
  auto nibbles = [&] {
    std::string out;
    std::string prefix = pick({"20010db80001", "2a01011100f4", "260700b04000", "20010db80105"});
    for (int i = 0; i < 32; ++i) {
      char c = i < 12 ? prefix[i] : "0123456789abcdef"[rng() % 16];
      absl::StrAppend(&out, i ? "." : "", std::string(1, c));
    }
    return out;
  };
  std::string domain = pick({"example.com", "sub.example.com", "a.b.example.com",
                             "stop.example.com", "x.stop.example.com", "blocked.example",
                             "many.example", "strict.example", "terms.example",
                             "unknown.example", "_ehlo.example.com", "com"});
  std::string helo = pick({"mail.example.com", "a.outbound.protection.outlook.com",
                           "mail1.mcsv.net", "smtp.sendgrid.net", "x.google.com",
                           "unknown.helo.test", "_ip._ehlo.x.net"});
  QuerySpec spec;
  spec.id = static_cast<uint16_t>(rng());
  spec.qtype = kTypeTxt;
  switch (rng() % 16) {
    case 0: case 1: case 2: case 3: case 4:
      spec.name = absl::StrCat(ipv4(), "._ip.", helo, "._ehlo.", domain, "._spf.provider.test");
      break;
    case 5: case 6:
      spec.name = absl::StrCat(nibbles(), "._ip.", helo, "._ehlo.", domain, "._spf.provider.test");
      break;
    case 7: {  // cut on the left by a long HELO (RFC 7208 §7.3)
      std::string long_helo;
      for (int i = 0; i < 5; ++i) absl::StrAppend(&long_helo, std::string(40, 'h'), ".");
      absl::StrAppend(&long_helo, helo);
      std::string full = absl::StrCat(nibbles(), "._ip.", long_helo, "._ehlo.", domain);
      spec.name = absl::StrCat(full.substr(full.size() - 200 - rng() % 30), "._spf.provider.test");
      while (!spec.name.empty() && spec.name[0] == '.') spec.name.erase(0, 1);
      break;
    }
    case 8:
      spec.name = pick({"example.com._nspf._spf.provider.test", "unknown.example._nspf._spf.provider.test",
                        "_nspf._spf.provider.test", "_ehlo.example.com._spf.provider.test",
                        "example.com._spf.provider.test", "_spf.provider.test"});
      spec.qtype = rng() % 2 ? kTypeTxt : kTypeSoa;
      break;
    case 9: case 10:
      spec.name = rng() % 2 ? absl::StrCat("_dmarc.", domain)
                            : absl::StrCat(domain, "._dmarc.provider.test");
      break;
    case 11:
      spec.name = absl::StrCat(pick({"s1", "big", "vendor", "old", "missing", "a.b"}),
                               "._domainkey.", pick({"example.com", "blocked.example", "strict.example"}));
      break;
    case 12:
      spec.name = pick({"provider.test", "_dmarc.provider.test", "example.org", "nowhere.test",
                        "x._dmarc.provider.test", "ns1.provider.test", "."});
      spec.qtype = static_cast<uint16_t>(rng() % 2 ? kTypeSoa : kTypeNs);
      break;
    case 13:
      spec.name = pick({"id.server", "hostname.bind", "version.bind"});
      spec.qclass = kClassCh;
      break;
    default:
      spec.name = absl::StrCat(ipv4(), "._ip.", helo, "._ehlo.", domain, "._spf.provider.test");
      spec.qtype = rng() % 2 ? kTypeAny : kTypeA;
      break;
  }
  for (char& c : spec.name) {
    if (rng() % 4 == 0) c = static_cast<char>(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  spec.edns = rng() % 2;
  spec.udp_size = static_cast<uint16_t>(512 + rng() % 1024);
  spec.nsid = spec.edns && rng() % 4 == 0;
  spec.rd = rng() % 2;
  std::vector<uint8_t> request = BuildQueryWithLdns(spec);
  EXPECT_FALSE(request.empty()) << spec.name;
  if (rng() % 10 == 0 && !request.empty()) {
    switch (rng() % 4) {
      case 0: request.resize(rng() % request.size()); break;      // cut
      case 1: request[rng() % request.size()] = static_cast<uint8_t>(rng()); break;
      case 2: request[2] |= 0x80; break;                          // a response
      default: request.clear(); break;
    }
  }
  return request;
}

bool SameOutcome(const Outcome& a, const Outcome& b) {
  return a.size == b.size && a.rcode == b.rcode && a.zone_kind == b.zone_kind &&
         a.spf_rule == b.spf_rule && a.truncated == b.truncated && a.spf_domain == b.spf_domain &&
         a.spf_sender == b.spf_sender && a.spf_ip_unidentified == b.spf_ip_unidentified &&
         a.spf_ip == b.spf_ip;
}

// HandleBatch over random batches of mixed queries gives each query the
// bytes and outcome HandleQuery gives it alone. The PreparedQuery array is
// reused from batch to batch, as the UDP listener reuses it, so a query
// that inherited anything from the one before it in its slot would differ.
TEST_F(PipelineTest, BatchAnswersAreOneAtATimeAnswers) {
  config::ConfigSet set = spf::testing::TestConfig();
  std::vector<DomainConfig> domains;
  for (DomainConfig d : set.domains) {
    if (d.domain == "example.com" || d.domain == "blocked.example") {
      d.dkim.selectors = {KeySelector("s1", keys_->rsa2048, 2048),
                          KeySelector("big", keys_->rsa4096, 4096),
                          CnameSelector("vendor", "s1.dkim.vendor.test"), RevokedSelector("old")};
    }
    domains.push_back(std::move(d));
  }
  set.domains = domains;
  set.server.identity = "ns1.provider.test (test)";
  auto snapshot = spf::testing::CompileOrDie(set);
  ASSERT_NE(snapshot, nullptr);

  std::mt19937 rng(20261203);
  constexpr size_t kMaxBatch = 64;
  std::vector<PreparedQuery> prepared(kMaxBatch);
  std::vector<std::vector<uint8_t>> buffers(kMaxBatch, std::vector<uint8_t>(65535));
  std::vector<uint8_t> alone(65535);
  std::set<int> rules, rcodes;
  int dropped = 0, total = 0;
  for (int round = 0; round < 300; ++round) {
    size_t n = 1 + rng() % kMaxBatch;
    Transport transport = rng() % 8 == 0 ? Transport::kTcp : Transport::kUdp;
    std::vector<std::vector<uint8_t>> requests(n);
    std::vector<std::span<const uint8_t>> request_spans(n);
    std::vector<std::span<uint8_t>> responses(n);
    for (size_t i = 0; i < n; ++i) {
      requests[i] = RandomRequest(rng);
      request_spans[i] = requests[i];
      responses[i] = buffers[i];
      std::fill(buffers[i].begin(), buffers[i].end(), 0xEE);
    }
    std::vector<Outcome> outcomes(n);
    HandleBatch(*snapshot, request_spans, transport, responses,
                std::span(prepared.data(), n), outcomes);
    for (size_t i = 0; i < n; ++i) {
      std::fill(alone.begin(), alone.end(), 0xEE);
      Outcome one = HandleQuery(*snapshot, requests[i], transport, alone);
      ASSERT_TRUE(SameOutcome(outcomes[i], one))
          << "round " << round << " query " << i << ": " << ToHex(requests[i]);
      ASSERT_TRUE(std::equal(alone.begin(), alone.begin() + one.size, buffers[i].begin()))
          << "round " << round << " query " << i << ": " << ToHex(requests[i]);
      ++total;
      if (one.size == 0) ++dropped;
      rules.insert(one.spf_rule);
      rcodes.insert(one.rcode);
    }
  }
  // The mix reached what it is meant to: drops, NOERROR, NXDOMAIN,
  // REFUSED, FORMERR or NOTIMP, and most of the SPF rules.
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, total / 4);
  EXPECT_TRUE(rcodes.count(kNoError) && rcodes.count(kNxDomain) && rcodes.count(kRefused));
  EXPECT_GE(rcodes.size(), 4u);
  EXPECT_GE(rules.size(), 8u) << "SPF rules seen (with -1): " << rules.size();
}

}  // namespace
}  // namespace dnsd
