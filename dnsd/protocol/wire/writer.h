// An allocation-free writer of a DNS message into a caller's buffer.
//
// Writes past the end set overflowed() and are dropped, so a renderer can
// write an RR, check once, and roll back to a mark (that is how TC is
// decided). Names are compressed (RFC 1035 §4.1.4) against the names this
// writer wrote uncompressed before, kept in a small fixed table.
#ifndef DNSD_PROTOCOL_WIRE_WRITER_H_
#define DNSD_PROTOCOL_WIRE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace dnsd::wire {

class Writer {
 public:
  explicit Writer(std::span<uint8_t> buffer) : buf_(buffer) {}

  size_t size() const { return pos_; }
  bool overflowed() const { return overflowed_; }
  std::span<uint8_t> buffer() const { return buf_; }

  // Shrinks the usable space, e.g. to the client's UDP payload size.
  // REQUIRES: limit >= size().
  void set_limit(size_t limit) {
    if (limit < buf_.size()) buf_ = buf_.first(limit);
  }

  void PutU8(uint8_t v);
  void PutU16(uint16_t v);
  void PutU32(uint32_t v);
  void PutBytes(absl::string_view bytes);
  void PutBytes(std::span<const uint8_t> bytes);
  void PatchU16(size_t at, uint16_t v);  // REQUIRES: at + 2 <= size()

  // Writes a lower-case or mixed-case wire name, compressed against names
  // written earlier through PutName or RememberName. Compression compares
  // labels case-insensitively (RFC 1035 §2.3.3).
  void PutName(absl::string_view wire);

  // Makes the name already at `offset` (uncompressed, e.g. the question)
  // available as a compression target.
  void RememberName(size_t offset);

  // Rolls back to a size returned by size(), forgetting names written since.
  void Truncate(size_t mark);

 private:
  // Offset of a written name whose suffix from some label equals `suffix`
  // (case-insensitively), or 0 if none.
  size_t FindSuffix(absl::string_view suffix) const;

  static constexpr int kMaxRemembered = 16;
  std::span<uint8_t> buf_;
  size_t pos_ = 0;
  bool overflowed_ = false;
  uint16_t names_[kMaxRemembered];  // offsets of uncompressed names
  int name_count_ = 0;
};

}  // namespace dnsd::wire

#endif  // DNSD_PROTOCOL_WIRE_WRITER_H_
