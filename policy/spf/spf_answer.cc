#include "policy/spf/spf_answer.h"

#include <cstring>

#include "dnsd/protocol/answer/static_answer.h"
#include "dnsd/protocol/wire/constants.h"
#include "policy/spf/nspf_chain.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::spf {
namespace {

static_assert(10 + kMaxTermsRdata <= Answer::kScratchSize, "a terms answer must fit scratch");

char* Append(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// Type, class, TTL and RDLENGTH before RDATA (RFC 1035 §4.1.3). The TTL
// is kZoneTtl, which the renderer writes as the zone's, as for every
// record served with the provider's TTL (dnsd/protocol/zone/rrset.h).
void PutRecordHeader(char* out, size_t rdlength) {
  constexpr uint32_t ttl = kZoneTtl;
  uint8_t h[10] = {0, wire::kTypeTxt, 0, wire::kClassIn,
                   static_cast<uint8_t>(ttl >> 24), static_cast<uint8_t>(ttl >> 16),
                   static_cast<uint8_t>(ttl >> 8), static_cast<uint8_t>(ttl),
                   static_cast<uint8_t>(rdlength >> 8), static_cast<uint8_t>(rdlength)};
  std::memcpy(out, h, sizeof(h));
}

// Room for the longest text: the include's domain-spec is at most 253
// octets (RFC 7208 §7.3, checked at compile), in "v=spf1 include:" and
// " ~all".
constexpr size_t kMaxFlattenedText = 15 + 253 + 5;
static_assert(TxtRdataBound(kMaxFlattenedText) <= Answer::kScratchSize - 10,
              "a flattened answer must fit scratch");

static_assert(10 + TxtRdataBound(kMaxNspfText) <= Answer::kScratchSize,
              "an _nspf part must fit scratch");

// Which part of which domain's chain `name` asks for: "<domain>._nspf" is
// part 0, "<domain>._nspf<k>" part k-1 (k from 2 to kMaxNspfParts). The
// domain's labels are those before the tag, which lies just below the zone.
struct NspfName {
  absl::string_view domain;  // wire form, without the root label
  size_t part = 0;
};

bool ParseNspfName(const MacroZone& policy, const wire::Name& name, NspfName* out) {
  int tag = name.label_count - policy.zone_labels - 1;
  if (tag < 1) return false;
  const uint8_t* label = name.data + name.label_offsets[tag];
  if (label[0] < 5 || label[0] > 6 || std::memcmp(label + 1, "_nspf", 5) != 0) return false;
  out->part = 0;
  if (label[0] == 6) {
    unsigned k = label[6] - '0';
    if (k < 2 || k > kMaxNspfParts) return false;
    out->part = k - 1;
  }
  out->domain = absl::string_view(reinterpret_cast<const char*>(name.data),
                                  name.label_offsets[tag]);
  return true;
}

}  // namespace

size_t NspfRdata(const MacroZone& policy, const DomainPolicy& d, size_t part, char* out) {
  char text[kMaxNspfText];
  size_t size = 0;
  if (d.nspf_parts == 0) {
    if (part != 0) return 0;
    size = static_cast<size_t>(Append(text, "v=spf1 ?all") - text);
  } else {
    // Named: the source's FunctionRef must not outlive it.
    auto ranges = [&](size_t i) {
      return absl::Span<const IpPrefix>(policy.senders[d.senders[i]].ranges);
    };
    NspfSource source{.domain = d.name,
                      .zone = policy.zone_text,
                      .blocked = d.blocked,
                      .fail_all = d.fail_all,
                      .netblocks = d.netblocks,
                      .sender_count = d.senders.size(),
                      .sender_ranges = ranges};
    size = WriteNspfPart(source, part, text);
    if (size == 0) return 0;
  }
  return PutTxtRdata(absl::string_view(text, size), out);
}

bool AnswerNspf(const MacroZone& policy, const Zone& zone, const ZoneCommon& common,
                const Query& q, Answer* a) {
  NspfName nspf;
  if (!ParseNspfName(policy, q.name, &nspf)) return false;
  // The map's keys end in the root label.
  char key[wire::kMaxNameSize];
  std::memcpy(key, nspf.domain.data(), nspf.domain.size());
  key[nspf.domain.size()] = 0;
  const DomainPolicy* const* d =
      policy.domains.Find(absl::string_view(key, nspf.domain.size() + 1));
  if (d == nullptr) return false;  // Decide answers another's _nspf names
  AnswerAsZone(zone, common, a);
  bool wants_txt = q.qtype == wire::kTypeTxt || q.qtype == wire::kTypeAny;
  size_t rdlength = wants_txt ? NspfRdata(policy, **d, nspf.part, a->scratch + 10) : 0;
  if (rdlength == 0) {
    // A name past the chain's end, or another type: NODATA (RFC 8020).
    AnswerNegative(zone, common, q, wire::kNoError, a);
    return true;
  }
  PutRecordHeader(a->scratch, rdlength);
  a->AddAnswer(absl::string_view(a->scratch, 10 + rdlength), 1, 0);
  return true;
}

size_t FlattenedRdata(const MacroZone& policy, const DomainPolicy& domain, char* out) {
  constexpr absl::string_view kHead = "v=spf1 include:";
  size_t size = kHead.size() + domain.name.size() + policy.flattened_suffix.size();
  if (size > kMaxFlattenedText) return 0;
  char text[kMaxFlattenedText];
  Append(Append(Append(text, kHead), domain.name), policy.flattened_suffix);
  return PutTxtRdata(absl::string_view(text, size), out);
}

size_t IpAnswerRdata(const MacroName& name, char* out) {
  char* text = out + 1;  // after the character-string's length octet
  char* p = Append(text, "v=spf1 ");
  if (name.ip.is_v4()) {
    p = WriteIpAddress(name.ip, /*mapped_as_v6=*/false, Append(p, "ip4:"));
    // libspf2 keeps an IPv4-mapped client in IPv6 form (policy/spf/README.md).
    if (name.ip_as_nibbles) p = WriteIpAddress(name.ip, /*mapped_as_v6=*/true, Append(p, " ip6:"));
  } else {
    p = WriteIpAddress(name.ip, /*mapped_as_v6=*/true, Append(p, "ip6:"));
  }
  p = Append(p, " ~all");
  out[0] = static_cast<char>(p - text);
  return static_cast<size_t>(p - out);
}

Decision AnswerSpf(const MacroZone& policy, const Zone& zone, const ZoneCommon& common,
                   const Query& q, Answer* a, const DomainGuess* guess) {
  AnswerAsZone(zone, common, a);
  Decision d = Decide(policy, q.name, guess);
  bool wants_txt = q.qtype == wire::kTypeTxt || q.qtype == wire::kTypeAny;
  if (d.rule == Rule::kNotAMacroName || !wants_txt) {
    // Every name here exists (RFC 8020): NODATA, never NXDOMAIN.
    AnswerNegative(zone, common, q, wire::kNoError, a);
    return d;
  }
  // An answer written per query goes into scratch; a rendered one that
  // cannot be written falls back to the domain's rule-7 answer.
  size_t rdlength = 0;
  char* rdata = a->scratch + 10;
  if (d.terms_answer) {
    rdlength = TermsAnswerRdata(d.domain->terms, d.domain->fail_all, q.name, d.name, rdata);
    if (rdlength == 0) {
      // The query's domain cannot be written into the terms (an octet no
      // SPF record can carry): the domain's rule-7 answer is still right.
      d.rule = Rule::kDefault;
      d.terms_answer = false;
      d.answer = policy.Fallback(*d.domain);
    }
  } else if (d.flattened_answer) {
    rdlength = FlattenedRdata(policy, *d.domain, rdata);
    if (rdlength == 0) {  // too long to include: no compile serves such a domain
      d.flattened_answer = false;
      d.answer = policy.Fallback(*d.domain);
    }
  } else if (d.ip_answer) {
    rdlength = IpAnswerRdata(d.name, rdata);
  }
  if (rdlength > 0) {
    PutRecordHeader(a->scratch, rdlength);
    a->AddAnswer(absl::string_view(a->scratch, 10 + rdlength), 1, 0);
  } else {
    a->AddAnswer(*d.answer, 0);
  }
  return d;
}

}  // namespace dnsd::spf
