// A pre-rendered RRset: the records of one owner and type, already in wire
// form except for the owner name, which the renderer writes (compressed)
// at answer time. Built once per snapshot; the query path only copies bytes.
#ifndef DNSD_PROTOCOL_ZONE_RRSET_H_
#define DNSD_PROTOCOL_ZONE_RRSET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/zone/apart_rdata.h"
#include "dnsd/protocol/zone/record_bytes.h"

namespace dnsd {

struct RRset {
  // `count` records, each TYPE CLASS TTL RDLENGTH RDATA (RFC 1035 §4.1.3)
  // with the owner left out: the RRset's own octets, or a view of its
  // compiled domain's (record_bytes.h). [[no_unique_address]] lets `type`
  // and `count` sit in the 4 octets after it: 24 octets, not 32, and a
  // domain holds several.
  [[no_unique_address]] RecordBytes records;
  uint16_t type = 0;
  uint16_t count = 0;
  // Or one record whose RDATA is kept elsewhere (apart_rdata.h): then
  // `records` is its TYPE CLASS TTL RDLENGTH alone, and this writes the
  // RDATA. A DKIM key is the largest thing a domain has, and the domain's
  // model holds it already (policy/dkim/dkim_section.h), so its record
  // points at that object instead of holding a copy. Whoever builds such
  // an RRset keeps the RDATA alive for as long as the RRset
  // (config/compiled_domain.h).
  const ApartRdata* rdata = nullptr;
};
static_assert(sizeof(RRset) == 24);

// A TTL that stands for the zone TTL of the snapshot that serves the
// record (ZoneCommon::ttl, the provider's `ttl`): the renderer writes that
// in its place (dnsd/protocol/answer/render.cc). A domain's records are
// then the same octets whatever the provider's TTL, so a change of it
// compiles no domain again and a reload shares every one. RFC 2181 §8
// gives a TTL 31 bits; the top bit marks this one, which never reaches
// the wire.
inline constexpr uint32_t kZoneTtl = 0x80000000u;
// Whether the TTL field at `ttl` (4 octets of a record) holds kZoneTtl.
inline bool IsZoneTtl(const char* ttl) { return (static_cast<uint8_t>(ttl[0]) & 0x80) != 0; }

// Builds an RRset one record at a time (control plane only).
class RRsetBuilder {
 public:
  // Class IN unless told: dnsd's only other class is CHAOS, for the
  // server's identity (dnsd/pipeline.cc).
  RRsetBuilder(uint16_t type, uint32_t ttl, uint16_t rr_class = wire::kClassIn)
      : type_(type), ttl_(ttl), class_(rr_class) {}
  // Appends a record with this RDATA.
  RRsetBuilder& Add(absl::string_view rdata);
  RRset Build();  // leaves the builder empty

 private:
  uint16_t type_;
  uint32_t ttl_;
  uint16_t class_;
  uint16_t count_ = 0;
  std::string records_;
};

// RDATA builders for the types dnsd serves. Names are lower-case wire form.
// TXT text is split into strings of at most 255 octets (RFC 1035 §3.3.14,
// RFC 7208 §3.3, RFC 6376 §3.6.2.2): receivers join them without spaces.
std::string TxtRdata(absl::string_view text);
// The same written to `out`, without allocating (answers written per
// query); returns its length. `out` must hold TxtRdataBound(text.size()).
size_t PutTxtRdata(absl::string_view text, char* out);
constexpr size_t TxtRdataBound(size_t text) { return text + text / wire::kMaxTxtString + 1; }
std::string SoaRdata(absl::string_view mname, absl::string_view rname, uint32_t serial,
                     uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum);

// One record of `type` whose RDATA `rdata` writes, kept apart
// (RRset::rdata). `rdata` must outlive the RRset.
RRset RecordWithRdataApart(uint16_t type, uint32_t ttl, const ApartRdata* rdata,
                           uint16_t rr_class = wire::kClassIn);

// The records as the wire carries them, the RDATA kept apart included
// (control plane: digests, tools, tests), with kZoneTtl as it is kept.
std::string WireRecords(const RRset& rrset);
// The same as served: kZoneTtl replaced by `zone_ttl`.
std::string WireRecords(const RRset& rrset, uint32_t zone_ttl);

// Whether two RRsets carry the same records, wherever each keeps its RDATA
// (control plane: a domain compiled again to the same records keeps the
// RRsets it had, config/compiled_domain.h).
bool SameRecords(const RRset& a, const RRset& b);

// Splits the records back into the RDATA of each record (for tests and tools).
std::vector<std::string> RdataOf(const RRset& rrset);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ZONE_RRSET_H_
