#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/writer.h"

#include <cstring>

namespace dnsd::wire {
namespace {

uint8_t Fold(uint8_t c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Compares the uncompressed name tail starting at `at` in `msg` with `name`.
bool TailEquals(std::span<const uint8_t> msg, size_t at, absl::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    if (at + i >= msg.size()) return false;
    if (Fold(msg[at + i]) != Fold(static_cast<uint8_t>(name[i]))) return false;
  }
  return true;
}

}  // namespace

void Writer::PutBytes(std::span<const uint8_t> bytes) {
  PutBytes(absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void Writer::RememberName(size_t offset) {
  // Pointers carry 14 bits of offset.
  if (name_count_ < kMaxRemembered && offset < 0x4000) {
    names_[name_count_++] = static_cast<uint16_t>(offset);
  }
}

size_t Writer::FindSuffix(absl::string_view suffix) const {
  std::span<const uint8_t> written = buf_.first(pos_);
  for (int n = 0; n < name_count_; ++n) {
    for (size_t at = names_[n]; at < pos_ && written[at] != 0; at += written[at] + 1) {
      if (written[at] & 0xC0) break;  // the rest is behind a pointer
      if (at >= 0x4000) break;         // beyond a pointer's 14 bits
      if (TailEquals(written, at, suffix)) return at;
    }
  }
  return 0;
}

void Writer::PutName(absl::string_view wire) {
  size_t start = pos_;
  for (size_t label = 0; label < wire.size() && wire[label] != 0;
       label += static_cast<uint8_t>(wire[label]) + 1) {
    if (size_t target = FindSuffix(wire.substr(label)); target != 0) {
      PutBytes(wire.substr(0, label));
      PutU16(static_cast<uint16_t>(0xC000 | target));
      if (label != 0) RememberName(start);
      return;
    }
  }
  PutBytes(wire);
  RememberName(start);
}

void Writer::Truncate(size_t mark) {
  if (mark > pos_) return;
  pos_ = mark;
  overflowed_ = false;
  while (name_count_ > 0 && names_[name_count_ - 1] >= mark) --name_count_;
}

}  // namespace dnsd::wire
