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

// REQUIRES: match.zone != nullptr.
void AnswerFromZone(const ZoneTable::Match& match, const Query& query, Answer* answer);

// NOERROR with no data (or NXDOMAIN), the zone's SOA in authority (RFC 2308 §2).
void AnswerNegative(const Zone& zone, const Query& query, uint16_t rcode, Answer* answer);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ANSWER_STATIC_ANSWER_H_
