// A zone's SOA serial as a digest of what the zone serves.
//
// It changes whenever the content changes, and every name server loaded
// with the same configuration reports the same serial (dnsd transfers no
// zones, so serial order carries no meaning; equality across servers does).
// A zone's own content is digested here (`serial()`); what every zone
// shares, its SOA, NS and TTL, is mixed in as it is served (ServedSerial,
// dnsd/protocol/zone/zone.h), so that a change of those compiles no domain.
// Plain values; thread-compatible.
#ifndef DNSD_CONFIG_SERIAL_DIGEST_H_
#define DNSD_CONFIG_SERIAL_DIGEST_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/zone/zone.h"

namespace dnsd::config {

// FNV-1a 64 over fields, each closed by a separator.
class SerialDigest {
 public:
  void Add(absl::string_view bytes);
  // An RRset's records as one field, as the wire carries them (its RDATA
  // kept apart included: RRset::rdata).
  void Add(const RRset& rrset);
  // Another digest (a compiled domain's share), as its 8 octets.
  void AddNumber(uint64_t value) {
    Add(absl::string_view(reinterpret_cast<const char*>(&value), sizeof(value)));
  }
  uint64_t value() const { return hash_; }
  uint32_t serial() const {
    return static_cast<uint32_t>(hash_ ^ (hash_ >> 32));
  }

 private:
  void Mix(absl::string_view bytes);
  void Close();

  uint64_t hash_ = 14695981039346656037ull;  // FNV-1a 64 offset basis
};

// The digest of one owner name and its records: a domain's share of a
// provider zone's serial.
uint64_t DigestOf(absl::string_view owner, const RRset& rrset);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_SERIAL_DIGEST_H_
