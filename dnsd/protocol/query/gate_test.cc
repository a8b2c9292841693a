#include "dnsd/protocol/query/gate.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

using namespace std::string_literals;
using dnsd::testing::BuildQueryWithLdns;
using dnsd::testing::FromHex;
using dnsd::testing::QuerySpec;
using dnsd::testing::ToHex;
using dnsd::testing::WireBuilder;
using namespace wire;  // NOLINT: protocol constants

struct Parsed {
  GateResult result;
  Query query;
};

Parsed Parse(const std::vector<uint8_t>& msg, Transport transport = Transport::kUdp) {
  Parsed p;
  p.result = ParseQuery(msg, transport, &p.query);
  return p;
}

void ExpectDrop(const std::vector<uint8_t>& msg) {
  Parsed p = Parse(msg);
  EXPECT_EQ(p.result.verdict, GateVerdict::kDrop) << ToHex(msg);
}

void ExpectRespond(const std::vector<uint8_t>& msg, uint16_t rcode) {
  Parsed p = Parse(msg);
  EXPECT_EQ(p.result.verdict, GateVerdict::kRespond) << ToHex(msg);
  EXPECT_EQ(p.result.rcode, rcode) << ToHex(msg);
}

void ExpectLookup(const std::vector<uint8_t>& msg) {
  Parsed p = Parse(msg);
  EXPECT_EQ(p.result.verdict, GateVerdict::kLookup) << ToHex(msg);
  EXPECT_EQ(p.result.rcode, kNoError);
}

std::vector<uint8_t> LdnsQuery(absl::string_view name, uint16_t qtype,
                               uint16_t qclass = kClassIn) {
  QuerySpec spec;
  spec.name = std::string(name);
  spec.qtype = qtype;
  spec.qclass = qclass;
  auto q = BuildQueryWithLdns(spec);
  EXPECT_FALSE(q.empty());
  return q;
}

// A hand-made QUERY for _dmarc.example.com TXT with the given flags and counts.
WireBuilder Hand(uint16_t flags = 0, uint16_t qd = 1, uint16_t an = 0, uint16_t ns = 0,
                 uint16_t ar = 0) {
  WireBuilder b;
  b.Header(0xbeef, flags, qd, an, ns, ar).Question("_dmarc.example.com", kTypeTxt);
  return b;
}

// ---- well-formed queries ---------------------------------------------------

TEST(GateTest, LdnsQueryIsLookedUp) {
  QuerySpec spec;
  spec.name = "_DmArC.Example.COM";
  spec.id = 0x4242;
  spec.rd = true;
  auto msg = BuildQueryWithLdns(spec);
  Parsed p = Parse(msg, Transport::kTcp);
  ASSERT_EQ(p.result.verdict, GateVerdict::kLookup);
  const Query& q = p.query;
  EXPECT_EQ(q.id, 0x4242);
  EXPECT_EQ(q.opcode, kOpQuery);
  EXPECT_TRUE(q.flags & kFlagRd);
  EXPECT_EQ(q.transport, Transport::kTcp);
  EXPECT_TRUE(q.has_question);
  EXPECT_EQ(q.qtype, kTypeTxt);
  EXPECT_EQ(q.qclass, kClassIn);
  EXPECT_FALSE(q.edns.present);
  // The question as received (case kept), the name lower-cased and indexed.
  std::string question(q.question.begin(), q.question.end());
  EXPECT_EQ(question, "\x06_DmArC\x07" "Example\x03" "COM\x00\x00\x10\x00\x01"s);
  EXPECT_EQ(q.question.data(), msg.data() + kHeaderSize);  // a view, not a copy
  EXPECT_EQ(q.name.view(), "\x06_dmarc\x07" "example\x03" "com\x00"s);
  EXPECT_EQ(q.name.label_count, 3);
  EXPECT_EQ(q.name.Suffix(1), "\x07" "example\x03" "com\x00"s);
}

TEST(GateTest, OrdinaryTypesAreLookedUp) {
  for (uint16_t qtype : std::initializer_list<uint16_t>{
           kTypeA, kTypeNs, kTypeCname, kTypeSoa, kTypeTxt, kTypeAaaa, 257 /* CAA */, 65535,
           kTypeAny}) {
    SCOPED_TRACE(qtype);
    ExpectLookup(LdnsQuery("example.com", qtype));
  }
}

TEST(GateTest, RootQuestionIsLookedUp) {
  ExpectLookup(WireBuilder().Header(1, 0, 1).Question("", kTypeNs).Build());
}

// ---- drop --------------------------------------------------------------------

TEST(GateTest, DropsShorterThanAHeader) {
  for (size_t size = 0; size < kHeaderSize; ++size) {
    ExpectDrop(std::vector<uint8_t>(size, 0));
  }
  // Twelve octets are a header: a QUERY with no question (FORMERR).
  ExpectRespond(std::vector<uint8_t>(kHeaderSize, 0), kFormErr);
}

TEST(GateTest, DropsResponses) {
  ExpectDrop(Hand(kFlagQr).Build());
  ExpectDrop(Hand(kFlagQr | kFlagAa | kFlagRd).Build());
  // Even a malformed one: QR is checked before anything else is read.
  ExpectDrop(WireBuilder().Header(1, kFlagQr | (1 << 11), 7, 7, 7, 7).Build());
}

// ---- opcode ------------------------------------------------------------------

TEST(GateTest, OtherOpcodesAreNotImplemented) {
  for (uint16_t opcode :
       std::initializer_list<uint16_t>{kOpIquery, kOpStatus, 3, kOpNotify, kOpUpdate, 15}) {
    SCOPED_TRACE(opcode);
    Parsed p = Parse(Hand(static_cast<uint16_t>(opcode << 11)).Build());
    EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
    EXPECT_EQ(p.result.rcode, kNotImp);
    EXPECT_EQ(p.query.opcode, opcode);
    EXPECT_TRUE(p.query.has_question);  // echoed with the NOTIMP
  }
  // UPDATE has zone/prerequisite/update counts: still NOTIMP, not FORMERR.
  ExpectRespond(Hand(kOpUpdate << 11, 1, 2, 3).Build(), kNotImp);
}

// ---- FORMERR -------------------------------------------------------------------

TEST(GateTest, QuestionCountMustBeOne) {
  Parsed none = Parse(WireBuilder().Header(1, 0, 0).Build());
  EXPECT_EQ(none.result.verdict, GateVerdict::kRespond);
  EXPECT_EQ(none.result.rcode, kFormErr);
  EXPECT_FALSE(none.query.has_question);

  WireBuilder two = Hand(0, 2);
  two.Question("other.example", kTypeA);
  ExpectRespond(two.Build(), kFormErr);
  // QDCOUNT says 2 but only one question follows.
  ExpectRespond(Hand(0, 2).Build(), kFormErr);
  ExpectRespond(Hand(0, 0xffff).Build(), kFormErr);
}

TEST(GateTest, AnswerOrAuthorityRecordsAreFormErr) {
  ExpectRespond(Hand(0, 1, 1).Build(), kFormErr);
  ExpectRespond(Hand(0, 1, 0, 1).Build(), kFormErr);
  // With a real record behind the count, too.
  WireBuilder b = Hand(0, 1, 1);
  b.Name("_dmarc.example.com").U16(kTypeTxt).U16(kClassIn).U32(60).U16(2).U8(1).U8('x');
  ExpectRespond(b.Build(), kFormErr);
}

TEST(GateTest, TcInAQueryIsFormErr) { ExpectRespond(Hand(kFlagTc).Build(), kFormErr); }

TEST(GateTest, TruncatedQuestionIsFormErrWithoutQuestion) {
  auto full = Hand().Build();
  for (size_t cut = kHeaderSize; cut < full.size(); ++cut) {
    SCOPED_TRACE(cut);
    Parsed p = Parse(std::vector<uint8_t>(full.begin(), full.begin() + cut));
    EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
    EXPECT_EQ(p.result.rcode, kFormErr);
    EXPECT_FALSE(p.query.has_question);
  }
}

TEST(GateTest, TrailingGarbageIsFormErr) {
  WireBuilder b = Hand();
  b.U8(0);
  Parsed p = Parse(b.Build());
  EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
  EXPECT_EQ(p.result.rcode, kFormErr);
  EXPECT_TRUE(p.query.has_question);  // the question itself was fine: echoed

  WireBuilder after_opt = Hand(0, 1, 0, 0, 1);
  after_opt.Opt(1232).U16(0xdead);
  ExpectRespond(after_opt.Build(), kFormErr);
}

TEST(GateTest, AdditionalCountBeyondTheMessageIsFormErr) {
  ExpectRespond(Hand(0, 1, 0, 0, 1).Build(), kFormErr);
  WireBuilder b = Hand(0, 1, 0, 0, 2);
  b.Opt(1232);
  ExpectRespond(b.Build(), kFormErr);
}

TEST(GateTest, CompressedQuestionNameIsFormErr) {
  // The question is the first name in a message: a pointer in it can only
  // lead into the header or back into the name itself, and the question is
  // echoed verbatim into a response whose octets around it differ. The
  // owners of answer records are pointers to the question's labels, which
  // only holds if the name on the wire is the name as decoded. So a
  // compressed QNAME is malformed: FORMERR, and nothing of it is echoed.
  std::vector<std::vector<uint8_t>> cases;
  // "_dmarc.example.com" ending in a pointer to offset 7 (ANCOUNT's low
  // octet, 0 in the query, 1 in an answer).
  cases.push_back(WireBuilder()
                      .Header(0x0101, 0, 1)
                      .U8(6).Raw("_dmarc").U8(7).Raw("example").U8(3).Raw("com").Pointer(7)
                      .U16(kTypeTxt).U16(kClassIn)
                      .Build());
  // A pointer back into the name's own first label, which holds "\001a\000":
  // a valid name, "\001a\000.a.", but compressed.
  cases.push_back(WireBuilder()
                      .Header(1, 0, 1)
                      .U8(3).U8(1).U8('a').U8(0).Pointer(kHeaderSize + 1)
                      .U16(kTypeTxt).U16(kClassIn)
                      .Build());
  // Found by packet_fuzzer: the pointer lands on a label that runs over the
  // pointer, QTYPE and QCLASS and ends on the octet after the question, so
  // the decoded name depends on octets that are not echoed.
  cases.push_back(FromHex("1234 0000 0001 0000 0000 0000  02 07 78 c00d  0010 0001  00"));
  for (const auto& msg : cases) {
    SCOPED_TRACE(ToHex(msg));
    Parsed p = Parse(msg);
    EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
    EXPECT_EQ(p.result.rcode, kFormErr);
    EXPECT_FALSE(p.query.has_question);
  }
}

// ---- EDNS ----------------------------------------------------------------------

TEST(GateTest, EdnsParsedFromLdnsQuery) {
  QuerySpec spec;
  spec.name = "example.com";
  spec.edns = true;
  spec.udp_size = 4096;
  spec.do_bit = true;
  Parsed p = Parse(BuildQueryWithLdns(spec));
  ASSERT_EQ(p.result.verdict, GateVerdict::kLookup);
  EXPECT_TRUE(p.query.edns.present);
  EXPECT_EQ(p.query.edns.version, 0);
  EXPECT_EQ(p.query.edns.udp_size, 4096);
  EXPECT_TRUE(p.query.edns.do_bit);

  spec.do_bit = false;
  spec.udp_size = 1232;
  Parsed no_do = Parse(BuildQueryWithLdns(spec));
  ASSERT_EQ(no_do.result.verdict, GateVerdict::kLookup);
  EXPECT_FALSE(no_do.query.edns.do_bit);
  EXPECT_EQ(no_do.query.edns.udp_size, 1232);
}

TEST(GateTest, EdnsSmallAndZeroUdpSizeAreKept) {
  // The gate reports what the client said; Render applies the 512 floor.
  for (uint16_t size : {uint16_t{0}, uint16_t{100}, uint16_t{512}, uint16_t{65535}}) {
    WireBuilder b = Hand(0, 1, 0, 0, 1);
    b.Opt(size);
    Parsed p = Parse(b.Build());
    ASSERT_EQ(p.result.verdict, GateVerdict::kLookup);
    EXPECT_TRUE(p.query.edns.present);
    EXPECT_EQ(p.query.edns.udp_size, size);
  }
}

TEST(GateTest, EdnsOptionsAreSkipped) {
  // A COOKIE option (RFC 7873, code 10) with an 8-octet client cookie.
  std::vector<uint8_t> rdata = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
  WireBuilder b = Hand(0, 1, 0, 0, 1);
  b.Opt(1232, 0, kEdnsFlagDo, rdata);
  Parsed p = Parse(b.Build());
  ASSERT_EQ(p.result.verdict, GateVerdict::kLookup);
  EXPECT_TRUE(p.query.edns.do_bit);
  // Two options, one empty.
  std::vector<uint8_t> two = {0, 10, 0, 0, 0, 8, 0, 4, 0, 1, 24, 0};
  WireBuilder b2 = Hand(0, 1, 0, 0, 1);
  b2.Opt(1232, 0, 0, two);
  ExpectLookup(b2.Build());
}

TEST(GateTest, NsidOptionIsNoted) {
  QuerySpec spec;
  spec.name = "example.com";
  spec.edns = true;
  Parsed without = Parse(BuildQueryWithLdns(spec));
  ASSERT_EQ(without.result.verdict, GateVerdict::kLookup);
  EXPECT_FALSE(without.query.edns.nsid);

  spec.nsid = true;
  std::vector<uint8_t> msg = BuildQueryWithLdns(spec);
  // ldns wrote the option: OPT RDLENGTH 4, code 3, length 0.
  ASSERT_GE(msg.size(), 6u);
  ASSERT_EQ(ToHex(std::vector<uint8_t>(msg.end() - 6, msg.end())), "00 04 00 03 00 00") << ToHex(msg);
  Parsed with = Parse(msg);
  ASSERT_EQ(with.result.verdict, GateVerdict::kLookup);
  EXPECT_TRUE(with.query.edns.nsid);

  // RFC 5001 §2.1: a payload in the request is ignored, not an error;
  // among other options it is found all the same.
  std::vector<uint8_t> rdata = {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 0, 2, 'h', 'i'};
  WireBuilder b = Hand(0, 1, 0, 0, 1);
  b.Opt(1232, 0, 0, rdata);
  Parsed payload = Parse(b.Build());
  ASSERT_EQ(payload.result.verdict, GateVerdict::kLookup);
  EXPECT_TRUE(payload.query.edns.nsid);
}

TEST(GateTest, EdnsVersionOneIsBadVers) {
  QuerySpec spec;
  spec.name = "example.com";
  spec.edns = true;
  spec.edns_version = 1;
  Parsed p = Parse(BuildQueryWithLdns(spec));
  EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
  EXPECT_EQ(p.result.rcode, kBadVers);
  EXPECT_TRUE(p.query.edns.present);  // the response carries an OPT
  EXPECT_EQ(p.query.edns.version, 1);
  EXPECT_TRUE(p.query.has_question);

  WireBuilder b = Hand(0, 1, 0, 0, 1);
  b.Opt(1232, 255);
  ExpectRespond(b.Build(), kBadVers);
}

TEST(GateTest, TwoOptsAreFormErr) {
  WireBuilder b = Hand(0, 1, 0, 0, 2);
  b.Opt(1232).Opt(4096);
  Parsed p = Parse(b.Build());
  EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
  EXPECT_EQ(p.result.rcode, kFormErr);
  EXPECT_FALSE(p.query.edns.present);  // a broken OPT is not echoed
}

TEST(GateTest, OptWithNonRootOwnerIsFormErr) {
  WireBuilder b = Hand(0, 1, 0, 0, 1);
  b.Name("example.com").U16(kTypeOpt).U16(1232).U32(0).U16(0);
  ExpectRespond(b.Build(), kFormErr);
  // Root reached through a pointer is still not "the root" as written.
  WireBuilder ptr = Hand(0, 1, 0, 0, 1);
  ptr.Pointer(kHeaderSize + 19).U16(kTypeOpt).U16(1232).U32(0).U16(0);  // -> the root label
  ExpectRespond(ptr.Build(), kFormErr);
}

TEST(GateTest, BadOptRdataLengthIsFormErr) {
  // RDLENGTH beyond the message.
  WireBuilder beyond = Hand(0, 1, 0, 0, 1);
  beyond.U8(0).U16(kTypeOpt).U16(1232).U32(0).U16(8).U16(10).U16(0);
  ExpectRespond(beyond.Build(), kFormErr);
  // RDLENGTH shorter than an option header.
  WireBuilder three = Hand(0, 1, 0, 0, 1);
  three.U8(0).U16(kTypeOpt).U16(1232).U32(0).U16(3).U8(0).U8(10).U8(0);
  ExpectRespond(three.Build(), kFormErr);
  // An option longer than the RDATA that holds it.
  WireBuilder option_long = Hand(0, 1, 0, 0, 2);
  option_long.U8(0).U16(kTypeOpt).U16(1232).U32(0).U16(6).U16(10).U16(8).U16(0);
  option_long.U8(0).U16(kTypeA).U16(kClassIn).U32(0).U16(0);  // 11 octets it swallows
  ExpectRespond(option_long.Build(), kFormErr);
  // An option running past RDLENGTH into the octets after the OPT: the
  // message is consumed exactly, but the OPT's own bounds are broken.
  WireBuilder overrun = Hand(0, 1, 0, 0, 1);
  overrun.U8(0).U16(kTypeOpt).U16(1232).U32(0).U16(4).U16(10).U16(11);
  overrun.U8(0).U16(kTypeA).U16(kClassIn).U32(0).U16(0);  // 11 octets
  ExpectRespond(overrun.Build(), kFormErr);
  // Truncated inside the fixed part.
  auto good = Hand(0, 1, 0, 0, 1).Opt(1232).Build();
  size_t opt_start = Hand().size();
  for (size_t cut = opt_start + 1; cut < good.size(); ++cut) {
    SCOPED_TRACE(cut);
    Parsed p = Parse(std::vector<uint8_t>(good.begin(), good.begin() + cut));
    EXPECT_EQ(p.result.rcode, kFormErr);
    EXPECT_FALSE(p.query.edns.present);
  }
}

TEST(GateTest, OtherAdditionalRecordsAreSkipped) {
  // A TSIG-shaped record (type 250) owned by a name: dnsd authenticates no one.
  WireBuilder b = Hand(0, 1, 0, 0, 2);
  b.Name("key.example").U16(kTypeTsig).U16(kClassAny).U32(0).U16(4).U32(0x01020304);
  b.Opt(1400);
  Parsed p = Parse(b.Build());
  ASSERT_EQ(p.result.verdict, GateVerdict::kLookup);
  EXPECT_TRUE(p.query.edns.present);
  EXPECT_EQ(p.query.edns.udp_size, 1400);
  // The same record with RDLENGTH past the end.
  WireBuilder bad = Hand(0, 1, 0, 0, 1);
  bad.Name("key.example").U16(kTypeTsig).U16(kClassAny).U32(0).U16(40).U32(0);
  ExpectRespond(bad.Build(), kFormErr);
}

// ---- class and type --------------------------------------------------------------

TEST(GateTest, OtherClassesAreRefused) {
  ExpectRespond(LdnsQuery("version.bind", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("example.com", kTypeTxt, kClassAny), kRefused);
  ExpectRespond(LdnsQuery("example.com", kTypeTxt, 4 /* HS */), kRefused);
}

TEST(GateTest, ChaosIdentityNamesGoToTheIdentityAnswer) {
  for (const char* name : {"id.server", "hostname.bind", "ID.Server.", "HOSTNAME.BIND"}) {
    for (uint16_t qtype : {uint16_t{kTypeTxt}, uint16_t{kTypeAny}}) {
      SCOPED_TRACE(absl::StrCat(name, " ", qtype));
      Parsed p = Parse(LdnsQuery(name, qtype, kClassCh));
      EXPECT_EQ(p.result.verdict, GateVerdict::kIdentity);
      EXPECT_EQ(p.result.rcode, kNoError);
      EXPECT_TRUE(p.query.has_question);
    }
  }
  // Other CHAOS names and types stay REFUSED, as every class but IN.
  ExpectRespond(LdnsQuery("version.bind", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("version.server", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("id.server.example", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("x.id.server", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("server", kTypeTxt, kClassCh), kRefused);
  ExpectRespond(LdnsQuery("id.server", kTypeA, kClassCh), kRefused);
  // The same names in class IN are ordinary names (REFUSED later: no zone).
  ExpectLookup(LdnsQuery("id.server", kTypeTxt));
  ExpectRespond(LdnsQuery("id.server", kTypeTxt, kClassAny), kRefused);
}

TEST(GateTest, ZoneTransfersAreRefused) {
  ExpectRespond(LdnsQuery("_dmarc.example.com", kTypeAxfr), kRefused);
  ExpectRespond(LdnsQuery("_dmarc.example.com", kTypeIxfr), kRefused);
}

// An IXFR query as RFC 1995 §3 has it: the client's SOA in AUTHORITY.
QuerySpec IxfrSpec(uint32_t serial) {
  QuerySpec spec;
  spec.name = "_dmarc.example.com";
  spec.qtype = kTypeIxfr;
  spec.authority = {absl::StrCat("_dmarc.example.com. 0 IN SOA ns1.provider.test. "
                                 "hostmaster.provider.test. ",
                                 serial, " 3600 600 1209600 60")};
  return spec;
}

TEST(GateTest, IxfrWithItsSoaIsRefusedLikeAxfr) {
  std::vector<uint8_t> msg = BuildQueryWithLdns(IxfrSpec(2024010101));
  ASSERT_FALSE(msg.empty());
  ASSERT_EQ(msg[9], 1) << "ldns put no SOA in the authority section: " << ToHex(msg);
  Parsed p = Parse(msg, Transport::kTcp);
  EXPECT_EQ(p.result.verdict, GateVerdict::kRespond);
  EXPECT_EQ(p.result.rcode, kRefused);
  EXPECT_TRUE(p.query.has_question);
  EXPECT_EQ(p.query.qtype, kTypeIxfr);

  // With EDNS: the OPT after the authority record is read and echoed.
  QuerySpec edns = IxfrSpec(7);
  edns.edns = true;
  Parsed e = Parse(BuildQueryWithLdns(edns), Transport::kTcp);
  EXPECT_EQ(e.result.rcode, kRefused);
  EXPECT_TRUE(e.query.edns.present);
}

TEST(GateTest, AuthorityRecordsOtherThanAnIxfrSoaAreFormErr) {
  // The same SOA with another QTYPE.
  QuerySpec txt = IxfrSpec(1);
  txt.qtype = kTypeTxt;
  ExpectRespond(BuildQueryWithLdns(txt), kFormErr);
  QuerySpec axfr = IxfrSpec(1);
  axfr.qtype = kTypeAxfr;
  ExpectRespond(BuildQueryWithLdns(axfr), kFormErr);
  // IXFR with something other than an SOA, or with two records.
  QuerySpec not_soa = IxfrSpec(1);
  not_soa.authority = {"_dmarc.example.com. 0 IN TXT \"x\""};
  ExpectRespond(BuildQueryWithLdns(not_soa), kFormErr);
  QuerySpec two = IxfrSpec(1);
  two.authority.push_back(two.authority[0]);
  ExpectRespond(BuildQueryWithLdns(two), kFormErr);
  // An IXFR whose SOA is cut short anywhere is FORMERR, never REFUSED.
  std::vector<uint8_t> whole = BuildQueryWithLdns(IxfrSpec(1));
  size_t question_end = kHeaderSize + 20 + 4;  // "_dmarc.example.com." is 20 octets
  for (size_t cut = question_end; cut < whole.size(); ++cut) {
    SCOPED_TRACE(cut);
    ExpectRespond(std::vector<uint8_t>(whole.begin(), whole.begin() + cut), kFormErr);
  }
  // An IXFR with an answer record besides.
  std::vector<uint8_t> with_answer = whole;
  with_answer[7] = 1;
  ExpectRespond(with_answer, kFormErr);
}

TEST(GateTest, MetaTypesAreNotImplemented) {
  for (uint16_t qtype :
       std::initializer_list<uint16_t>{kTypeMaila, kTypeMailb, kTypeTsig, kTypeTkey, 128}) {
    SCOPED_TRACE(qtype);
    ExpectRespond(LdnsQuery("example.com", qtype), kNotImp);
  }
}

TEST(GateTest, OptAndZeroAsQuestionTypeAreFormErr) {
  ExpectRespond(LdnsQuery("example.com", kTypeOpt), kFormErr);
  // ldns_pkt_query_new turns type 0 into A, so this one is made by hand.
  ExpectRespond(WireBuilder().Header(1, 0, 1).Question("example.com", 0).Build(), kFormErr);
}

TEST(GateTest, OrderOfChecks) {
  // Opcode before counts: NOTIMP even with QDCOUNT 0.
  ExpectRespond(WireBuilder().Header(1, kOpNotify << 11, 0).Build(), kNotImp);
  // Counts before EDNS: FORMERR, not BADVERS.
  WireBuilder b = Hand(0, 1, 1, 0, 1);
  b.Opt(1232, 1);
  ExpectRespond(b.Build(), kFormErr);
  // EDNS version before class: BADVERS for a CH query.
  WireBuilder ch;
  ch.Header(1, 0, 1, 0, 0, 1).Question("version.bind", kTypeTxt, kClassCh).Opt(1232, 1);
  ExpectRespond(ch.Build(), kBadVers);
  // Class before type: REFUSED for a CH AXFR... and for CH MAILA.
  ExpectRespond(LdnsQuery("example.com", kTypeMaila, kClassCh), kRefused);
}

TEST(GateTest, TransportIsRecorded) {
  auto msg = LdnsQuery("example.com", kTypeTxt);
  EXPECT_EQ(Parse(msg, Transport::kUdp).query.transport, Transport::kUdp);
  EXPECT_EQ(Parse(msg, Transport::kTcp).query.transport, Transport::kTcp);
  // Also for a message that is dropped.
  Query q;
  ParseQuery(std::vector<uint8_t>(3, 0), Transport::kTcp, &q);
  EXPECT_EQ(q.transport, Transport::kTcp);
}

}  // namespace
}  // namespace dnsd
