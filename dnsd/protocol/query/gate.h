// The header gate: the first step of the query path.
//
// Decides, from the received bytes alone, whether a message is dropped,
// answered with an error RCODE, or passed on to find its zone. The checks run
// in a fixed order, as NSD's query.c does, each citing the rule it applies.
#ifndef DNSD_PROTOCOL_QUERY_GATE_H_
#define DNSD_PROTOCOL_QUERY_GATE_H_

#include <cstdint>
#include <span>

#include "dnsd/protocol/query/query.h"

namespace dnsd {

enum class GateVerdict : uint8_t {
  kDrop,     // not a query: no response at all
  kRespond,  // answer with `rcode` now (query holds what could be parsed)
  kLookup,   // a well-formed QUERY: go on to find its zone
  // A CHAOS TXT (or ANY) question for the server's identity, `id.server`
  // or `hostname.bind`: answered from configuration, not from a zone.
  kIdentity,
};

struct GateResult {
  GateVerdict verdict = GateVerdict::kDrop;
  uint16_t rcode = 0;  // extended RCODE when verdict == kRespond
};

// Parses `message` into `query`. Never reads outside `message`.
// REQUIRES: *query is default-constructed.
GateResult ParseQuery(std::span<const uint8_t> message, Transport transport, Query* query);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_QUERY_GATE_H_
