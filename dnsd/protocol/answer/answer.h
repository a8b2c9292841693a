// The answer to one query as plain data, before it is rendered to wire.
//
// Records are referenced, not copied: static data points into the snapshot,
// synthesised data into `scratch`. Owners are always the query name or one
// of its ancestors, so an owner is stored as a label index into the query
// name and rendered as a compression pointer into the question.
#ifndef DNSD_PROTOCOL_ANSWER_ANSWER_H_
#define DNSD_PROTOCOL_ANSWER_ANSWER_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd {

struct AnswerRecords {
  absl::string_view records;  // as in RRset::records
  uint16_t count = 0;
  uint8_t owner_label = 0;   // 0: the query name; n: its n-th ancestor
  bool patch_serial = false; // an SOA whose serial is Answer::serial
  const ApartRdata* rdata = nullptr;  // as in RRset::rdata
};

struct Answer {
  static constexpr int kMaxSections = 4;
  // The largest is a part of a domain's _nspf chain
  // (policy/spf/nspf_chain.h), sized for a 1232-octet UDP answer.
  static constexpr size_t kScratchSize = 1248;

  uint16_t rcode = wire::kNoError;  // extended RCODE
  bool authoritative = false;
  uint32_t serial = 0;
  // Written for a record whose TTL field holds kZoneTtl (rrset.h): the
  // zone TTL of the snapshot answering (ZoneCommon::ttl).
  uint32_t zone_ttl = 0;
  AnswerRecords answer[kMaxSections];
  uint8_t answer_count = 0;
  AnswerRecords authority[kMaxSections];
  uint8_t authority_count = 0;

  // Room for one record synthesised per query (an SPF answer for one IP,
  // a domain's terms, a part of its _nspf chain). Left uninitialised: it costs nothing unused.
  char scratch[kScratchSize];

  void AddAnswer(const RRset& r, uint8_t owner_label) {
    if (answer_count < kMaxSections) {
      answer[answer_count++] = {r.records, r.count, owner_label, false, r.rdata};
    }
  }
  void AddAnswer(absl::string_view records, uint16_t count, uint8_t owner_label) {
    if (answer_count < kMaxSections) answer[answer_count++] = {records, count, owner_label};
  }
  void AddAuthority(const RRset& r, uint8_t owner_label, bool patch_serial) {
    if (authority_count < kMaxSections) {
      authority[authority_count++] = {r.records, r.count, owner_label, patch_serial, r.rdata};
    }
  }
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ANSWER_ANSWER_H_
