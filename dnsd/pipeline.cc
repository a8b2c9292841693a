#include "dnsd/pipeline.h"

#include <new>
#include <type_traits>

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

// True if the zone table holds records at the query's name. Empty
// non-terminals in the SPF zone (the parent of a subdomain's _nspf record,
// say) are left to the SPF rules, which know what an unconfigured name
// there must answer. A name longer than any owner has no node key: it has
// no records.
bool HasData(const config::Snapshot& s, const PreparedQuery& p) {
  if (!p.has_node_key) return false;
  const Node* node = s.zones.FindNode(p.node_key);
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

static_assert(std::is_trivially_destructible_v<PreparedQuery>,
              "PrepareQuery constructs over the last query's state");

void PrepareQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                  Transport transport, PreparedQuery* p) {
  // A fresh state each time, as a local Query in HandleQuery would be: the
  // gate requires a default-constructed Query, and nothing of the query
  // this slot held before may leak into this one.
  new (p) PreparedQuery;
  p->gate = ParseQuery(request, transport, &p->query);
  if (p->gate.verdict != GateVerdict::kLookup) return;
  const wire::Name& name = p->query.name;
  p->below_spf = BelowSpfZone(snapshot, name);
  // A name below the SPF zone is looked up as a node only if it can have
  // records (macro names are longer than any owner); any other name is.
  if (!p->below_spf || name.label_count <= snapshot.zones.max_owner_labels()) {
    p->node_key = ZoneTable::KeyOf(name);
    p->has_node_key = true;
  }
  if (p->below_spf) spf::GuessDomain(snapshot.spf, name, &p->guess);
}

void PrefetchLookup(const config::Snapshot& snapshot, const PreparedQuery& p,
                    PrefetchStep step) {
  if (p.gate.verdict != GateVerdict::kLookup) return;
  // The domain policy spans a few lines; Decide reads most of them.
  constexpr int kPolicyLines = (sizeof(spf::DomainPolicy) + 63) / 64;
  if (p.has_node_key) snapshot.zones.Prefetch(step, p.node_key);
  if (!p.guess.empty()) snapshot.spf.domains.Prefetch(step, p.guess.key(), kPolicyLines);
}

Outcome AnswerQuery(const config::Snapshot& snapshot, const PreparedQuery& p,
                    std::span<uint8_t> response) {
  const Query& query = p.query;
  const GateResult& gate = p.gate;
  if (gate.verdict == GateVerdict::kDrop) return {};

  Answer answer;
  Outcome outcome;
  if (gate.verdict == GateVerdict::kRespond) {
    answer.rcode = gate.rcode;
  } else if (gate.verdict == GateVerdict::kIdentity) {
    AnswerIdentity(snapshot, &answer);
  } else if (p.below_spf && !HasData(snapshot, p)) {
    outcome.zone_kind = snapshot.spf_zone->kind;
    // A domain's _nspf chain is records, not a rule's answer: no decision.
    if (!spf::AnswerNspf(snapshot.spf, *snapshot.spf_zone, snapshot.common, query, &answer)) {
      NoteSpfDecision(snapshot.spf,
                      spf::AnswerSpf(snapshot.spf, *snapshot.spf_zone, snapshot.common, query,
                                     &answer, &p.guess),
                      outcome);
    }
  } else if (ZoneTable::Match match = snapshot.zones.Find(query.name, p.node_key);
             match.zone == nullptr) {
    answer.rcode = wire::kRefused;  // not ours, and we never recurse
  } else {
    outcome.zone_kind = static_cast<int>(match.zone->kind);
    AnswerFromZone(match, snapshot.common, query, &answer);
  }

  Rendered rendered = Render(query, answer, snapshot.udp_payload, response, snapshot.identity);
  outcome.size = rendered.size;
  outcome.rcode = answer.rcode;
  outcome.truncated = rendered.truncated;
  return outcome;
}

Outcome HandleQuery(const config::Snapshot& snapshot, std::span<const uint8_t> request,
                    Transport transport, std::span<uint8_t> response) {
  PreparedQuery prepared;
  PrepareQuery(snapshot, request, transport, &prepared);
  return AnswerQuery(snapshot, prepared, response);
}

void HandleBatch(const config::Snapshot& snapshot,
                 std::span<const std::span<const uint8_t>> requests, Transport transport,
                 std::span<const std::span<uint8_t>> responses,
                 std::span<PreparedQuery> prepared, std::span<Outcome> outcomes) {
  size_t n = requests.size();
  // The first prefetch goes out as soon as each query is parsed: the rest
  // of the batch's parsing is the time its line takes to arrive.
  for (size_t i = 0; i < n; ++i) {
    PrepareQuery(snapshot, requests[i], transport, &prepared[i]);
    PrefetchLookup(snapshot, prepared[i], PrefetchStep::kShardPointer);
  }
  for (size_t i = 0; i < n; ++i) PrefetchLookup(snapshot, prepared[i], PrefetchStep::kShard);
  for (size_t i = 0; i < n; ++i) PrefetchLookup(snapshot, prepared[i], PrefetchStep::kProbe);
  for (size_t i = 0; i < n; ++i) PrefetchLookup(snapshot, prepared[i], PrefetchStep::kEntry);
  for (size_t i = 0; i < n; ++i) outcomes[i] = AnswerQuery(snapshot, prepared[i], responses[i]);
}

}  // namespace dnsd
