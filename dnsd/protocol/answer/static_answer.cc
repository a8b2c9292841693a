#include "dnsd/protocol/answer/static_answer.h"

namespace dnsd {
namespace {

using wire::kTypeAny;
using wire::kTypeCname;
using wire::kTypeNs;
using wire::kTypeSoa;

// RFC 8482 §4.1: answer ANY with one RRset of the name rather than all.
// The one a mail receiver would want is the TXT (or the CNAME).
const RRset* PickForAny(const Node& node) {
  return node.rrsets.empty() ? nullptr : node.rrsets.front();
}

// The RRset of `type` at `node`, including the apex records that live in
// the zone rather than the node.
const RRset* FindAt(const Node& node, const ZoneCommon& common, uint16_t type) {
  if (node.apex()) {
    if (type == kTypeSoa) return &common.soa;
    if (type == kTypeNs) return &common.ns;
  }
  if (type == kTypeAny) {
    const RRset* pick = PickForAny(node);
    return pick != nullptr || !node.apex() ? pick : &common.soa;
  }
  return node.Find(type);
}

void AnswerWildcard(const Zone& zone, const ZoneCommon& common, const Query& q, Answer* a) {
  for (const RRset* r : zone.wildcard) {
    if (r->type == q.qtype || q.qtype == kTypeAny) {
      a->AddAnswer(*r, 0);
      return;
    }
  }
  AnswerNegative(zone, common, q, wire::kNoError, a);
}

}  // namespace

void AnswerNegative(const Zone& zone, const ZoneCommon& common, const Query& q, uint16_t rcode,
                    Answer* a) {
  a->rcode = rcode;
  a->AddAuthority(common.soa_negative,
                  static_cast<uint8_t>(q.name.label_count - zone.apex_labels), true);
}

void AnswerFromZone(const ZoneTable::Match& m, const ZoneCommon& common, const Query& q,
                    Answer* a) {
  const Zone& zone = *m.zone;
  AnswerAsZone(zone, common, a);
  if (m.node == nullptr) {
    if (!zone.wildcard.empty()) return AnswerWildcard(zone, common, q, a);
    return AnswerNegative(zone, common, q, wire::kNxDomain, a);
  }
  const Node& node = *m.node;
  if (const RRset* cname = node.Find(kTypeCname); cname != nullptr && q.qtype != kTypeCname) {
    // The target is a vendor's name, outside our zones: the resolver follows it.
    a->AddAnswer(*cname, 0);
    return;
  }
  const RRset* rrset = FindAt(node, common, q.qtype);
  if (rrset == nullptr) return AnswerNegative(zone, common, q, wire::kNoError, a);
  a->AddAnswer(*rrset, 0);
  a->answer[0].patch_serial = rrset->type == kTypeSoa;
}

}  // namespace dnsd
