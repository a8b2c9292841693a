// The last pure step of the query path: an Answer to response bytes.
//
// Decides the size budget (512 without EDNS, the smaller of the client's and
// our payload size with it, 65535 over TCP), echoes the question, writes the
// records, adds the OPT record, and sets TC when the answer does not fit
// (RFC 1035 §4.2.1, RFC 6891 §7, RFC 2181 §9).
#ifndef DNSD_PROTOCOL_ANSWER_RENDER_H_
#define DNSD_PROTOCOL_ANSWER_RENDER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "absl/strings/string_view.h"
#include "dnsd/protocol/answer/answer.h"
#include "dnsd/protocol/query/query.h"

namespace dnsd {

struct Rendered {
  size_t size = 0;
  bool truncated = false;
};

// `our_payload` is the EDNS payload size dnsd advertises (README.md:
// 1232 by default). `nsid` is the server's identity for the NSID option
// (RFC 5001), sent when the query asked for it; empty: never sent. `out`
// must hold at least 512 octets.
Rendered Render(const Query& query, const Answer& answer, uint16_t our_payload,
                std::span<uint8_t> out, absl::string_view nsid = {});

// The UDP size budget for this query (RFC 6891 §6.2.5).
size_t ResponseSizeLimit(const Query& query, uint16_t our_payload);

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_ANSWER_RENDER_H_
