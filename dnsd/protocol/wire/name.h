// Domain names in wire form (RFC 1035 §3.1): length-prefixed labels ending
// in the root label. Fixed-size storage, so the query path never allocates.
#ifndef DNSD_PROTOCOL_WIRE_NAME_H_
#define DNSD_PROTOCOL_WIRE_NAME_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd::wire {

struct Name {
  uint8_t data[kMaxNameSize];
  uint8_t size = 0;          // octets used, including the root label
  uint8_t label_count = 0;   // labels before the root label
  uint8_t label_offsets[kMaxLabels];  // where each label's length octet is

  absl::string_view view() const {
    return {reinterpret_cast<const char*>(data), size};
  }
  // The name from label `i` on: "b.c." for i = 1 of "a.b.c.".
  absl::string_view Suffix(int i) const {
    return view().substr(i < label_count ? label_offsets[i] : size - 1);
  }
  // Recomputes label_count and label_offsets from data[0..size).
  void IndexLabels();
};

// ASCII lower-casing of label octets (RFC 4343: only A-Z fold).
void LowerCase(const Name& in, Name* out);

// Presentation form to wire form: "_dmarc.Example.COM" (a trailing dot is
// optional) to lower-case wire octets. Escapes are not supported: dnsd's own
// names come from validated configuration.
absl::StatusOr<std::string> NameFromText(absl::string_view text);

// Wire form to presentation form with a trailing dot; octets outside
// letters, digits, '-', '_' and '*' are escaped as \DDD (RFC 1035 §5.1).
std::string NameToText(absl::string_view wire);

// True if `name` equals `ancestor` or lies below it (both lower-case wire).
bool IsSubdomain(absl::string_view name, absl::string_view ancestor);

// The number of labels before the root.
int CountLabels(absl::string_view wire);

}  // namespace dnsd::wire

#endif  // DNSD_PROTOCOL_WIRE_NAME_H_
