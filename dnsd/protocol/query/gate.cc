#include "dnsd/protocol/query/gate.h"

#include <string_view>

#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/reader.h"

namespace dnsd {
namespace {

using namespace wire;  // NOLINT: protocol constants read better bare here

constexpr GateResult Respond(uint16_t rcode) { return {GateVerdict::kRespond, rcode}; }

// RFC 6891 §6.1.2: OPT's owner is the root; its TTL carries the extended
// RCODE, version and flags; its RDATA is a list of {code, length, data}.
bool ReadOpt(Reader& r, Edns* edns) {
  edns->present = true;
  edns->udp_size = r.ReadU16();
  r.ReadU8();  // extended RCODE: meaningless in a query
  edns->version = r.ReadU8();
  edns->do_bit = (r.ReadU16() & kEdnsFlagDo) != 0;
  uint16_t rdlength = r.ReadU16();
  size_t end = r.position() + rdlength;
  while (r.ok() && r.position() + 4 <= end) {
    uint16_t code = r.ReadU16();
    // RFC 5001 §2.1: the request's NSID payload is empty, and a server
    // ignores whatever is there. Other options are not acted on.
    if (code == kEdnsOptionNsid) edns->nsid = true;
    r.Skip(r.ReadU16());
  }
  return r.ok() && r.position() == end;
}

// The additional section: at most one OPT (RFC 6891 §6.1.1); other records
// (TSIG, SIG(0)) are skipped, since dnsd authenticates no one.
bool ReadAdditional(Reader& r, uint16_t count, Edns* edns) {
  for (uint16_t i = 0; i < count; ++i) {
    bool root_owner = r.remaining() > 0 && r.message()[r.position()] == 0;
    r.SkipName();
    uint16_t type = r.ReadU16();
    if (!r.ok()) return false;
    if (type == kTypeOpt) {
      if (edns->present || !root_owner) return false;
      if (!ReadOpt(r, edns)) return false;
      continue;
    }
    r.Skip(6);  // class, TTL
    r.Skip(r.ReadU16());
    if (!r.ok()) return false;
  }
  return true;
}

// RFC 1995 §3: an IXFR query carries, in its authority section, the SOA
// of the zone version the client holds. Skips that one record; it must be
// an SOA and lie wholly inside the message.
bool ReadIxfrAuthority(Reader& r) {
  r.SkipName();
  uint16_t type = r.ReadU16();
  r.Skip(6);  // class, TTL
  r.Skip(r.ReadU16());
  return r.ok() && type == kTypeSoa;
}

// The names NSD and BIND answer with the server's identity in class CHAOS
// (RFC 4892 §2.3 for id.server; hostname.bind by convention), in lower-case
// wire form with the root label.
constexpr std::string_view kIdServer("\2id\6server\0", 11);
constexpr std::string_view kHostnameBind("\10hostname\4bind\0", 15);

bool IsIdentityQuestion(const Query& q) {
  if (q.qtype != kTypeTxt && q.qtype != kTypeAny) return false;
  std::string_view name(reinterpret_cast<const char*>(q.name.data), q.name.size);
  return name == kIdServer || name == kHostnameBind;
}

// Meta and obsolete QTYPEs (RFC 6895 §3.1) that an authoritative server
// does not answer from zone data.
GateResult CheckQtype(uint16_t qtype) {
  switch (qtype) {
    case 0:
    case kTypeOpt:  // RFC 6891 §6.1.1: OPT is not a question
      return Respond(kFormErr);
    case kTypeAxfr:
    case kTypeIxfr:  // zones are synthesised: no transfers (README.md, "What dnsd serves")
      return Respond(kRefused);
    case kTypeAny:
      return {GateVerdict::kLookup, kNoError};
    default:
      if (qtype >= 128 && qtype <= 255) return Respond(kNotImp);  // TKEY, TSIG, MAILA...
      return {GateVerdict::kLookup, kNoError};
  }
}

}  // namespace

GateResult ParseQuery(std::span<const uint8_t> message, Transport transport, Query* q) {
  q->transport = transport;
  // Too short to be a header, or a response: answering could loop or reflect.
  if (message.size() < kHeaderSize) return {GateVerdict::kDrop, 0};
  Reader r(message);
  q->id = r.ReadU16();
  q->flags = r.ReadU16();
  if (q->flags & kFlagQr) return {GateVerdict::kDrop, 0};
  uint16_t qdcount = r.ReadU16();
  uint16_t ancount = r.ReadU16();
  uint16_t nscount = r.ReadU16();
  uint16_t arcount = r.ReadU16();
  q->opcode = (q->flags >> 11) & 0xF;

  // The question is echoed with every response that has one, so read it
  // first. It must be uncompressed: its only possible pointer targets are
  // the header or itself, and the echo must be the name that was looked up.
  if (qdcount >= 1) {
    size_t start = r.position();
    Name original;
    r.ReadName(&original);
    q->qtype = r.ReadU16();
    q->qclass = r.ReadU16();
    if (r.ok() && r.position() - start == size_t{original.size} + 4) {
      q->has_question = true;
      q->question = message.subspan(start, r.position() - start);
      LowerCase(original, &q->name);
    }
  }

  // A query has exactly one question and no answer or authority records,
  // except that an IXFR has its client's SOA as its one authority record
  // (RFC 1995 §3). Read here, so that IXFR reaches CheckQtype's REFUSED
  // like AXFR; anything else in the authority section is FORMERR.
  bool question_ok = qdcount == 1 && q->has_question && ancount == 0;
  bool authority_ok = nscount == 0 || (nscount == 1 && q->qtype == kTypeIxfr);
  bool sections_ok = question_ok && authority_ok && (nscount == 0 || ReadIxfrAuthority(r));
  // RFC 6891 §6.1.1: a request's OPT is answered with an OPT, whatever the
  // RCODE, so read it whenever the sections before it could be read.
  bool additional_ok = sections_ok && ReadAdditional(r, arcount, &q->edns) && r.remaining() == 0;
  if (!additional_ok) q->edns.present = false;  // a broken OPT is not echoed

  // RFC 1035 §4.1.1: only standard QUERY is implemented.
  if (q->opcode != kOpQuery) return Respond(kNotImp);
  // TC in a query is meaningless (NSD answers FORMERR the same way).
  if (!additional_ok || (q->flags & kFlagTc)) return Respond(kFormErr);
  // RFC 6891 §6.1.3: we speak version 0 only.
  if (q->edns.present && q->edns.version != 0) return Respond(kBadVers);
  if (q->qclass == kClassCh && IsIdentityQuestion(*q)) return {GateVerdict::kIdentity, kNoError};
  if (q->qclass != kClassIn) return Respond(kRefused);  // no zones in other classes
  return CheckQtype(q->qtype);
}

}  // namespace dnsd
