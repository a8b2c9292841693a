#include "dnsd/pipeline.h"

#include "dnsd/answer/render.h"
#include "dnsd/answer/static_answer.h"
#include "dnsd/query/gate.h"

namespace dnsd {

Outcome HandleQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                    Transport transport, std::span<uint8_t> response) {
  Query query;
  GateResult gate = ParseQuery(request, transport, &query);
  if (gate.verdict == GateVerdict::kDrop) return {};

  Answer answer;
  Outcome outcome;
  if (gate.verdict == GateVerdict::kRespond) {
    answer.rcode = gate.rcode;
  } else if (ZoneTable::Match match = snapshot.zones.Find(query.name); match.zone == nullptr) {
    answer.rcode = wire::kRefused;  // not ours, and we never recurse
  } else {
    outcome.zone_kind = static_cast<int>(match.zone->kind);
    AnswerFromZone(match, query, &answer);
  }

  Rendered rendered = Render(query, answer, snapshot.udp_payload, response);
  outcome.size = rendered.size;
  outcome.rcode = answer.rcode;
  outcome.truncated = rendered.truncated;
  return outcome;
}

}  // namespace dnsd
