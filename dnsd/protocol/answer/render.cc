#include "absl/strings/string_view.h"
#include "dnsd/protocol/answer/render.h"

#include <algorithm>

#include "dnsd/protocol/wire/writer.h"

namespace dnsd {
namespace {

using namespace wire;  // NOLINT: protocol constants read better bare here

constexpr size_t kOptSize = 11;  // root, TYPE, CLASS, TTL, RDLENGTH

void PutHeader(Writer& w, const Query& q, const Answer& a) {
  uint16_t flags = kFlagQr | static_cast<uint16_t>(q.opcode << 11) |
                   (q.flags & (kFlagRd | kFlagCd)) | (a.rcode & 0xF);
  if (a.authoritative) flags |= kFlagAa;
  w.PutU16(q.id);
  w.PutU16(flags);
  w.PutU16(q.has_question ? 1 : 0);
  w.PutU16(0);  // ANCOUNT, NSCOUNT, ARCOUNT: patched once known
  w.PutU16(0);
  w.PutU16(0);
}

uint16_t OwnerPointer(const Query& q, uint8_t owner_label) {
  size_t at = kHeaderSize + (owner_label < q.name.label_count
                                 ? q.name.label_offsets[owner_label]
                                 : q.name.size - 1);
  return static_cast<uint16_t>(0xC000 | at);
}

// TYPE CLASS TTL RDLENGTH: the TTL is at 4.
constexpr size_t kTtlAt = 4;

// A record's TTL as kept (rrset.h): kZoneTtl stands for the zone's.
void PatchZoneTtl(Writer& w, size_t record, absl::string_view kept, uint32_t zone_ttl) {
  if (!IsZoneTtl(kept.data() + kTtlAt) || w.overflowed()) return;
  w.PatchU16(record + kTtlAt, static_cast<uint16_t>(zone_ttl >> 16));
  w.PatchU16(record + kTtlAt + 2, static_cast<uint16_t>(zone_ttl));
}

// Writes each record of `r` behind a pointer to its owner.
void PutRecords(Writer& w, const Query& q, const AnswerRecords& r, const Answer& a) {
  if (r.rdata != nullptr) {  // one record, its RDATA kept apart (RRset::rdata)
    w.PutU16(OwnerPointer(q, r.owner_label));
    size_t start = w.size();
    w.PutBytes(r.records);
    if (r.records.size() >= 10) PatchZoneTtl(w, start, r.records, a.zone_ttl);
    if (char* out = w.Reserve(r.rdata->size())) r.rdata->Write(out);
    return;
  }
  absl::string_view rest = r.records;
  for (uint16_t i = 0; i < r.count && rest.size() >= 10; ++i) {
    size_t rdlength = static_cast<uint8_t>(rest[8]) << 8 | static_cast<uint8_t>(rest[9]);
    size_t length = std::min(rest.size(), 10 + rdlength);
    w.PutU16(OwnerPointer(q, r.owner_label));
    size_t start = w.size();
    w.PutBytes(rest.substr(0, length));
    PatchZoneTtl(w, start, rest, a.zone_ttl);
    // SOA RDATA ends SERIAL REFRESH RETRY EXPIRE MINIMUM (RFC 1035 §3.3.13).
    if (r.patch_serial && !w.overflowed() && length >= 30) {
      size_t at = start + length - 20;
      w.PatchU16(at, static_cast<uint16_t>(a.serial >> 16));
      w.PatchU16(at + 2, static_cast<uint16_t>(a.serial));
    }
    rest.remove_prefix(length);
  }
}

uint16_t PutSection(Writer& w, const Query& q, const AnswerRecords* records, int n,
                    const Answer& a) {
  uint16_t count = 0;
  for (int i = 0; i < n; ++i) {
    PutRecords(w, q, records[i], a);
    count += records[i].count;
  }
  return count;
}

// RFC 6891 §6.1.2-3: our payload size in CLASS, extended RCODE and version
// 0 in TTL, the DO bit copied back (RFC 3225 §3); then the NSID option
// (RFC 5001 §2.3: code 3, the identity's octets) when `nsid` is not empty.
void PutOpt(Writer& w, const Query& q, const Answer& a, uint16_t our_payload,
            absl::string_view nsid) {
  w.PutU8(0);
  w.PutU16(kTypeOpt);
  w.PutU16(our_payload);
  w.PutU8(static_cast<uint8_t>(a.rcode >> 4));
  w.PutU8(0);
  w.PutU16(q.edns.do_bit ? kEdnsFlagDo : 0);
  if (nsid.empty()) {
    w.PutU16(0);
    return;
  }
  w.PutU16(static_cast<uint16_t>(4 + nsid.size()));
  w.PutU16(kEdnsOptionNsid);
  w.PutU16(static_cast<uint16_t>(nsid.size()));
  w.PutBytes(nsid);
}

}  // namespace

size_t ResponseSizeLimit(const Query& q, uint16_t our_payload) {
  if (q.transport == Transport::kTcp) return kMaxMessageSize;
  if (!q.edns.present) return kMaxUdpNoEdns;
  // RFC 6891 §6.2.5: values below 512 are treated as 512.
  size_t client = std::max<size_t>(q.edns.udp_size, kMaxUdpNoEdns);
  return std::min<size_t>(client, std::max<size_t>(our_payload, kMaxUdpNoEdns));
}

Rendered Render(const Query& q, const Answer& a, uint16_t our_payload, std::span<uint8_t> out,
                absl::string_view nsid) {
  size_t limit = std::min(out.size(), ResponseSizeLimit(q, our_payload));
  size_t opt_size = q.edns.present ? kOptSize : 0;
  Writer w(out.first(limit - opt_size));
  PutHeader(w, q, a);
  if (q.has_question) w.PutBytes(q.question);
  size_t after_question = w.size();

  uint16_t ancount = PutSection(w, q, a.answer, a.answer_count, a);
  uint16_t nscount = PutSection(w, q, a.authority, a.authority_count, a);
  bool truncated = w.overflowed();
  if (truncated) {
    // RFC 2181 §9: what does not fit is left out whole and TC tells the
    // client to ask again over TCP.
    w.Truncate(after_question);
    ancount = nscount = 0;
    out[2] |= kFlagTc >> 8;
  }
  w.PatchU16(6, ancount);
  w.PatchU16(8, nscount);

  size_t size = w.size();
  if (q.edns.present) {
    // RFC 5001 §2.2: the identity goes back when it was asked for (not to
    // an EDNS version we do not speak, RFC 6891 §6.1.3). It only takes room
    // the answer left: it never truncates an answer that fits without it.
    if (!q.edns.nsid || q.edns.version != 0 || nsid.size() > 0xffff - 4 ||
        size + opt_size + 4 + nsid.size() > limit) {
      nsid = {};
    }
    size_t opt_total = opt_size + (nsid.empty() ? 0 : 4 + nsid.size());
    Writer opt(out.subspan(size, opt_total));
    PutOpt(opt, q, a, our_payload, nsid);
    size += opt_total;
    w.PatchU16(10, 1);
  }
  return {size, truncated};
}

}  // namespace dnsd
