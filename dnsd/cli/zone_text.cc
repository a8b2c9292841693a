#include "absl/strings/string_view.h"
#include "dnsd/cli/zone_text.h"

#include <ldns/ldns.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace dnsd::cli {
namespace {

struct RrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};

}  // namespace

absl::StatusOr<std::string> RRsetToText(absl::string_view owner, const RRset& rrset,
                                        const uint32_t* serial, uint32_t zone_ttl) {
  std::string text;
  std::string records = WireRecords(rrset, zone_ttl);
  absl::string_view rest = records;
  while (rest.size() >= 10) {
    size_t rdlength = static_cast<uint8_t>(rest[8]) << 8 | static_cast<uint8_t>(rest[9]);
    std::string wire = absl::StrCat(owner, rest.substr(0, 10 + rdlength));
    rest.remove_prefix(std::min(rest.size(), 10 + rdlength));
    if (serial != nullptr && rrset.type == LDNS_RR_TYPE_SOA && wire.size() >= 20) {
      size_t at = wire.size() - 20;
      for (int i = 0; i < 4; ++i) wire[at + i] = static_cast<char>(*serial >> (24 - 8 * i));
    }
    ldns_rr* raw = nullptr;
    size_t pos = 0;
    ldns_status s = ldns_wire2rr(&raw, reinterpret_cast<const uint8_t*>(wire.data()),
                                 wire.size(), &pos, LDNS_SECTION_ANSWER);
    std::unique_ptr<ldns_rr, RrDeleter> rr(raw);
    if (s != LDNS_STATUS_OK) {
      return absl::InternalError(absl::StrCat("ldns: ", ldns_get_errorstr_by_id(s)));
    }
    char* line = ldns_rr2str(rr.get());
    if (line == nullptr) return absl::InternalError("ldns_rr2str failed");
    text.append(line);
    free(line);
  }
  return text;
}

}  // namespace dnsd::cli
