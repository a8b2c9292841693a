// A domain's macro-free SPF record, `<domain>._nspf.<spf zone>`: its
// netblocks and its senders' ranges as ip4:/ip6: terms, for receivers and
// checkers that do not implement macros. When the terms do not fit one UDP
// answer the record continues in `<domain>._nspf2.<zone>`, `…_nspf3…`,
// each part ending in an include: of the next.
//
// The chain is written per query, part by part, into the caller's buffer:
// a snapshot keeps no text of it, only what it is made of (the domain's
// netblocks and sender numbers, each sender's ranges once). The compile
// walks the same code to count the parts, so what it checked is what is
// served. Plain functions, allocation-free, thread-safe.
#ifndef DNSD_POLICY_SPF_NSPF_CHAIN_H_
#define DNSD_POLICY_SPF_NSPF_CHAIN_H_

#include <cstddef>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

// At most this many parts keep the chain, plus the customer's include and
// ours, within RFC 7208 §4.6.4's 10 look-ups.
inline constexpr size_t kMaxNspfParts = 7;
// A part's text fits a 1232-octet UDP answer (the default EDNS payload),
// so it is shorter than that.
inline constexpr size_t kMaxNspfText = 1232;
// Netblocks and sender ranges, duplicates included, beyond which a chain
// is not written (a domain that names the same big sender many times):
// each one is a term to format per query.
inline constexpr size_t kMaxNspfInputs = 4096;

// What a chain is made of. The terms come in this order, each prefix once:
// the netblocks, then each sender's ranges, sender by sender.
struct NspfSource {
  absl::string_view domain;        // text, lower case, no trailing dot
  absl::string_view zone;          // the SPF zone, text
  bool blocked = false;            // "v=spf1 -all", one part
  bool fail_all = false;           // "-all" rather than "~all"
  absl::Span<const IpPrefix> netblocks;
  size_t sender_count = 0;
  // The ranges of sender i, for i < sender_count.
  absl::FunctionRef<absl::Span<const IpPrefix>(size_t)> sender_ranges;
};

// The number of parts, 1 to kMaxNspfParts; 0 when the chain would need
// more (or more than kMaxNspfInputs inputs): then `<domain>._nspf` answers
// "v=spf1 ?all" and the compile warns.
size_t CountNspfParts(const NspfSource& source);

// Part `part` (from 0) written to `out` (kMaxNspfText octets): returns its
// length, or 0 if the chain has no such part. The walk stops at the end of
// the part, so it cannot tell a chain too long: ask only for a chain that
// CountNspfParts accepted (the compile counts, the query path writes).
size_t WriteNspfPart(const NspfSource& source, size_t part, char* out);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_NSPF_CHAIN_H_
