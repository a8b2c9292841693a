// An optional DMARC tag value held inline: what the model keeps for `sp`,
// `np`, `fo` and `rf` instead of a std::optional<std::string>.
//
// Every value those tags may take is short (none, quarantine, reject; fo
// at most "1:d:s"; afrf), so 16 bytes hold it, where an optional string
// took 40; a DmarcPolicy is kept for every domain, and the four of them
// took the model's block over an allocator size class. It reads like the
// optional it replaces: tested as a bool, `*` gives the text.
#ifndef DNSD_POLICY_DMARC_DMARC_TAG_VALUE_H_
#define DNSD_POLICY_DMARC_DMARC_TAG_VALUE_H_

#include <cassert>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace dnsd::config {

class DmarcTagValue {
 public:
  static constexpr size_t kMaxSize = 15;

  DmarcTagValue() = default;
  DmarcTagValue(std::nullopt_t) {}
  // REQUIRES: at most kMaxSize characters (every legal value of the tags).
  DmarcTagValue(absl::string_view text) { Set(text); }
  DmarcTagValue(const char* text) { Set(text); }
  DmarcTagValue(const std::string& text) { Set(text); }
  DmarcTagValue(const std::optional<std::string>& text) {
    if (text) Set(*text);
  }

  bool has_value() const { return size_ != kAbsent; }
  explicit operator bool() const { return has_value(); }
  // REQUIRES: has_value().
  absl::string_view operator*() const { return absl::string_view(text_, size_); }
  void reset() { size_ = kAbsent; }

  friend bool operator==(const DmarcTagValue& a, const DmarcTagValue& b) {
    if (!a.has_value() || !b.has_value()) return a.has_value() == b.has_value();
    return *a == *b;
  }
  friend std::ostream& operator<<(std::ostream& out, const DmarcTagValue& v) {
    return v ? out << *v : out << "(absent)";
  }

 private:
  static constexpr uint8_t kAbsent = 0xff;
  void Set(absl::string_view text) {
    assert(text.size() <= kMaxSize);
    if (text.size() > kMaxSize) text = text.substr(0, kMaxSize);  // never in a release build's input
    std::memcpy(text_, text.data(), text.size());
    size_ = static_cast<uint8_t>(text.size());
  }
  char text_[kMaxSize] = {};
  uint8_t size_ = kAbsent;
};

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DMARC_DMARC_TAG_VALUE_H_
