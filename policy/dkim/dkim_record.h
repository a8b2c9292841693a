// A DKIM key's TXT record held as the key's DER, its text written per
// answer (dnsd/protocol/zone/apart_rdata.h).
//
// The record is "v=DKIM1; k=<type>; p=<base64>" and then the h=, t=, s=
// and n= tags (RenderDkimRecord). Of a 2048-bit RSA key's 422 octets of
// RDATA, 392 are the base64 of 294 octets of DER: held as the DER, the
// type as one octet and the tags after p= as text, the record takes 320
// octets of heap, not 496 (the RDATA in the 448-octet class and a
// shared_ptr's block beside it). An answer writes the text back, split
// into character-strings of 255 octets as TxtRdata splits it: the served
// octets are the same.
//
// A key whose base64 would not come back as the file spelled it is held
// as its RDATA instead; CleanBase64 lets none through, so that is only a
// guard.
#ifndef DNSD_POLICY_DKIM_DKIM_RECORD_H_
#define DNSD_POLICY_DKIM_DKIM_RECORD_H_

#include <cstddef>
#include <cstdint>

#include "config/image_bytes.h"
#include "config/model.h"
#include "dnsd/protocol/zone/apart_rdata.h"

namespace dnsd::config {

// The RDATA of the TXT record RenderDkimRecord(tags) makes: a
// DkimKeyRecord when the key can be held as DER, else the RDATA's octets.
// `tags.public_key` is the cleaned base64 (CleanBase64).
RdataRef DkimRecordOf(const DkimKeyTags& tags, KeyHeap heap = KeyHeap::kKept);

class DkimKeyRecord final : public ApartRdata {
 public:
  // Null if `tags` cannot be held this way.
  static RdataRef Make(const DkimKeyTags& tags, KeyHeap heap);
  // The compiled image (config/compiled_image.h) holds a key's record as
  // this form holds it: the type, the DER and the tail. Read makes the
  // record again from what WriteTo wrote, with no base64 either way; null
  // if the bytes do not hold one.
  void WriteTo(ImageWriter& out) const;
  static RdataRef Read(ImageReader& in);

  size_t size() const override;
  void Write(char* out) const override;
  // Another record held as DER is the same if it holds the same: a record
  // is held so only one way.
  bool Same(const ApartRdata& other) const override;

 private:
  DkimKeyRecord(uint16_t der_size, uint8_t type, uint8_t tail_size, KeyHeap heap)
      : der_size_(der_size), type_(type), read_heap_(heap == KeyHeap::kRead),
        tail_size_(tail_size) {}
  void Destroy() const override;
  static RdataRef Build(uint8_t type, absl::string_view der, absl::string_view tail,
                        KeyHeap heap);

  const char* der() const { return reinterpret_cast<const char*>(this + 1); }
  const char* tail() const { return der() + der_size_; }
  // The record's text, before it is split into character-strings.
  size_t TextSize() const;

  // In the base's tail padding: the object is 16 octets, the DER and the
  // tags after p= follow it.
  uint16_t der_size_;
  uint8_t type_ : 7;      // index in kKeyTypes
  uint8_t read_heap_ : 1;  // allocated as KeyHeap::kRead says, not kKept
  uint8_t tail_size_;  // "; h=sha256" and the like
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_RECORD_H_
