// The byte encoding of dnsd's compiled image (config/compiled_image.h):
// numbers little-endian or as varints, byte strings with their length in
// front. The reader is for bytes dnsd wrote, but reads them as it would
// bytes from anywhere: every read is bounded by what is left, and the
// first that would run past the end, or past a limit it was given, makes
// every later read return zeros and `ok()` false. A caller checks once,
// at the end of a record, rather than at every field.
#ifndef DNSD_CONFIG_IMAGE_BYTES_H_
#define DNSD_CONFIG_IMAGE_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "config/bytes_digest.h"

namespace dnsd::config {

class ImageWriter {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Fixed(v, 2); }
  void U32(uint32_t v) { Fixed(v, 4); }
  void U64(uint64_t v) { Fixed(v, 8); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Bytes(absl::string_view bytes) {
    Varint(bytes.size());
    out_.append(bytes.data(), bytes.size());
  }
  // A record a reader can tell is the one written: `bytes` with their
  // length, then their BytesDigest (ImageReader::Digested).
  void Digested(absl::string_view bytes) {
    Bytes(bytes);
    U64(BytesDigest(bytes));
  }

  const std::string& bytes() const { return out_; }
  std::string& bytes() { return out_; }
  size_t size() const { return out_.size(); }

 private:
  void Fixed(uint64_t v, int octets) {
    for (int i = 0; i < octets; ++i) out_.push_back(static_cast<char>(v >> (8 * i)));
  }

  std::string out_;
};

class ImageReader {
 public:
  explicit ImageReader(absl::string_view in) : in_(in) {}

  uint8_t U8() { return static_cast<uint8_t>(Fixed(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Fixed(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Fixed(4)); }
  uint64_t U64() { return Fixed(8); }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!Have(1)) return 0;
      uint8_t b = static_cast<uint8_t>(in_[at_++]);
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  // A count of things to come, each at least `min_octets` (>= 1) long: a
  // count the bytes left cannot hold fails here, before anyone reserves
  // room for it.
  size_t Count(size_t min_octets = 1) {
    uint64_t n = Varint();
    if (n > left() / min_octets) return Fail();
    return static_cast<size_t>(n);
  }
  // A view of the reader's input: valid as long as that is.
  absl::string_view Bytes(size_t max = SIZE_MAX) {
    uint64_t n = Varint();
    if (n > max || !Have(n)) return Fail(), absl::string_view();
    absl::string_view out = in_.substr(at_, n);
    at_ += n;
    return out;
  }

  void Skip(uint64_t n) {
    if (Have(n)) at_ += n;
  }

  // What ImageWriter::Digested wrote, its digest not checked yet: the
  // caller checks it (Holds) where it reads the bytes, which may be later
  // and on another thread.
  struct DigestedBytes {
    absl::string_view bytes;
    uint64_t digest = 0;
    bool Holds() const { return BytesDigest(bytes) == digest; }
  };
  DigestedBytes Digested() {
    DigestedBytes record;
    record.bytes = Bytes();
    record.digest = U64();
    return record;
  }

  // Makes every read from now on fail; for a value read whole but wrong.
  uint64_t Fail() {
    ok_ = false;
    at_ = in_.size();
    return 0;
  }
  bool ok() const { return ok_; }
  bool done() const { return at_ == in_.size(); }
  size_t offset() const { return at_; }
  size_t left() const { return in_.size() - at_; }

 private:
  bool Have(uint64_t n) {
    if (ok_ && n <= in_.size() - at_) return true;
    Fail();
    return false;
  }
  uint64_t Fixed(int octets) {
    if (!Have(octets)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < octets; ++i) v |= uint64_t{static_cast<uint8_t>(in_[at_ + i])} << (8 * i);
    at_ += octets;
    return v;
  }

  absl::string_view in_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_IMAGE_BYTES_H_
