// The answer step for the SPF macro zone: a Decision to an Answer.
//
// Answers are TXT records owned by the query name. Those that name the
// query's own IP, expand the domain's terms, include the domain's _nspf
// record or are a part of that record are written into Answer::scratch;
// every other answer is pre-rendered in the snapshot.
#ifndef DNSD_POLICY_SPF_SPF_ANSWER_H_
#define DNSD_POLICY_SPF_SPF_ANSWER_H_

#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/query/query.h"
#include "dnsd/protocol/zone/zone.h"
#include "policy/spf/decide.h"

namespace dnsd::spf {

// REQUIRES: the query name lies below `zone`, which is policy's SPF zone,
// and has no node of its own in the zone table. `guess`: see Decide().
Decision AnswerSpf(const MacroZone& policy, const Zone& zone, const ZoneCommon& common,
                   const Query& query, Answer* answer, const DomainGuess* guess = nullptr);

// A configured domain's _nspf chain part, `<domain>._nspf[k].<zone>`
// (nspf_chain.h), written per query: its text for TXT (and ANY), NODATA
// for other types and past the chain's end. False, with `answer`
// untouched, for any other name: AnswerSpf's rules answer it (an _nspf
// name of a domain we do not serve gets rule 1's answer).
// REQUIRES: as AnswerSpf's.
bool AnswerNspf(const MacroZone& policy, const Zone& zone, const ZoneCommon& common,
                const Query& query, Answer* answer);

// Part `part` (from 0) of the domain's _nspf chain, written as TXT RDATA
// to `out` (Answer::kScratchSize - 10 octets): "v=spf1 ?all" for part 0
// of a chain too long to serve. Returns the RDATA length, 0 if the chain
// has no such part.
size_t NspfRdata(const MacroZone& policy, const DomainPolicy& domain, size_t part, char* out);

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
