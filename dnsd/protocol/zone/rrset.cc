#include "dnsd/protocol/zone/rrset.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

void AppendU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void AppendU32(std::string& out, uint32_t v) {
  AppendU16(out, static_cast<uint16_t>(v >> 16));
  AppendU16(out, static_cast<uint16_t>(v));
}

// TYPE CLASS TTL RDLENGTH.
constexpr size_t kRecordHeader = 10;

}  // namespace

RRsetBuilder& RRsetBuilder::Add(absl::string_view rdata) {
  AppendU16(records_, type_);
  AppendU16(records_, class_);
  AppendU32(records_, ttl_);
  AppendU16(records_, static_cast<uint16_t>(rdata.size()));
  absl::StrAppend(&records_, rdata);
  ++count_;
  return *this;
}

RRset RecordWithRdataApart(uint16_t type, uint32_t ttl, const ApartRdata* rdata,
                           uint16_t rr_class) {
  std::string header;
  AppendU16(header, type);
  AppendU16(header, rr_class);
  AppendU32(header, ttl);
  AppendU16(header, static_cast<uint16_t>(rdata->size()));
  RRset rrset;
  rrset.records = RecordBytes(header);
  rrset.type = type;
  rrset.count = 1;
  rrset.rdata = rdata;
  return rrset;
}

std::string WireRecords(const RRset& rrset) {
  if (rrset.rdata == nullptr) return std::string(rrset.records.view());
  return absl::StrCat(rrset.records.view(), rrset.rdata->Bytes());
}

std::string WireRecords(const RRset& rrset, uint32_t zone_ttl) {
  std::string records = WireRecords(rrset);
  size_t at = 0;
  for (uint16_t i = 0; i < rrset.count && records.size() - at >= kRecordHeader; ++i) {
    if (IsZoneTtl(&records[at + 4])) {
      for (int i = 0; i < 4; ++i) records[at + 4 + i] = static_cast<char>(zone_ttl >> (24 - 8 * i));
    }
    size_t rdlength = static_cast<uint8_t>(records[at + 8]) << 8 | static_cast<uint8_t>(records[at + 9]);
    at = std::min(records.size(), at + kRecordHeader + rdlength);
  }
  return records;
}

bool SameRecords(const RRset& a, const RRset& b) {
  if (a.type != b.type || a.count != b.count) return false;
  // Both kept apart, or neither: header to header, RDATA to RDATA.
  if ((a.rdata == nullptr) == (b.rdata == nullptr)) {
    return a.records == b.records && SameRdata(a.rdata, b.rdata);
  }
  return WireRecords(a) == WireRecords(b);  // one record kept two ways
}

RRset RRsetBuilder::Build() {
  // An exact copy: most RRsets have one record, and a snapshot keeps
  // several per domain.
  RRset rrset;
  rrset.records = RecordBytes(records_);
  rrset.type = type_;
  rrset.count = count_;
  records_.clear();
  count_ = 0;
  return rrset;
}

size_t PutTxtRdata(absl::string_view text, char* out) {
  char* p = out;
  // An empty text is still one (empty) character-string.
  do {
    size_t n = std::min(text.size(), wire::kMaxTxtString);
    *p++ = static_cast<char>(n);
    std::memcpy(p, text.data(), n);
    p += n;
    text.remove_prefix(n);
  } while (!text.empty());
  return static_cast<size_t>(p - out);
}

std::string TxtRdata(absl::string_view text) {
  // Sized once: a DKIM key's RDATA is kept for as long as its domain is
  // served.
  std::string rdata(TxtRdataBound(text.size()), '\0');
  rdata.resize(PutTxtRdata(text, rdata.data()));
  return rdata;
}

std::string SoaRdata(absl::string_view mname, absl::string_view rname, uint32_t serial,
                     uint32_t refresh, uint32_t retry, uint32_t expire, uint32_t minimum) {
  std::string rdata = absl::StrCat(mname, rname);
  for (uint32_t v : {serial, refresh, retry, expire, minimum}) AppendU32(rdata, v);
  return rdata;
}

std::vector<std::string> RdataOf(const RRset& rrset) {
  if (rrset.rdata != nullptr) return {rrset.rdata->Bytes()};
  std::vector<std::string> out;
  absl::string_view rest = rrset.records;
  while (rest.size() >= kRecordHeader) {
    size_t len = static_cast<uint8_t>(rest[8]) << 8 | static_cast<uint8_t>(rest[9]);
    out.emplace_back(rest.substr(kRecordHeader, len));
    rest.remove_prefix(std::min(rest.size(), kRecordHeader + len));
  }
  return out;
}

}  // namespace dnsd
