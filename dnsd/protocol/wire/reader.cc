#include "dnsd/protocol/wire/reader.h"

#include <cstring>

namespace dnsd::wire {

bool Reader::Need(size_t n) {
  if (ok_ && msg_.size() - pos_ >= n) return true;
  ok_ = false;
  return false;
}

uint8_t Reader::ReadU8() {
  if (!Need(1)) return 0;
  return msg_[pos_++];
}

uint16_t Reader::ReadU16() {
  if (!Need(2)) return 0;
  uint16_t v = static_cast<uint16_t>(msg_[pos_] << 8 | msg_[pos_ + 1]);
  pos_ += 2;
  return v;
}

uint32_t Reader::ReadU32() {
  if (!Need(4)) return 0;
  uint32_t v = uint32_t{msg_[pos_]} << 24 | uint32_t{msg_[pos_ + 1]} << 16 |
               uint32_t{msg_[pos_ + 2]} << 8 | msg_[pos_ + 3];
  pos_ += 4;
  return v;
}

void Reader::Skip(size_t n) {
  if (Need(n)) pos_ += n;
}

void Reader::ReadName(Name* out) {
  out->size = 0;
  out->label_count = 0;
  if (!ok_) return;
  size_t at = pos_;       // where the next label is read
  size_t resume = 0;      // where the reader continues after a pointer
  bool jumped = false;
  // Labels are validated one by one but copied in runs: the octets from
  // run_from up to `at` are still to be copied to out->data + run_to. A
  // name without pointers is one memcpy, not one per label (an IPv6 macro
  // name has 40 labels).
  size_t run_from = at;
  size_t run_to = 0;
  auto flush = [&] { std::memcpy(out->data + run_to, &msg_[run_from], at - run_from); };
  while (true) {
    if (at >= msg_.size()) break;
    uint8_t len = msg_[at];
    if ((len & 0xC0) == 0xC0) {
      if (at + 1 >= msg_.size()) break;
      size_t target = static_cast<size_t>(len & 0x3F) << 8 | msg_[at + 1];
      // Backwards only, and never into the header, where no name starts. A
      // cycle through labels is still possible; the 255-octet limit below
      // ends it.
      if (target >= at || target < kHeaderSize) break;
      flush();
      if (!jumped) resume = at + 2;
      jumped = true;
      at = target;
      run_from = at;
      run_to = out->size;
      continue;
    }
    if (len & 0xC0) break;  // 0x40 and 0x80 label types are obsolete (RFC 6891 §5)
    if (at + 1 + len > msg_.size()) break;
    if (size_t{out->size} + 1 + len > kMaxNameSize) break;
    if (len != 0) out->label_offsets[out->label_count++] = out->size;
    out->size += 1 + len;
    at += 1 + len;
    if (len == 0) {
      flush();
      pos_ = jumped ? resume : at;
      return;
    }
  }
  ok_ = false;
  out->size = 0;
  out->label_count = 0;
}

void Reader::SkipName() {
  Name scratch;
  ReadName(&scratch);
}

}  // namespace dnsd::wire
