// Test helpers for bytes on the wire: hex literals and a small message
// builder for the malformed queries that ldns refuses to produce.
//
// Header-only, so any test binary or fuzz tool can use it without a library.
#ifndef DNSD_TESTING_BYTES_H_
#define DNSD_TESTING_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dnsd::testing {

// "0a 1B ff" (whitespace and newlines ignored) to bytes.
// REQUIRES: an even number of hex digits.
inline std::vector<uint8_t> FromHex(absl::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::vector<uint8_t> out;
  int high = -1;
  for (char c : hex) {
    int v = nibble(c);
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

// Bytes to lower-case hex, a space between octets: diffs read better.
inline std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out.push_back(' ');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

// Appends DNS fields in network order; for hand-made (often malformed)
// messages. Names are given as presentation text and kept in their case.
class WireBuilder {
 public:
  WireBuilder& U8(uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  WireBuilder& U16(uint16_t v) {
    return U8(static_cast<uint8_t>(v >> 8)).U8(static_cast<uint8_t>(v));
  }
  WireBuilder& U32(uint32_t v) {
    return U16(static_cast<uint16_t>(v >> 16)).U16(static_cast<uint16_t>(v));
  }
  WireBuilder& Raw(std::span<const uint8_t> raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }
  WireBuilder& Raw(absl::string_view raw) {
    bytes_.insert(bytes_.end(), raw.begin(), raw.end());
    return *this;
  }
  // ID, flags word, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (RFC 1035 §4.1.1).
  WireBuilder& Header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an = 0, uint16_t ns = 0,
                      uint16_t ar = 0) {
    return U16(id).U16(flags).U16(qd).U16(an).U16(ns).U16(ar);
  }
  // "Www.Example.com" (no escapes) as uncompressed labels and the root.
  WireBuilder& Name(absl::string_view text) {
    size_t start = 0;
    while (start < text.size()) {
      size_t dot = text.find('.', start);
      if (dot == absl::string_view::npos) dot = text.size();
      U8(static_cast<uint8_t>(dot - start));
      Raw(text.substr(start, dot - start));
      start = dot + 1;
    }
    return U8(0);
  }
  // A compression pointer (RFC 1035 §4.1.4).
  WireBuilder& Pointer(uint16_t offset) { return U16(static_cast<uint16_t>(0xC000 | offset)); }
  WireBuilder& Question(absl::string_view name, uint16_t qtype, uint16_t qclass = 1) {
    return Name(name).U16(qtype).U16(qclass);
  }
  // An OPT record (RFC 6891 §6.1.2) with empty or given RDATA.
  WireBuilder& Opt(uint16_t udp_size, uint8_t version = 0, uint16_t flags = 0,
                   std::span<const uint8_t> rdata = {}) {
    U8(0).U16(41).U16(udp_size).U8(0).U8(version).U16(flags);
    U16(static_cast<uint16_t>(rdata.size()));
    return Raw(rdata);
  }

  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> Build() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace dnsd::testing

#endif  // DNSD_TESTING_BYTES_H_
