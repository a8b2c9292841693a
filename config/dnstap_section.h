// The server file's `dnstap:` section (config/README.md, "dnstap"): where
// dnsd streams its answers as dnstap, which ones, and how much of the
// client's address they carry. Restart-only. The writer itself lives in
// dnsd/dnstap/; this is only the setting and its reader.
#ifndef DNSD_CONFIG_DNSTAP_SECTION_H_
#define DNSD_CONFIG_DNSTAP_SECTION_H_

#include <cstdint>
#include <string>

#include "config/yaml_reader.h"

namespace dnsd::config {

struct DnstapSettings {
  // Exactly one of the two; neither: dnstap is off.
  std::string socket;  // a Unix socket path, resolved against the server file's folder
  std::string tcp;     // "ADDR:PORT" or "[ADDR]:PORT"
  bool queries = false;         // messages: query+response (default: response)
  bool spf_only = false;        // zones: spf (default: all)
  uint32_t sample = 1;          // 1 in N answers
  std::string client_address = "full";  // full, prefix or none

  bool enabled() const { return !socket.empty() || !tcp.empty(); }
  friend bool operator==(const DnstapSettings&, const DnstapSettings&) = default;
};

// Reads the section at `value` into `out`, recording every mistake on `r`.
void ReadDnstap(YamlReader& r, const Value& value, DnstapSettings& out);

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DNSTAP_SECTION_H_
