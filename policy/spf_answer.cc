#include "policy/spf_answer.h"

#include <arpa/inet.h>

#include <cstring>

#include "dnsd/answer/static_answer.h"
#include "dnsd/wire/constants.h"
#include "policy/terms_answer.h"

namespace dnsd::policy {
namespace {

static_assert(10 + kMaxTermsRdata <= Answer::kScratchSize, "a rule-6 answer must fit scratch");

char* Append(char* out, absl::string_view text) {
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* AppendIp(char* out, const IpAddress& ip, bool v4) {
  char text[INET6_ADDRSTRLEN];
  if (v4) inet_ntop(AF_INET, ip.v4(), text, sizeof(text));
  else inet_ntop(AF_INET6, ip.bytes.data(), text, sizeof(text));
  return Append(out, text);
}

// Type, class, TTL and RDLENGTH before RDATA (RFC 1035 §4.1.3).
void PutRecordHeader(char* out, uint32_t ttl, size_t rdlength) {
  uint8_t h[10] = {0, wire::kTypeTxt, 0, wire::kClassIn,
                   static_cast<uint8_t>(ttl >> 24), static_cast<uint8_t>(ttl >> 16),
                   static_cast<uint8_t>(ttl >> 8), static_cast<uint8_t>(ttl),
                   static_cast<uint8_t>(rdlength >> 8), static_cast<uint8_t>(rdlength)};
  std::memcpy(out, h, sizeof(h));
}

}  // namespace

size_t IpAnswerRdata(const MacroName& name, char* out) {
  char* text = out + 1;  // after the character-string's length octet
  char* p = Append(text, "v=spf1 ");
  if (name.ip.is_v4()) {
    p = AppendIp(Append(p, "ip4:"), name.ip, true);
    // libspf2 keeps an IPv4-mapped client in IPv6 form (PRODUCT.md).
    if (name.ip_as_nibbles) p = AppendIp(Append(p, " ip6:"), name.ip, false);
  } else {
    p = AppendIp(Append(p, "ip6:"), name.ip, false);
  }
  p = Append(p, " ~all");
  out[0] = static_cast<char>(p - text);
  return static_cast<size_t>(p - out);
}

Decision AnswerSpf(const SpfPolicy& policy, const Zone& zone, const Query& q, Answer* a) {
  a->authoritative = true;
  a->serial = zone.serial;
  Decision d = Decide(policy, q.name);
  bool wants_txt = q.qtype == wire::kTypeTxt || q.qtype == wire::kTypeAny;
  if (d.rule == Rule::kNotAMacroName || !wants_txt) {
    // Every name here exists (RFC 8020): NODATA, never NXDOMAIN.
    AnswerNegative(zone, q, wire::kNoError, a);
    return d;
  }
  if (d.terms_answer) {
    size_t rdlength = TermsAnswerRdata(d.domain->terms, d.domain->fail_all, q.name, d.name,
                                       a->scratch + 10);
    if (rdlength == 0) {
      // The query's domain cannot be written into the terms (an octet no
      // SPF record can carry): the domain's rule-7 answer is still right.
      d.rule = Rule::kDefault;
      d.terms_answer = false;
      d.answer = d.domain->fallback;
    } else {
      PutRecordHeader(a->scratch, policy.ttl, rdlength);
      a->AddAnswer(absl::string_view(a->scratch, 10 + rdlength), 1, 0);
      return d;
    }
  }
  if (d.ip_answer) {
    size_t rdlength = IpAnswerRdata(d.name, a->scratch + 10);
    PutRecordHeader(a->scratch, policy.ttl, rdlength);
    a->AddAnswer(absl::string_view(a->scratch, 10 + rdlength), 1, 0);
  } else {
    a->AddAnswer(*d.answer, 0);
  }
  return d;
}

}  // namespace dnsd::policy
