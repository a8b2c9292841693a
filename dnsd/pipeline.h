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
#include "dnsd/protocol/query/query.h"
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

}  // namespace dnsd

#endif  // DNSD_PIPELINE_H_
