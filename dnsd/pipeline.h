// The query path as one pure function: request bytes in, response bytes out.
//
//   receive → gate (ParseQuery) → find zone (ZoneTable::Find) →
//   answer (AnswerFromZone) → render (Render) → send
//
// CHAOS id.server and hostname.bind skip the zone: they get the snapshot's
// pre-rendered identity, and Render adds it as NSID (RFC 5001) to any
// response whose query asked for it.
//
// Everything here is plain data and no I/O: the UDP and TCP servers call
// HandleQuery() and send what it wrote; tests and fuzzers call it directly.
#ifndef DNSD_PIPELINE_H_
#define DNSD_PIPELINE_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "config/snapshot.h"
#include "dnsd/protocol/net/ip.h"
#include "dnsd/protocol/query/gate.h"
#include "dnsd/protocol/query/query.h"
#include "dnsd/protocol/zone/zone_table.h"
#include "policy/spf/guess_domain.h"
#include "policy/spf/macro_zone.h"

namespace dnsd {

// What happened to one query, for the counters.
struct Outcome {
  size_t size = 0;           // response octets; 0 = no response (dropped)
  uint16_t rcode = 0;        // extended RCODE sent
  int zone_kind = -1;        // ZoneKind of the zone that answered, or -1
  int spf_rule = -1;         // spf::Rule of an SPF macro answer, or -1
  bool truncated = false;
  // Who sent as which domain, for sender visibility. The pointers lie in
  // the snapshot: valid while the caller holds it.
  const spf::DomainPolicy* spf_domain = nullptr;  // a configured domain
  const spf::SenderPolicy* spf_sender = nullptr;  // the identified sender
  bool spf_ip_unidentified = false;  // spf_ip matched no netblock or sender
  IpAddress spf_ip;
};

// Handles one DNS message. `response` must hold 65535 octets for TCP and at
// least the snapshot's UDP payload size for UDP.
Outcome HandleQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                    Transport transport, std::span<uint8_t> response);

// ---- the same, in steps, for a batch ----
//
// Most of a query's time in user space is spent waiting for the domain
// map's and the zone table's lines (bench/README.md, "CPU per query").
// A batch takes each step for all its queries before the next, so the
// misses of one query overlap with the others' instead of following them:
//
//   PrepareQuery     parse (the gate), choose the look-ups, hash their keys
//   PrefetchLookup   kShardPointer, kShard, kProbe, kEntry: each reads the lines
//                    the step before fetched and prefetches the next
//   AnswerQuery      answer and render, as HandleQuery does
//
// HandleQuery is PrepareQuery then AnswerQuery; a prefetch never changes
// an answer (PipelineTest.BatchAnswersAreOneAtATimeAnswers).

// One query between the steps: everything AnswerQuery needs, and the keys
// its look-ups will use (which point into it: do not move it in between).
struct PreparedQuery {
  Query query;
  GateResult gate;
  bool below_spf = false;      // below the SPF zone apex
  bool has_node_key = false;   // the name may have a node: node_key is set
  ZoneTable::NodeKey node_key{};
  spf::DomainGuess guess;      // below the SPF zone: the customer domain
};

// Parses `request` into *prepared, whatever it held before (a batch reuses
// its PreparedQuery array).
void PrepareQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                  Transport transport, PreparedQuery* prepared);

void PrefetchLookup(const config::Snapshot& snapshot, const PreparedQuery& prepared,
                    PrefetchStep step);

Outcome AnswerQuery(const config::Snapshot& snapshot, const PreparedQuery& prepared,
                    std::span<uint8_t> response);

// Answers requests[i] into responses[i] and outcomes[i] for every i, in the
// steps above. `prepared` is scratch, one per request. An empty request is
// dropped (outcome size 0), as HandleQuery drops it.
void HandleBatch(const config::Snapshot& snapshot,
                 std::span<const std::span<const uint8_t>> requests, Transport transport,
                 std::span<const std::span<uint8_t>> responses,
                 std::span<PreparedQuery> prepared, std::span<Outcome> outcomes);

}  // namespace dnsd

#endif  // DNSD_PIPELINE_H_
