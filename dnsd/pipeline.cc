#include "dnsd/pipeline.h"

#include "dnsd/protocol/answer/render.h"
#include "dnsd/protocol/answer/static_answer.h"
#include "dnsd/protocol/query/gate.h"
#include "policy/spf/spf_answer.h"

namespace dnsd {
namespace {

// True if `name` lies below (not at) the SPF zone apex. Checked before the
// zone table: macro names are long, and walking them up one hash probe per
// label to find their zone would cost more than the answer.
bool BelowSpfZone(const config::Snapshot& s, const wire::Name& name) {
  if (s.spf_zone == nullptr || name.label_count <= s.spf.zone_labels) return false;
  return name.Suffix(name.label_count - s.spf.zone_labels) == s.spf.zone;
}

// True if the zone table holds records at `name`. Empty non-terminals in
// the SPF zone (the parent of a subdomain's _nspf record, say) are left to
// the SPF rules, which know what an unconfigured name there must answer.
bool HasData(const config::Snapshot& s, const wire::Name& name) {
  if (name.label_count > s.zones.max_owner_labels()) return false;
  const Node* node = s.zones.FindNode(name.view());
  return node != nullptr && !node->rrsets.empty();
}

void NoteSpfDecision(const spf::MacroZone& spf, const spf::Decision& d, Outcome& outcome) {
  outcome.spf_rule = static_cast<int>(d.rule);
  outcome.spf_domain = d.domain;
  if (d.sender >= 0) outcome.spf_sender = &spf.senders[d.sender];
  outcome.spf_ip_unidentified = d.domain != nullptr && d.name.ip_known &&
                                (d.rule == spf::Rule::kDefault || d.rule == spf::Rule::kTerms);
  outcome.spf_ip = d.name.ip;
}

// CHAOS TXT id.server and hostname.bind: the server file's identity, with
// AA, or REFUSED as for every other CHAOS name when there is none.
void AnswerIdentity(const config::Snapshot& s, Answer* answer) {
  if (s.identity.empty()) {
    answer->rcode = wire::kRefused;
    return;
  }
  answer->authoritative = true;
  answer->AddAnswer(s.identity_txt, /*owner_label=*/0);
}

}  // namespace

Outcome HandleQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                    Transport transport, std::span<uint8_t> response) {
  Query query;
  GateResult gate = ParseQuery(request, transport, &query);
  if (gate.verdict == GateVerdict::kDrop) return {};

  Answer answer;
  Outcome outcome;
  if (gate.verdict == GateVerdict::kRespond) {
    answer.rcode = gate.rcode;
  } else if (gate.verdict == GateVerdict::kIdentity) {
    AnswerIdentity(snapshot, &answer);
  } else if (BelowSpfZone(snapshot, query.name) && !HasData(snapshot, query.name)) {
    outcome.zone_kind = snapshot.spf_zone->kind;
    NoteSpfDecision(snapshot.spf, spf::AnswerSpf(snapshot.spf, *snapshot.spf_zone, query, &answer),
                    outcome);
  } else if (ZoneTable::Match match = snapshot.zones.Find(query.name); match.zone == nullptr) {
    answer.rcode = wire::kRefused;  // not ours, and we never recurse
  } else {
    outcome.zone_kind = static_cast<int>(match.zone->kind);
    AnswerFromZone(match, query, &answer);
  }

  Rendered rendered = Render(query, answer, snapshot.udp_payload, response, snapshot.identity);
  outcome.size = rendered.size;
  outcome.rcode = answer.rcode;
  outcome.truncated = rendered.truncated;
  return outcome;
}

}  // namespace dnsd
