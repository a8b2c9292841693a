#include "dnsd/protocol/answer/render.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "dnsd/protocol/query/gate.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd {
namespace {

using namespace wire;  // NOLINT: protocol constants
using dnsd::testing::BuildQueryWithLdns;
using dnsd::testing::ParseWithLdns;
using dnsd::testing::QuerySpec;
using dnsd::testing::RefereeMessage;
using dnsd::testing::ToHex;
using dnsd::testing::WireBuilder;

constexpr uint16_t kOurPayload = 1232;

std::string W(absl::string_view text) { return NameFromText(text).value(); }

// One RRset of `type` with these RDATAs.
RRset Rr(uint16_t type, uint32_t ttl, std::initializer_list<std::string> rdatas) {
  RRsetBuilder b(type, ttl);
  for (const std::string& rdata : rdatas) b.Add(rdata);
  return b.Build();
}

RRset Txt(absl::string_view text, uint32_t ttl = 300) {
  return Rr(kTypeTxt, ttl, {TxtRdata(text)});
}

RRset Soa(uint32_t ttl) {
  return Rr(kTypeSoa, ttl,
            {SoaRdata(W("ns1.provider.test"), W("hostmaster.provider.test"), 0, 3600, 600,
                      1209600, 60)});
}

// A query as the gate leaves it, plus the bytes it points into.
struct ParsedQuery {
  std::vector<uint8_t> wire;
  Query query;
  GateResult gate;
};

ParsedQuery MakeQuery(const QuerySpec& spec, Transport transport = Transport::kUdp) {
  ParsedQuery p;
  p.wire = BuildQueryWithLdns(spec);
  EXPECT_FALSE(p.wire.empty());
  p.gate = ParseQuery(p.wire, transport, &p.query);
  return p;
}

QuerySpec Spec(absl::string_view name, uint16_t qtype = kTypeTxt) {
  QuerySpec spec;
  spec.name = std::string(name);
  spec.qtype = qtype;
  return spec;
}

QuerySpec EdnsSpec(absl::string_view name, uint16_t udp_size, bool do_bit = false) {
  QuerySpec spec = Spec(name);
  spec.edns = true;
  spec.udp_size = udp_size;
  spec.do_bit = do_bit;
  return spec;
}

// Renders into a buffer of `buffer_size` and parses the result with ldns.
struct Rendering {
  Rendered rendered;
  std::vector<uint8_t> bytes;
  RefereeMessage msg;
};

Rendering RenderAndParse(const Query& q, const Answer& a, size_t buffer_size = 65535,
                         uint16_t our_payload = kOurPayload, absl::string_view nsid = {}) {
  Rendering r;
  std::vector<uint8_t> out(buffer_size, 0xAA);
  r.rendered = Render(q, a, our_payload, out, nsid);
  EXPECT_LE(r.rendered.size, buffer_size);
  EXPECT_LE(r.rendered.size, ResponseSizeLimit(q, our_payload));
  r.bytes.assign(out.begin(), out.begin() + r.rendered.size);
  auto parsed = ParseWithLdns(r.bytes);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << ToHex(r.bytes);
  if (parsed.ok()) r.msg = *std::move(parsed);
  return r;
}

// The TXT text length whose single-record answer to `q` makes a response
// of exactly `target` octets (with `extra` octets of OPT).
size_t TextLengthForSize(const Query& q, size_t target) {
  size_t fixed = kHeaderSize + q.question.size() + (q.edns.present ? 11 : 0) + 2 + 10;
  for (size_t n = 0; n < 70000; ++n) {
    if (fixed + TxtRdata(std::string(n, 'x')).size() == target) return n;
  }
  ADD_FAILURE() << "no text length gives " << target;
  return 0;
}

TEST(RenderTest, HeaderQuestionAndAnswerAsLdnsSeesThem) {
  QuerySpec spec = Spec("_DmArC.Example.COM");
  spec.id = 0xcafe;
  spec.rd = true;
  spec.cd = true;
  ParsedQuery p = MakeQuery(spec);
  ASSERT_EQ(p.gate.verdict, GateVerdict::kLookup);
  RRset txt = Txt("v=DMARC1; p=reject", 300);
  Answer a;
  a.authoritative = true;
  a.AddAnswer(txt, 0);

  Rendering r = RenderAndParse(p.query, a);
  EXPECT_FALSE(r.rendered.truncated);
  const RefereeMessage& m = r.msg;
  EXPECT_EQ(m.id, 0xcafe);
  EXPECT_TRUE(m.qr);
  EXPECT_TRUE(m.aa);
  EXPECT_FALSE(m.tc);
  EXPECT_TRUE(m.rd);  // copied (RFC 1035 §4.1.1)
  EXPECT_TRUE(m.cd);  // copied (RFC 4035 §3.2.2)
  EXPECT_FALSE(m.ra);  // never: no recursion, ever
  EXPECT_FALSE(m.ad);
  EXPECT_EQ(m.opcode, 0);
  EXPECT_EQ(m.rcode, kNoError);
  EXPECT_EQ(m.qdcount, 1);
  EXPECT_EQ(m.ancount, 1);
  EXPECT_EQ(m.nscount, 0);
  EXPECT_EQ(m.arcount, 0);
  EXPECT_FALSE(m.edns);
  ASSERT_EQ(m.question.size(), 1u);
  EXPECT_EQ(m.question[0].owner, "_DmArC.Example.COM.");  // the client's case
  EXPECT_EQ(m.question[0].type, kTypeTxt);
  EXPECT_EQ(m.question[0].rr_class, kClassIn);
  ASSERT_EQ(m.answer.size(), 1u);
  EXPECT_EQ(m.answer[0].owner, "_DmArC.Example.COM.");
  EXPECT_EQ(m.answer[0].type, kTypeTxt);
  EXPECT_EQ(m.answer[0].rr_class, kClassIn);
  EXPECT_EQ(m.answer[0].ttl, 300u);
  EXPECT_EQ(m.answer[0].Text(), "v=DMARC1; p=reject");
  // Header, question, then the answer owner as a pointer to the question.
  EXPECT_EQ(r.bytes[12 + p.query.question.size()], 0xc0);
  EXPECT_EQ(r.bytes[12 + p.query.question.size() + 1], 0x0c);
}

TEST(RenderTest, NotAuthoritativeWithoutAa) {
  ParsedQuery p = MakeQuery(Spec("outside.example"));
  Answer a;
  a.rcode = kRefused;
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_FALSE(r.msg.aa);
  EXPECT_EQ(r.msg.rcode, kRefused);
  EXPECT_EQ(r.msg.ancount, 0);
  ASSERT_EQ(r.msg.question.size(), 1u);
}

TEST(RenderTest, RdNotSetStaysUnset) {
  ParsedQuery p = MakeQuery(Spec("example.com"));
  Answer a;
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_FALSE(r.msg.rd);
  EXPECT_FALSE(r.msg.cd);
  EXPECT_FALSE(r.msg.ra);
}

TEST(RenderTest, NegativeAnswerSoaOwnedByAncestorWithPatchedSerial) {
  ParsedQuery p = MakeQuery(Spec("nope.S1._DomainKey.Example.COM"));
  RRset soa = Soa(60);
  Answer a;
  a.authoritative = true;
  a.rcode = kNxDomain;
  a.serial = 2024061501;
  a.AddAuthority(soa, 2, /*patch_serial=*/true);  // _domainkey.example.com

  Rendering r = RenderAndParse(p.query, a);
  const RefereeMessage& m = r.msg;
  EXPECT_EQ(m.rcode, kNxDomain);
  EXPECT_TRUE(m.aa);
  EXPECT_EQ(m.ancount, 0);
  ASSERT_EQ(m.authority.size(), 1u);
  const auto& rr = m.authority[0];
  EXPECT_EQ(rr.owner, "_DomainKey.Example.COM.");
  EXPECT_EQ(rr.type, kTypeSoa);
  EXPECT_EQ(rr.ttl, 60u);
  ASSERT_EQ(rr.fields.size(), 7u);
  EXPECT_EQ(rr.fields[0], "ns1.provider.test.");
  EXPECT_EQ(rr.fields[1], "hostmaster.provider.test.");
  EXPECT_EQ(rr.fields[2], "2024061501");
  EXPECT_EQ(rr.fields[3], "3600");
  EXPECT_EQ(rr.fields[6], "60");
  // The snapshot's bytes are not touched: the serial is patched on the wire.
  EXPECT_EQ(RdataOf(soa)[0].substr(RdataOf(soa)[0].size() - 20, 4), std::string(4, '\0'));
}

TEST(RenderTest, SerialNotPatchedUnlessAsked) {
  ParsedQuery p = MakeQuery(Spec("example.com", kTypeSoa));
  RRset soa = Soa(300);
  Answer a;
  a.serial = 77;
  a.AddAnswer(soa, 0);
  Rendering r = RenderAndParse(p.query, a);
  ASSERT_EQ(r.msg.answer.size(), 1u);
  EXPECT_EQ(r.msg.answer[0].fields[2], "0");
}

TEST(RenderTest, OwnerAtTheRootLabel) {
  ParsedQuery p = MakeQuery(Spec("a.b"));
  RRset txt = Txt("at the root");
  Answer a;
  a.AddAnswer(txt, 2);  // label_count: the root
  a.AddAnswer(txt, 1);
  Rendering r = RenderAndParse(p.query, a);
  ASSERT_EQ(r.msg.answer.size(), 2u);
  EXPECT_EQ(r.msg.answer[0].owner, ".");
  EXPECT_EQ(r.msg.answer[1].owner, "b.");
}

TEST(RenderTest, SeveralRecordsAndSections) {
  ParsedQuery p = MakeQuery(Spec("x.example"));
  RRset two = Rr(kTypeTxt, 10, {TxtRdata("one"), TxtRdata("two")});
  RRset soa = Soa(60);
  Answer a;
  a.AddAnswer(two, 0);
  a.AddAuthority(soa, 1, false);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_EQ(r.msg.ancount, 2);
  EXPECT_EQ(r.msg.nscount, 1);
  ASSERT_EQ(r.msg.answer.size(), 2u);
  EXPECT_EQ(r.msg.answer[0].Text(), "one");
  EXPECT_EQ(r.msg.answer[1].Text(), "two");
  EXPECT_EQ(r.msg.answer[1].ttl, 10u);
  EXPECT_EQ(r.msg.authority[0].owner, "example.");
}

// A record kept with kZoneTtl is served with the answer's zone TTL; one
// with a TTL of its own keeps it. In every record of an RRset, in both
// sections, and where the RDATA is kept apart.
TEST(RenderTest, TheZoneTtlIsWrittenWhereARecordHoldsIt) {
  ParsedQuery p = MakeQuery(Spec("x.example"));
  RRset two = Rr(kTypeTxt, kZoneTtl, {TxtRdata("one"), TxtRdata("two")});
  std::string key = TxtRdata("v=DKIM1; p=key");
  RdataRef kept = BytesRdata::Make(key);
  RRset apart = RecordWithRdataApart(kTypeTxt, kZoneTtl, kept.get());
  RRset own = Txt("own", 60);
  RRset soa = Soa(kZoneTtl);
  Answer a;
  a.zone_ttl = 299;
  a.AddAnswer(two, 0);
  a.AddAnswer(apart, 0);
  a.AddAnswer(own, 0);
  a.AddAuthority(soa, 1, false);
  Rendering r = RenderAndParse(p.query, a);
  ASSERT_EQ(r.msg.answer.size(), 4u);
  EXPECT_EQ(r.msg.answer[0].ttl, 299u);
  EXPECT_EQ(r.msg.answer[1].ttl, 299u);
  EXPECT_EQ(r.msg.answer[2].ttl, 299u);
  EXPECT_EQ(r.msg.answer[2].Text(), "v=DKIM1; p=key");
  EXPECT_EQ(r.msg.answer[3].ttl, 60u);
  ASSERT_EQ(r.msg.authority.size(), 1u);
  EXPECT_EQ(r.msg.authority[0].ttl, 299u);
}

// ---- size budget ----------------------------------------------------------------

TEST(ResponseSizeLimitTest, Budget) {
  Query q;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 512u);  // no EDNS (RFC 1035 §4.2.1)
  q.edns.present = true;
  q.edns.udp_size = 0;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 512u);  // below 512 is 512 (RFC 6891 §6.2.5)
  q.edns.udp_size = 100;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 512u);
  q.edns.udp_size = 512;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 512u);
  q.edns.udp_size = 1000;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 1000u);
  q.edns.udp_size = 4096;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 1232u);  // ours is the smaller
  EXPECT_EQ(ResponseSizeLimit(q, 4096), 4096u);
  EXPECT_EQ(ResponseSizeLimit(q, 100), 512u);    // we never offer less than 512
  q.transport = Transport::kTcp;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 65535u);
  q.edns.present = false;
  EXPECT_EQ(ResponseSizeLimit(q, 1232), 65535u);
}

TEST(RenderTest, Exactly512FitsWithoutEdns) {
  ParsedQuery p = MakeQuery(Spec("example.com"));
  size_t n = TextLengthForSize(p.query, 512);
  RRset fits = Txt(std::string(n, 'x'));
  Answer a;
  a.AddAnswer(fits, 0);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_EQ(r.rendered.size, 512u);
  EXPECT_FALSE(r.rendered.truncated);
  EXPECT_FALSE(r.msg.tc);
  ASSERT_EQ(r.msg.answer.size(), 1u);
  EXPECT_EQ(r.msg.answer[0].Text(), std::string(n, 'x'));
  EXPECT_EQ(r.msg.answer[0].strings.size(), 2u);  // split at 255 octets

  RRset one_more = Txt(std::string(n + 1, 'x'));
  Answer b;
  b.AddAnswer(one_more, 0);
  Rendering t = RenderAndParse(p.query, b);
  EXPECT_TRUE(t.rendered.truncated);
  EXPECT_TRUE(t.msg.tc);
  EXPECT_EQ(t.msg.ancount, 0);
  EXPECT_TRUE(t.msg.answer.empty());
  ASSERT_EQ(t.msg.question.size(), 1u);  // the question stays
  EXPECT_EQ(t.msg.question[0].owner, "example.com.");
  EXPECT_EQ(t.rendered.size, 12 + p.query.question.size());
}

TEST(RenderTest, TruncationEmptiesEverySection) {
  ParsedQuery p = MakeQuery(EdnsSpec("example.com", 4096, /*do_bit=*/true));
  RRset big = Txt(std::string(2000, 'k'));
  RRset soa = Soa(60);
  Answer a;
  a.authoritative = true;
  a.AddAnswer(big, 0);
  a.AddAuthority(soa, 1, true);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_TRUE(r.rendered.truncated);
  EXPECT_TRUE(r.msg.tc);
  EXPECT_TRUE(r.msg.aa);
  EXPECT_EQ(r.msg.ancount, 0);
  EXPECT_EQ(r.msg.nscount, 0);
  EXPECT_TRUE(r.msg.authority.empty());
  // The OPT is still there, so the client learns our size.
  EXPECT_TRUE(r.msg.edns);
  EXPECT_EQ(r.msg.edns_udp_size, kOurPayload);
  EXPECT_TRUE(r.msg.edns_do);
  EXPECT_EQ(r.rendered.size, 12 + p.query.question.size() + 11);
}

// A record whose RDATA is kept apart (a DKIM key served from the model's
// copy, RRset::rdata) is the same record on the wire, in either section,
// at every size around what fits, truncated or not.
TEST(RenderTest, ARecordWithItsRdataApartIsTheSameRecord) {
  ParsedQuery p = MakeQuery(EdnsSpec("s1._domainkey.example.com", 512));
  size_t fit = TextLengthForSize(p.query, 512);
  for (size_t n : {size_t{0}, size_t{1}, size_t{254}, size_t{255}, size_t{256}, fit - 1, fit,
                   fit + 1, size_t{1500}}) {
    std::string rdata = TxtRdata(std::string(n, 'p'));
    RRset joined = Txt(std::string(n, 'p'), 3600);
    RdataRef kept = BytesRdata::Make(rdata);
    RRset apart = RecordWithRdataApart(kTypeTxt, 3600, kept.get());
    ASSERT_EQ(WireRecords(apart), joined.records) << n;
    for (bool authority : {false, true}) {
      Answer a, b;
      a.authoritative = b.authoritative = true;
      if (authority) {
        a.AddAuthority(joined, 1, false);
        b.AddAuthority(apart, 1, false);
      } else {
        a.AddAnswer(joined, 0);
        b.AddAnswer(apart, 0);
      }
      Rendering ra = RenderAndParse(p.query, a);
      Rendering rb = RenderAndParse(p.query, b);
      EXPECT_EQ(ToHex(rb.bytes), ToHex(ra.bytes)) << n << (authority ? " authority" : " answer");
      EXPECT_EQ(rb.rendered.truncated, ra.rendered.truncated) << n;
      EXPECT_EQ(rb.rendered.truncated, n > fit) << n;
    }
  }
}

TEST(RenderTest, ClientBudgetBelow512IsRaisedTo512) {
  ParsedQuery p = MakeQuery(EdnsSpec("example.com", 100));
  ASSERT_TRUE(p.query.edns.present);
  size_t n = TextLengthForSize(p.query, 512);
  RRset fits = Txt(std::string(n, 'y'));
  Answer a;
  a.AddAnswer(fits, 0);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_EQ(r.rendered.size, 512u);
  EXPECT_FALSE(r.msg.tc);
  EXPECT_TRUE(r.msg.edns);

  RRset over = Txt(std::string(n + 1, 'y'));
  Answer b;
  b.AddAnswer(over, 0);
  EXPECT_TRUE(RenderAndParse(p.query, b).msg.tc);
}

TEST(RenderTest, ClientBudgetAboveOursIsClampedToOurs) {
  ParsedQuery p = MakeQuery(EdnsSpec("example.com", 4096));
  size_t n = TextLengthForSize(p.query, kOurPayload);
  RRset fits = Txt(std::string(n, 'z'));
  Answer a;
  a.AddAnswer(fits, 0);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_EQ(r.rendered.size, kOurPayload);
  EXPECT_FALSE(r.msg.tc);
  EXPECT_EQ(r.msg.answer[0].Text(), std::string(n, 'z'));

  RRset over = Txt(std::string(n + 1, 'z'));
  Answer b;
  b.AddAnswer(over, 0);
  Rendering t = RenderAndParse(p.query, b);
  EXPECT_TRUE(t.msg.tc);
  EXPECT_LE(t.rendered.size, kOurPayload);
}

TEST(RenderTest, ClientBudgetBetweenIsUsed) {
  ParsedQuery p = MakeQuery(EdnsSpec("example.com", 800));
  size_t n = TextLengthForSize(p.query, 800);
  RRset fits = Txt(std::string(n, 'q'));
  RRset over = Txt(std::string(n + 1, 'q'));
  Answer a;
  a.AddAnswer(fits, 0);
  EXPECT_FALSE(RenderAndParse(p.query, a).msg.tc);
  Answer b;
  b.AddAnswer(over, 0);
  EXPECT_TRUE(RenderAndParse(p.query, b).msg.tc);
}

TEST(RenderTest, TcpHasRoomForLargeAnswers) {
  ParsedQuery p = MakeQuery(Spec("example.com"), Transport::kTcp);
  RRset big = Txt(std::string(20000, 'b'));
  Answer a;
  a.AddAnswer(big, 0);
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_FALSE(r.msg.tc);
  EXPECT_GT(r.rendered.size, 20000u);
  ASSERT_EQ(r.msg.answer.size(), 1u);
  EXPECT_EQ(r.msg.answer[0].Text(), std::string(20000, 'b'));
  EXPECT_EQ(r.msg.answer[0].strings.size(), (20000 + 254) / 255);
}

TEST(RenderTest, TheOutputBufferAlsoBoundsTheResponse) {
  ParsedQuery p = MakeQuery(Spec("example.com"), Transport::kTcp);
  RRset big = Txt(std::string(3000, 'b'));
  Answer a;
  a.AddAnswer(big, 0);
  Rendering r = RenderAndParse(p.query, a, /*buffer_size=*/1024);
  EXPECT_TRUE(r.msg.tc);
  EXPECT_LE(r.rendered.size, 1024u);
}

// ---- OPT ---------------------------------------------------------------------------

TEST(RenderTest, OptCarriesOurPayloadAndCopiesDo) {
  ParsedQuery with_do = MakeQuery(EdnsSpec("example.com", 4096, true));
  Answer a;
  Rendering r = RenderAndParse(with_do.query, a);
  EXPECT_TRUE(r.msg.edns);
  EXPECT_EQ(r.msg.edns_udp_size, kOurPayload);
  EXPECT_EQ(r.msg.edns_version, 0);
  EXPECT_TRUE(r.msg.edns_do);
  EXPECT_EQ(r.msg.arcount, 0);  // ldns takes the OPT out of the count
  EXPECT_EQ(r.bytes[11], 1);    // ... but it is there on the wire
  // The OPT is the last 11 octets: root, TYPE 41, CLASS = our payload.
  size_t opt = r.rendered.size - 11;
  EXPECT_EQ(ToHex(std::span(r.bytes).subspan(opt)), "00 00 29 04 d0 00 00 80 00 00 00");

  ParsedQuery without_do = MakeQuery(EdnsSpec("example.com", 4096, false));
  Rendering s = RenderAndParse(without_do.query, a, 65535, 1400);
  EXPECT_TRUE(s.msg.edns);
  EXPECT_EQ(s.msg.edns_udp_size, 1400);
  EXPECT_FALSE(s.msg.edns_do);
}

TEST(RenderTest, NoOptWithoutEdns) {
  ParsedQuery p = MakeQuery(Spec("example.com"));
  Answer a;
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_FALSE(r.msg.edns);
  EXPECT_EQ(r.bytes[10], 0);
  EXPECT_EQ(r.bytes[11], 0);
  EXPECT_EQ(r.rendered.size, 12 + p.query.question.size());
}

TEST(RenderTest, ExtendedRcodeIsSplitBetweenHeaderAndOpt) {
  QuerySpec spec = EdnsSpec("example.com", 1232);
  spec.edns_version = 1;
  ParsedQuery p = MakeQuery(spec);
  ASSERT_EQ(p.gate.rcode, kBadVers);
  Answer a;
  a.rcode = p.gate.rcode;
  Rendering r = RenderAndParse(p.query, a);
  EXPECT_EQ(r.msg.rcode, 0);                 // low 4 bits of 16
  EXPECT_EQ(r.msg.edns_extended_rcode, 1);   // high 8 bits
  EXPECT_EQ(r.msg.extended_rcode, kBadVers);
  EXPECT_EQ(r.msg.edns_version, 0);          // the version we speak
  EXPECT_FALSE(r.msg.aa);
  ASSERT_EQ(r.msg.question.size(), 1u);
}

// ---- NSID (RFC 5001) ------------------------------------------------------------------

QuerySpec NsidSpec(absl::string_view name, uint16_t udp_size = 1232) {
  QuerySpec spec = EdnsSpec(name, udp_size);
  spec.nsid = true;
  return spec;
}

TEST(RenderTest, NsidAnswersTheOptionWithTheIdentity) {
  ParsedQuery p = MakeQuery(NsidSpec("example.com"));
  ASSERT_TRUE(p.query.edns.nsid);
  RRset txt = Txt("v=DMARC1; p=reject");
  Answer a;
  a.authoritative = true;
  a.AddAnswer(txt, 0);
  Rendering r = RenderAndParse(p.query, a, 65535, kOurPayload, "ns1.fra-3");
  ASSERT_TRUE(r.msg.edns);
  ASSERT_EQ(r.msg.edns_options.size(), 1u) << r.msg.text;
  EXPECT_EQ(r.msg.edns_options[0].first, kEdnsOptionNsid);
  EXPECT_EQ(r.msg.edns_options[0].second, "ns1.fra-3");
  EXPECT_EQ(r.msg.ancount, 1);
  EXPECT_EQ(r.msg.answer[0].Text(), "v=DMARC1; p=reject");
  // The OPT ends the message: fixed part, RDLENGTH 13, code 3, length 9.
  size_t opt = r.rendered.size - 11 - 4 - 9;
  EXPECT_EQ(ToHex(std::span(r.bytes).subspan(opt, 15)),
            "00 00 29 04 d0 00 00 00 00 00 0d 00 03 00 09");

  // On an error response too: the query's OPT was read.
  Answer refused;
  refused.rcode = kRefused;
  Rendering e = RenderAndParse(p.query, refused, 65535, kOurPayload, "ns1.fra-3");
  ASSERT_EQ(e.msg.edns_options.size(), 1u);
  EXPECT_EQ(e.msg.edns_options[0].second, "ns1.fra-3");
}

TEST(RenderTest, NsidOnlyWhenAskedAndConfigured) {
  Answer a;
  // Not asked for.
  ParsedQuery unasked = MakeQuery(EdnsSpec("example.com", 1232));
  Rendering r = RenderAndParse(unasked.query, a, 65535, kOurPayload, "ns1");
  EXPECT_TRUE(r.msg.edns);
  EXPECT_TRUE(r.msg.edns_options.empty());
  EXPECT_EQ(r.rendered.size, 12 + unasked.query.question.size() + 11);
  // Asked for, no identity configured (hide-identity).
  ParsedQuery asked = MakeQuery(NsidSpec("example.com"));
  Rendering none = RenderAndParse(asked.query, a, 65535, kOurPayload, "");
  EXPECT_TRUE(none.msg.edns_options.empty());
  EXPECT_EQ(none.rendered.size, 12 + asked.query.question.size() + 11);
  // Asked for in an EDNS version we do not speak: BADVERS, no option.
  QuerySpec v1 = NsidSpec("example.com");
  v1.edns_version = 1;
  ParsedQuery bad = MakeQuery(v1);
  ASSERT_EQ(bad.gate.rcode, kBadVers);
  Answer badvers;
  badvers.rcode = kBadVers;
  Rendering b = RenderAndParse(bad.query, badvers, 65535, kOurPayload, "ns1");
  EXPECT_EQ(b.msg.extended_rcode, kBadVers);
  EXPECT_TRUE(b.msg.edns_options.empty());
}

TEST(RenderTest, NsidNeverTruncatesAnAnswerThatFits) {
  // A client budget of 600: an answer that fills it with the bare OPT
  // goes out whole, without NSID; one with room to spare gets NSID too.
  ParsedQuery p = MakeQuery(NsidSpec("example.com", 600));
  const std::string identity = "ns1.provider.test";
  size_t exact = TextLengthForSize(p.query, 600);
  RRset full = Txt(std::string(exact, 'f'));
  Answer a;
  a.AddAnswer(full, 0);
  Rendering r = RenderAndParse(p.query, a, 65535, kOurPayload, identity);
  EXPECT_FALSE(r.msg.tc);
  EXPECT_EQ(r.rendered.size, 600u);
  EXPECT_EQ(r.msg.ancount, 1);
  EXPECT_TRUE(r.msg.edns_options.empty());

  size_t roomy = TextLengthForSize(p.query, 600 - 4 - identity.size());
  RRset fits = Txt(std::string(roomy, 'f'));
  Answer b;
  b.AddAnswer(fits, 0);
  Rendering s = RenderAndParse(p.query, b, 65535, kOurPayload, identity);
  EXPECT_FALSE(s.msg.tc);
  EXPECT_EQ(s.rendered.size, 600u);
  ASSERT_EQ(s.msg.edns_options.size(), 1u);
  EXPECT_EQ(s.msg.edns_options[0].second, identity);

  // And never a write past the budget, whatever the answer's size.
  for (size_t n : {0, 100, 500, 530, 560, 600}) {
    RRset txt = Txt(std::string(n, 'g'));
    Answer c;
    c.AddAnswer(txt, 0);
    std::vector<uint8_t> out(4096, 0xAA);
    Rendered rendered = Render(p.query, c, kOurPayload, out, identity);
    EXPECT_LE(rendered.size, 600u);
    for (size_t i = 600; i < out.size(); ++i) ASSERT_EQ(out[i], 0xAA) << "n=" << n << " at " << i;
  }
}

TEST(RenderTest, ResponseWithoutQuestion) {
  auto msg = WireBuilder().Header(0x0707, kFlagRd, 0).Build();
  Query q;
  GateResult g = ParseQuery(msg, Transport::kUdp, &q);
  ASSERT_EQ(g.rcode, kFormErr);
  Answer a;
  a.rcode = g.rcode;
  Rendering r = RenderAndParse(q, a);
  EXPECT_EQ(r.rendered.size, 12u);
  EXPECT_EQ(r.msg.id, 0x0707);
  EXPECT_EQ(r.msg.rcode, kFormErr);
  EXPECT_EQ(r.msg.qdcount, 0);
  EXPECT_TRUE(r.msg.rd);
  EXPECT_TRUE(r.msg.qr);
}

TEST(RenderTest, OpcodeIsEchoed) {
  WireBuilder b;
  b.Header(9, kOpNotify << 11, 1).Question("example.com", kTypeSoa);
  auto msg = b.Build();
  Query q;
  GateResult g = ParseQuery(msg, Transport::kUdp, &q);
  ASSERT_EQ(g.rcode, kNotImp);
  Answer a;
  a.rcode = g.rcode;
  Rendering r = RenderAndParse(q, a);
  EXPECT_EQ(r.msg.opcode, kOpNotify);
  EXPECT_EQ(r.msg.rcode, kNotImp);
  ASSERT_EQ(r.msg.question.size(), 1u);
  EXPECT_EQ(r.msg.question[0].type, kTypeSoa);
}

TEST(RenderTest, NeverWritesPastTheBudget) {
  // Guard octets after the budget must be untouched, however big the answer.
  ParsedQuery p = MakeQuery(EdnsSpec("example.com", 600));
  for (size_t n : {0, 100, 400, 530, 560, 600, 1000}) {
    RRset txt = Txt(std::string(n, 'g'));
    Answer a;
    a.AddAnswer(txt, 0);
    std::vector<uint8_t> out(4096, 0xAA);
    Rendered r = Render(p.query, a, kOurPayload, out);
    EXPECT_LE(r.size, 600u);
    for (size_t i = 600; i < out.size(); ++i) {
      ASSERT_EQ(out[i], 0xAA) << "n=" << n << " wrote at " << i;
    }
  }
}

}  // namespace
}  // namespace dnsd
