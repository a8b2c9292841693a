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
#include <cstring>
#include <span>

#include "absl/strings/string_view.h"

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

  // The small writes are here, inline: every answer makes dozens of them.
  void PutU8(uint8_t v) {
    if (pos_ + 1 > buf_.size()) {
      overflowed_ = true;
      return;
    }
    buf_[pos_++] = v;
  }
  void PutU16(uint16_t v) {
    if (pos_ + 2 > buf_.size()) {
      overflowed_ = true;
      return;
    }
    buf_[pos_] = static_cast<uint8_t>(v >> 8);
    buf_[pos_ + 1] = static_cast<uint8_t>(v);
    pos_ += 2;
  }
  void PutU32(uint32_t v) {
    PutU16(static_cast<uint16_t>(v >> 16));
    PutU16(static_cast<uint16_t>(v));
  }
  void PutBytes(absl::string_view bytes) {
    if (pos_ + bytes.size() > buf_.size()) {
      overflowed_ = true;
      return;
    }
    std::memcpy(buf_.data() + pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
  }
  void PutBytes(std::span<const uint8_t> bytes);
  // Room for `n` octets, which the caller then writes; null (and
  // overflowed()) if they do not fit.
  char* Reserve(size_t n) {
    if (pos_ + n > buf_.size()) {
      overflowed_ = true;
      return nullptr;
    }
    char* at = reinterpret_cast<char*>(buf_.data() + pos_);
    pos_ += n;
    return at;
  }
  void PatchU16(size_t at, uint16_t v) {  // REQUIRES: at + 2 <= size()
    buf_[at] = static_cast<uint8_t>(v >> 8);
    buf_[at + 1] = static_cast<uint8_t>(v);
  }

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
