// A bounds-checked, allocation-free cursor over a received DNS message.
//
// Every read either succeeds or leaves the reader failed (ok() == false) and
// returns zero; callers check once after a group of reads, the way a
// parser over untrusted input should: no exceptions, no partial trust.
#ifndef DNSD_PROTOCOL_WIRE_READER_H_
#define DNSD_PROTOCOL_WIRE_READER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "dnsd/protocol/wire/name.h"

namespace dnsd::wire {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> message) : msg_(message) {}

  bool ok() const { return ok_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return ok_ ? msg_.size() - pos_ : 0; }
  std::span<const uint8_t> message() const { return msg_; }

  uint8_t ReadU8();
  uint16_t ReadU16();
  uint32_t ReadU32();
  void Skip(size_t n);

  // Reads a possibly compressed name (RFC 1035 §4.1.4) into `out` in its
  // original letter case. Pointers must point backwards and past the
  // header; the decoded name must fit 255 octets, which also ends loops.
  void ReadName(Name* out);

  // Skips a name without decoding it: for records dnsd does not look into.
  void SkipName();

 private:
  bool Need(size_t n);

  std::span<const uint8_t> msg_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dnsd::wire

#endif  // DNSD_PROTOCOL_WIRE_READER_H_
