// A query that passed the header gate, as plain data.
//
// Holds what later steps need and nothing they must re-parse: the question
// bytes exactly as received (echoed, so the client sees its own letter case,
// RFC 1035 §7.3 / 0x20 randomisation), the lower-case name for lookups, and
// the EDNS(0) parameters.
#ifndef DNSD_PROTOCOL_QUERY_QUERY_H_
#define DNSD_PROTOCOL_QUERY_QUERY_H_

#include <cstdint>
#include <span>

#include "dnsd/protocol/wire/name.h"

namespace dnsd {

enum class Transport : uint8_t { kUdp, kTcp };

struct Edns {
  bool present = false;
  uint8_t version = 0;
  uint16_t udp_size = 0;  // the client's advertised payload size
  bool do_bit = false;    // copied to the response (RFC 3225 §3)
  bool nsid = false;      // the NSID option was present (RFC 5001 §2.1)
};

struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;             // the request's second header word
  uint8_t opcode = 0;
  bool has_question = false;
  std::span<const uint8_t> question;  // QNAME QTYPE QCLASS as received
  wire::Name name;                // lower case, labels indexed
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  Edns edns;
  Transport transport = Transport::kUdp;
};

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_QUERY_QUERY_H_
