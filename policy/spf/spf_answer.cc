#include "policy/spf/spf_answer.h"

#include <cstring>

#include "dnsd/protocol/answer/static_answer.h"
#include "dnsd/protocol/wire/constants.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::spf {
namespace {

static_assert(10 + kMaxTermsRdata <= Answer::kScratchSize, "a terms answer must fit scratch");

char* Append(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* AppendDecimal(char* out, unsigned v) {
  if (v >= 100) *out++ = static_cast<char>('0' + v / 100);
  if (v >= 10) *out++ = static_cast<char>('0' + v / 10 % 10);
  *out++ = static_cast<char>('0' + v % 10);
  return out;
}

char* AppendV4(char* out, const uint8_t* b) {
  for (int i = 0; i < 4; ++i) {
    if (i != 0) *out++ = '.';
    out = AppendDecimal(out, b[i]);
  }
  return out;
}

char* AppendHex(char* out, unsigned v) {
  static constexpr char kHex[] = "0123456789abcdef";
  int shift = 12;
  while (shift > 0 && (v >> shift) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) *out++ = kHex[(v >> shift) & 0xF];
  return out;
}

// The text glibc's inet_ntop writes, octet for octet (it went out in
// answers before, and receivers compare them as text): RFC 5952 — lower
// case, no leading zeros, the first longest run of two or more zero groups
// as "::" — and, like glibc, the last 32 bits as dotted IPv4 after a
// leading run of six zero groups or of five and ffff (::a.b.c.d,
// ::ffff:a.b.c.d). Written by hand: inet_ntop formats with sprintf, which
// was a seventh of the query path's instructions.
char* AppendV6(char* out, const uint8_t* b) {
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = static_cast<unsigned>(b[2 * i] << 8 | b[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && words[j] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  if (best_len < 2) best = -1;
  for (int i = 0; i < 8; ++i) {
    if (best >= 0 && i >= best && i < best + best_len) {
      if (i == best) *out++ = ':';
      continue;
    }
    if (i != 0) *out++ = ':';
    if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
      return AppendV4(out, b + 12);
    }
    out = AppendHex(out, words[i]);
  }
  if (best >= 0 && best + best_len == 8) *out++ = ':';
  return out;
}

char* AppendIp(char* out, const IpAddress& ip, bool v4) {
  return v4 ? AppendV4(out, ip.bytes.data() + 12) : AppendV6(out, ip.bytes.data());
}

// Type, class, TTL and RDLENGTH before RDATA (RFC 1035 §4.1.3).
void PutRecordHeader(char* out, uint32_t ttl, size_t rdlength) {
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

}  // namespace

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
    p = AppendIp(Append(p, "ip4:"), name.ip, true);
    // libspf2 keeps an IPv4-mapped client in IPv6 form (policy/spf/README.md).
    if (name.ip_as_nibbles) p = AppendIp(Append(p, " ip6:"), name.ip, false);
  } else {
    p = AppendIp(Append(p, "ip6:"), name.ip, false);
  }
  p = Append(p, " ~all");
  out[0] = static_cast<char>(p - text);
  return static_cast<size_t>(p - out);
}

Decision AnswerSpf(const MacroZone& policy, const Zone& zone, const Query& q, Answer* a,
                   const DomainGuess* guess) {
  a->authoritative = true;
  a->serial = zone.serial;
  Decision d = Decide(policy, q.name, guess);
  bool wants_txt = q.qtype == wire::kTypeTxt || q.qtype == wire::kTypeAny;
  if (d.rule == Rule::kNotAMacroName || !wants_txt) {
    // Every name here exists (RFC 8020): NODATA, never NXDOMAIN.
    AnswerNegative(zone, q, wire::kNoError, a);
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
      d.answer = d.domain->fallback;
    }
  } else if (d.flattened_answer) {
    rdlength = FlattenedRdata(policy, *d.domain, rdata);
    if (rdlength == 0) {  // too long to include: no compile serves such a domain
      d.flattened_answer = false;
      d.answer = d.domain->fallback;
    }
  } else if (d.ip_answer) {
    rdlength = IpAnswerRdata(d.name, rdata);
  }
  if (rdlength > 0) {
    PutRecordHeader(a->scratch, policy.ttl, rdlength);
    a->AddAnswer(absl::string_view(a->scratch, 10 + rdlength), 1, 0);
  } else {
    a->AddAnswer(*d.answer, 0);
  }
  return d;
}

}  // namespace dnsd::spf
