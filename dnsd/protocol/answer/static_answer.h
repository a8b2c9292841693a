// The answer step for zones whose data is all in the zone table: the
// delegated DMARC and DKIM zones, the DMARC CNAME targets and the report
// authorisations. RFC 1034 §4.3.2 on one zone, no recursion, no chasing of
// CNAMEs that leave the zone.
#ifndef DNSD_PROTOCOL_ANSWER_STATIC_ANSWER_H_
#define DNSD_PROTOCOL_ANSWER_STATIC_ANSWER_H_

#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/query/query.h"
#include "dnsd/protocol/zone/zone_table.h"

namespace dnsd {

// `common`: what every zone of the snapshot answering shares (its SOA, NS
// and TTL). REQUIRES: match.zone != nullptr.
void AnswerFromZone(const ZoneTable::Match& match, const ZoneCommon& common, const Query& query,
                    Answer* answer);

// NOERROR with no data (or NXDOMAIN), the zone's SOA in authority (RFC 2308 §2).
void AnswerNegative(const Zone& zone, const ZoneCommon& common, const Query& query,
                    uint16_t rcode, Answer* answer);

// Marks `answer` as the zone's: authoritative, with its served serial and
// the zone TTL.
inline void AnswerAsZone(const Zone& zone, const ZoneCommon& common, Answer* answer) {
  answer->authoritative = true;
  answer->serial = ServedSerial(zone, common);
  answer->zone_ttl = common.ttl;
}

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ANSWER_STATIC_ANSWER_H_
