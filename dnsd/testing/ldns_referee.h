// ldns as the independent referee of dnsd's wire format, for tests.
//
// dnsd's reader and writer must not be the judge of their own bytes: tests
// build queries with ldns (ldns_pkt_query_new, ldns_pkt2wire) and parse every
// response with ldns_wire2pkt, then check what ldns saw. The parsed message
// is copied into plain structs so tests compare values, not ldns pointers.
//
// Header-only so the unit tests and the fuzz target share it without a
// library of its own. Link with PkgConfig::LDNS.
#ifndef DNSD_TESTING_LDNS_REFEREE_H_
#define DNSD_TESTING_LDNS_REFEREE_H_

#include <ldns/ldns.h>

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace dnsd::testing {

// One resource record (or question) as ldns decoded it.
struct RefereeRr {
  std::string owner;                // presentation form, letter case kept
  uint16_t type = 0;
  uint16_t rr_class = 0;
  uint32_t ttl = 0;                 // 0 for a question
  std::vector<std::string> fields;  // each RDATA field as ldns prints it
  std::vector<std::string> strings; // TXT: each character-string, raw octets

  // TXT: the strings joined without separators, as receivers do (RFC 7208
  // §3.3, RFC 6376 §3.6.2.2).
  std::string Text() const { return absl::StrJoin(strings, ""); }
};

// A whole message as ldns decoded it.
struct RefereeMessage {
  uint16_t id = 0;
  uint8_t opcode = 0;
  bool qr = false, aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
  uint16_t rcode = 0;           // the header's 4 bits
  uint16_t extended_rcode = 0;  // with the OPT's upper 8 bits (RFC 6891 §6.1.3)
  // Section counts as ldns reports them; ldns takes the OPT record out of
  // the additional section, so `arcount` does not include it.
  uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::vector<RefereeRr> question, answer, authority, additional;
  bool edns = false;            // an OPT record was present
  uint16_t edns_udp_size = 0;
  uint8_t edns_version = 0;
  uint8_t edns_extended_rcode = 0;
  bool edns_do = false;
  // The OPT record's options, {code, data}, as ldns_pkt_edns_get_option_list
  // splits them (RFC 6891 §6.1.2).
  std::vector<std::pair<uint16_t, std::string>> edns_options;
  std::string text;             // ldns_pkt2str, for failure messages
};

namespace referee_internal {

inline std::string TakeString(char* s) {
  std::string out = s != nullptr ? s : "";
  std::free(s);
  return out;
}

inline RefereeRr CopyRr(const ldns_rr* rr, bool is_question) {
  RefereeRr out;
  out.owner = TakeString(ldns_rdf2str(ldns_rr_owner(rr)));
  out.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
  out.rr_class = static_cast<uint16_t>(ldns_rr_get_class(rr));
  out.ttl = is_question ? 0 : ldns_rr_ttl(rr);
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    out.fields.push_back(TakeString(ldns_rdf2str(rdf)));
    if (out.type == LDNS_RR_TYPE_TXT && ldns_rdf_size(rdf) >= 1) {
      const uint8_t* data = ldns_rdf_data(rdf);
      out.strings.emplace_back(reinterpret_cast<const char*>(data) + 1, ldns_rdf_size(rdf) - 1);
    }
  }
  return out;
}

inline std::vector<RefereeRr> CopyList(const ldns_rr_list* list, bool is_question) {
  std::vector<RefereeRr> out;
  if (list == nullptr) return out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    out.push_back(CopyRr(ldns_rr_list_rr(list, i), is_question));
  }
  return out;
}

}  // namespace referee_internal

// Parses `wire` with ldns_wire2pkt. An error is ldns's own reason.
inline absl::StatusOr<RefereeMessage> ParseWithLdns(std::span<const uint8_t> wire) {
  using namespace referee_internal;  // NOLINT
  ldns_pkt* pkt = nullptr;
  ldns_status status = ldns_wire2pkt(&pkt, wire.data(), wire.size());
  if (status != LDNS_STATUS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("ldns_wire2pkt: ", ldns_get_errorstr_by_id(status)));
  }
  RefereeMessage m;
  m.id = ldns_pkt_id(pkt);
  m.opcode = static_cast<uint8_t>(ldns_pkt_get_opcode(pkt));
  m.qr = ldns_pkt_qr(pkt);
  m.aa = ldns_pkt_aa(pkt);
  m.tc = ldns_pkt_tc(pkt);
  m.rd = ldns_pkt_rd(pkt);
  m.ra = ldns_pkt_ra(pkt);
  m.ad = ldns_pkt_ad(pkt);
  m.cd = ldns_pkt_cd(pkt);
  m.rcode = static_cast<uint16_t>(ldns_pkt_get_rcode(pkt));
  m.qdcount = ldns_pkt_qdcount(pkt);
  m.ancount = ldns_pkt_ancount(pkt);
  m.nscount = ldns_pkt_nscount(pkt);
  m.arcount = ldns_pkt_arcount(pkt);
  m.question = CopyList(ldns_pkt_question(pkt), true);
  m.answer = CopyList(ldns_pkt_answer(pkt), false);
  m.authority = CopyList(ldns_pkt_authority(pkt), false);
  m.additional = CopyList(ldns_pkt_additional(pkt), false);
  m.edns = ldns_pkt_edns(pkt);
  m.edns_udp_size = ldns_pkt_edns_udp_size(pkt);
  m.edns_version = ldns_pkt_edns_version(pkt);
  m.edns_extended_rcode = ldns_pkt_edns_extended_rcode(pkt);
  m.edns_do = ldns_pkt_edns_do(pkt);
  m.extended_rcode = static_cast<uint16_t>(m.edns_extended_rcode << 4 | m.rcode);
  if (ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(pkt)) {
    for (size_t i = 0; i < ldns_edns_option_list_get_count(options); ++i) {
      const ldns_edns_option* o = ldns_edns_option_list_get_option(options, i);
      m.edns_options.emplace_back(
          static_cast<uint16_t>(ldns_edns_get_code(o)),
          std::string(reinterpret_cast<const char*>(ldns_edns_get_data(o)), ldns_edns_get_size(o)));
    }
  }
  m.text = TakeString(ldns_pkt2str(pkt));
  ldns_pkt_free(pkt);
  return m;
}

// What a test query asks; everything else is ldns's default.
struct QuerySpec {
  std::string name;                 // presentation form; case is kept on the wire
  uint16_t qtype = LDNS_RR_TYPE_TXT;
  uint16_t qclass = LDNS_RR_CLASS_IN;
  uint16_t id = 0x1234;
  bool rd = false;
  bool cd = false;
  bool edns = false;                // add an OPT record
  uint16_t udp_size = 1232;         // REQUIRES: > 0 when edns
  uint8_t edns_version = 0;
  bool do_bit = false;
  bool nsid = false;                // an empty NSID option (RFC 5001 §2.1); needs edns
  // Records in presentation form for the authority section, such as an
  // IXFR's SOA (RFC 1995 §3).
  std::vector<std::string> authority;
};

// Builds the query with ldns_pkt_query_new and ldns_pkt2wire. Returns an
// empty vector if ldns refuses (a test then fails on the empty query).
inline std::vector<uint8_t> BuildQueryWithLdns(const QuerySpec& spec) {
  ldns_rdf* name = ldns_dname_new_frm_str(spec.name.c_str());
  if (name == nullptr) return {};
  uint16_t flags = (spec.rd ? LDNS_RD : 0) | (spec.cd ? LDNS_CD : 0);
  ldns_pkt* pkt = ldns_pkt_query_new(name, static_cast<ldns_rr_type>(spec.qtype),
                                     static_cast<ldns_rr_class>(spec.qclass), flags);
  if (pkt == nullptr) return {};
  ldns_pkt_set_id(pkt, spec.id);
  if (spec.edns) {
    ldns_pkt_set_edns_udp_size(pkt, spec.udp_size);
    ldns_pkt_set_edns_version(pkt, spec.edns_version);
    ldns_pkt_set_edns_do(pkt, spec.do_bit);
    if (spec.nsid) {
      ldns_edns_option_list* options = ldns_edns_option_list_new();
      ldns_edns_option_list_push(options, ldns_edns_new_from_data(LDNS_EDNS_NSID, 0, nullptr));
      ldns_pkt_set_edns_option_list(pkt, options);
    }
  }
  for (const std::string& text : spec.authority) {
    ldns_rr* rr = nullptr;
    if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
      ldns_pkt_free(pkt);
      return {};
    }
    ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, rr);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  std::vector<uint8_t> out;
  if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK) out.assign(wire, wire + size);
  std::free(wire);
  ldns_pkt_free(pkt);
  return out;
}

// Decodes the (possibly compressed) name at `offset` of `message` with
// ldns_wire2dname; an error is ldns's reason.
inline absl::StatusOr<std::string> NameAtWithLdns(std::span<const uint8_t> message,
                                                  size_t offset) {
  ldns_rdf* rdf = nullptr;
  size_t pos = offset;
  ldns_status status = ldns_wire2dname(&rdf, message.data(), message.size(), &pos);
  if (status != LDNS_STATUS_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("ldns_wire2dname: ", ldns_get_errorstr_by_id(status)));
  }
  std::string text = referee_internal::TakeString(ldns_rdf2str(rdf));
  ldns_rdf_deep_free(rdf);
  return text;
}

// `text` as one zone-file line, `owner 300 IN TXT "..." "..."`: character-
// strings of at most 255 octets (RFC 1035 §3.3.14), with '"' and '\'
// escaped, as a customer would paste it into a zone.
inline std::string TxtZoneLine(absl::string_view owner, absl::string_view text) {
  std::string line = absl::StrCat(owner, " 300 IN TXT");
  for (size_t i = 0; i < text.size() || i == 0; i += 255) {
    line += " \"";
    for (char c : text.substr(i, 255)) {
      if (c == '"' || c == '\\') line += '\\';
      line += c;
    }
    line += '"';
  }
  return line;
}

// Parses the zone-file `line` with ldns_rr_new_frm_str and returns the TXT
// record's character-strings concatenated, as receivers read a record
// (RFC 7208 §3.3, RFC 6376 §3.6.2.2); "<error>" if ldns refuses the line or
// it is not a TXT record.
inline std::string TxtOfZoneLineWithLdns(const std::string& line) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) {
    return "<error>";
  }
  std::string text = "<error>";
  if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_TXT) {
    text.clear();
    for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
      const uint8_t* data = ldns_rdf_data(ldns_rr_rdf(rr, i));
      text.append(reinterpret_cast<const char*>(data + 1), data[0]);
    }
  }
  ldns_rr_free(rr);
  return text;
}

}  // namespace dnsd::testing

#endif  // DNSD_TESTING_LDNS_REFEREE_H_
