// The answer step for the SPF macro zone: a Decision to an Answer.
//
// Answers are TXT records owned by the query name. Those that name the
// query's own IP, expand the domain's terms, or include the domain's
// _nspf record are written into Answer::scratch; every other answer is
// pre-rendered in the snapshot.
#ifndef DNSD_POLICY_SPF_SPF_ANSWER_H_
#define DNSD_POLICY_SPF_SPF_ANSWER_H_

#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/query/query.h"
#include "dnsd/protocol/zone/zone.h"
#include "policy/spf/decide.h"

namespace dnsd::spf {

// REQUIRES: the query name lies below `zone`, which is policy's SPF zone,
// and has no node of its own in the zone table. `guess`: see Decide().
Decision AnswerSpf(const MacroZone& policy, const Zone& zone, const Query& query,
                   Answer* answer, const DomainGuess* guess = nullptr);

// "v=spf1 ip4:192.0.2.1 ~all" (plus "ip6:::ffff:192.0.2.1" when the IPv4
// address came as IPv6 nibbles), written as TXT RDATA to `out`. Returns the
// RDATA length. `out` must hold Answer::kScratchSize - 10 octets.
size_t IpAnswerRdata(const MacroName& name, char* out);

// "v=spf1 include:<domain>._nspf.<zone> ~all", the truncated rule's
// answer, written as TXT RDATA (TxtRdata's strings of at most 255 octets)
// to `out`, which must hold Answer::kScratchSize - 10 octets. Returns the
// RDATA length, or 0 if the text is longer than an include allows (the
// compile refuses such a domain).
size_t FlattenedRdata(const MacroZone& policy, const DomainPolicy& domain, char* out);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_SPF_ANSWER_H_
