#include "policy/dkim/dkim_record.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/kept_heap.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/dkim/dkim.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kKeyTypes[] = {"rsa", "ed25519"};
constexpr absl::string_view kVersion = "v=DKIM1; k=";
constexpr absl::string_view kKeyTag = "; p=";
constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr size_t Base64Size(size_t octets) { return (octets + 2) / 3 * 4; }

// RFC 4648 §4, with '=' padding: what CleanBase64 accepts back.
char* PutBase64(const unsigned char* in, size_t n, char* out) {
  for (; n >= 3; in += 3, n -= 3) {
    uint32_t v = uint32_t{in[0]} << 16 | uint32_t{in[1]} << 8 | in[2];
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    *out++ = kAlphabet[v & 63];
  }
  if (n > 0) {
    uint32_t v = uint32_t{in[0]} << 16 | (n == 2 ? uint32_t{in[1]} << 8 : 0);
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = n == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    *out++ = '=';
  }
  return out;
}

char* Put(absl::string_view text, char* out) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

}  // namespace

RdataRef DkimRecordOf(const DkimKeyTags& tags, KeyHeap heap) {
  if (RdataRef packed = DkimKeyRecord::Make(tags, heap)) return packed;
  return BytesRdata::Make(TxtRdata(RenderDkimRecord(tags)));
}

RdataRef DkimKeyRecord::Make(const DkimKeyTags& tags, KeyHeap heap) {
  int type = -1;
  for (size_t i = 0; i < std::size(kKeyTypes); ++i) {
    if (tags.key_type == kKeyTypes[i]) type = static_cast<int>(i);
  }
  std::string der;
  if (type < 0 || !absl::Base64Unescape(tags.public_key, &der) || der.empty() ||
      der.size() > UINT16_MAX || absl::Base64Escape(der) != tags.public_key) {
    return RdataRef();
  }
  // What RenderDkimRecord writes after the key, whatever tags it learns.
  std::string text = RenderDkimRecord(tags);
  std::string head = absl::StrCat(kVersion, tags.key_type, kKeyTag, tags.public_key);
  if (!absl::StartsWith(text, head) || text.size() - head.size() > UINT8_MAX) return RdataRef();
  return Build(static_cast<uint8_t>(type), der, absl::string_view(text).substr(head.size()),
               heap);
}

void DkimKeyRecord::WriteTo(ImageWriter& out) const {
  out.U8(type_);
  out.Bytes(absl::string_view(der(), der_size_));
  out.Bytes(absl::string_view(tail(), tail_size_));
}

RdataRef DkimKeyRecord::Read(ImageReader& in) {
  uint8_t type = in.U8();
  absl::string_view der = in.Bytes(UINT16_MAX);
  absl::string_view tail = in.Bytes(UINT8_MAX);
  if (!in.ok() || type >= std::size(kKeyTypes) || der.empty()) return RdataRef();
  return Build(type, der, tail, KeyHeap::kKept);
}

RdataRef DkimKeyRecord::Build(uint8_t type, absl::string_view der, absl::string_view tail,
                              KeyHeap heap) {
  size_t size = sizeof(DkimKeyRecord) + der.size() + tail.size();
  void* at = heap == KeyHeap::kKept ? KeptAlloc(size) : ::operator new(size);
  auto* record = new (at) DkimKeyRecord(static_cast<uint16_t>(der.size()), type,
                                        static_cast<uint8_t>(tail.size()), heap);
  char* bytes = reinterpret_cast<char*>(record + 1);
  std::memcpy(bytes, der.data(), der.size());
  std::memcpy(bytes + der.size(), tail.data(), tail.size());
  return RdataRef(record);
}

size_t DkimKeyRecord::TextSize() const {
  return kVersion.size() + kKeyTypes[type_].size() + kKeyTag.size() + Base64Size(der_size_) +
         tail_size_;
}

size_t DkimKeyRecord::size() const {
  size_t text = TextSize();
  return text + (text + wire::kMaxTxtString - 1) / wire::kMaxTxtString;
}

void DkimKeyRecord::Write(char* out) const {
  // The text goes in after room for every string's length octet, then
  // each string moves down to its place behind its length: a string never
  // moves up, so none overwrites text not yet moved.
  size_t text = TextSize();
  size_t strings = (text + wire::kMaxTxtString - 1) / wire::kMaxTxtString;
  char* p = Put(kVersion, out + strings);
  p = Put(kKeyTypes[type_], p);
  p = Put(kKeyTag, p);
  p = PutBase64(reinterpret_cast<const unsigned char*>(der()), der_size_, p);
  Put(absl::string_view(tail(), tail_size_), p);
  for (size_t i = 0; i < strings; ++i) {
    size_t n = std::min(wire::kMaxTxtString, text - i * wire::kMaxTxtString);
    char* to = out + i * (wire::kMaxTxtString + 1);
    std::memmove(to + 1, out + strings + i * wire::kMaxTxtString, n);
    *to = static_cast<char>(n);
  }
}

bool DkimKeyRecord::Same(const ApartRdata& other) const {
  const auto* held = dynamic_cast<const DkimKeyRecord*>(&other);
  if (held == nullptr) return ApartRdata::Same(other);
  return der_size_ == held->der_size_ && type_ == held->type_ &&
         tail_size_ == held->tail_size_ &&
         std::memcmp(der(), held->der(), size_t{der_size_} + tail_size_) == 0;
}

void DkimKeyRecord::Destroy() const {
  size_t size = sizeof(DkimKeyRecord) + der_size_ + tail_size_;
  bool kept = !read_heap_;
  this->~DkimKeyRecord();
  auto* at = const_cast<DkimKeyRecord*>(this);
  if (kept) {
    KeptFree(at, size);
  } else {
    ::operator delete(at, size);
  }
}

static_assert(sizeof(DkimKeyRecord) == 16, "the key's DER follows 16 octets");

}  // namespace dnsd::config
