#include "policy/spf/rfc7208/check_host.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "policy/spf/rfc7208/record.h"

namespace dnsd::spf {
namespace {

// How one term or one record came out: a result, or "go on" (kContinue).
struct Outcome {
  enum class Kind : uint8_t { kContinue, kDone } kind = Kind::kContinue;
  Result result = Result::kNeutral;
  std::string problem;
  std::string explanation;
  std::string matched_term;
  std::string matched_domain;
};

Outcome Done(Result result, std::string problem = "") {
  Outcome o;
  o.kind = Outcome::Kind::kDone;
  o.result = result;
  o.problem = std::move(problem);
  return o;
}

Result FromQualifier(Qualifier q) {
  switch (q) {
    case Qualifier::kPass: return Result::kPass;
    case Qualifier::kFail: return Result::kFail;
    case Qualifier::kSoftFail: return Result::kSoftFail;
    case Qualifier::kNeutral: return Result::kNeutral;
  }
  return Result::kNeutral;
}

bool IsVoid(const DnsAnswer& answer) {
  return answer.outcome == DnsOutcome::kNoData || answer.outcome == DnsOutcome::kNxDomain;
}

// The first `bits` bits of two addresses are equal.
bool PrefixEqual(const uint8_t* a, const uint8_t* b, int bits) {
  int full = bits / 8;
  if (!std::equal(a, a + full, b)) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  uint8_t mask = uint8_t(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

// `address` (an A or AAAA answer) is in the client's network of the given
// length for the client's family.
bool SameNetwork(const IpAddress& client, const IpAddress& address, int cidr4, int cidr6) {
  if (client.is_v4()) return address.is_v4() && PrefixEqual(client.v4(), address.v4(), cidr4);
  return !address.is_v4() && PrefixEqual(client.bytes.data(), address.bytes.data(), cidr6);
}

std::string Normalized(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(name);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

// `name` is `domain` or below it (both normalized).
bool IsAtOrBelow(absl::string_view name, absl::string_view domain) {
  if (name == domain) return true;
  return name.size() > domain.size() && absl::EndsWith(name, domain) &&
         name[name.size() - domain.size() - 1] == '.';
}

std::string ReverseName(const IpAddress& ip) {
  std::vector<std::string> parts = absl::StrSplit(DottedIp(ip), '.');
  std::reverse(parts.begin(), parts.end());
  return absl::StrCat(absl::StrJoin(parts, "."), ip.is_v4() ? ".in-addr.arpa" : ".ip6.arpa");
}

// The client's PTR answer and the names in it that validate (§5.5).
struct PtrNames {
  DnsOutcome outcome = DnsOutcome::kTempError;
  DnsAnswer answer;
  std::vector<std::string> validated;  // normalized, in answer order
};

class Evaluator {
 public:
  Evaluator(Dns& dns, const MacroContext& context, const CheckOptions& options)
      : dns_(dns), context_(context), options_(options) {
    context_.validated_name = [this](absl::string_view domain) { return ValidatedName(domain); };
  }

  CheckResult Run() {
    Outcome o = Evaluate(context_.domain, 0, /*in_include=*/false);
    CheckResult r;
    r.result = o.result;
    r.problem = std::move(o.problem);
    r.matched_term = std::move(o.matched_term);
    r.matched_domain = std::move(o.matched_domain);
    if (r.result == Result::kFail) {
      r.explanation = o.explanation.empty() ? options_.default_explanation : o.explanation;
    }
    r.dns_terms = dns_terms_;
    r.void_lookups = void_lookups_;
    r.trace = std::move(trace_);
    return r;
  }

 private:
  void Trace(int depth, absl::string_view text) {
    if (options_.trace) trace_.push_back(absl::StrCat(std::string(depth * 2, ' '), text));
  }

  // check_host() for one domain: record look-up (§4.3–4.5), the terms in
  // order (§4.6), then redirect (§6.1).
  Outcome Evaluate(absl::string_view raw_domain, int depth, bool in_include) {
    std::string domain(raw_domain);
    while (!domain.empty() && domain.back() == '.') domain.pop_back();
    // §4.3: a malformed or single-label <domain> gives "none" right away.
    if (!IsQueryableName(domain) || domain.find('.') == std::string::npos) {
      Trace(depth, absl::StrCat("'", domain, "': not a usable domain name: none"));
      return Done(Result::kNone, absl::StrCat("'", domain, "' is not a usable domain name"));
    }
    DnsAnswer txt = dns_.Txt(domain);
    if (txt.outcome == DnsOutcome::kTempError) {
      Trace(depth, absl::StrCat(domain, ": TXT look-up failed: temperror"));
      return Done(Result::kTempError, absl::StrCat("TXT look-up for ", domain, " failed"));
    }
    std::vector<const std::string*> records;
    if (txt.outcome == DnsOutcome::kOk) {
      for (const std::string& t : txt.txt) {
        if (IsSpfRecord(t)) records.push_back(&t);
      }
    }
    if (records.empty()) {
      Trace(depth, absl::StrCat(domain, ": no SPF record: none"));
      return Done(Result::kNone, absl::StrCat(domain, " has no SPF record"));
    }
    if (records.size() > 1) {
      Trace(depth, absl::StrCat(domain, ": ", records.size(), " SPF records: permerror"));
      return Done(Result::kPermError, absl::StrCat(domain, " has ", records.size(),
                                                   " SPF records (§4.5)"));
    }
    Trace(depth, absl::StrCat(domain, ": \"", *records[0], "\""));
    auto record = ParseRecord(*records[0]);
    if (!record.ok()) {
      Trace(depth + 1, absl::StrCat("syntax error: ", record.status().message(), ": permerror"));
      return Done(Result::kPermError,
                  absl::StrCat("SPF record of ", domain, ": ", record.status().message()));
    }
    MacroContext here = context_;
    here.domain = domain;
    for (const Term& term : record->terms) {
      if (!term.is_mechanism()) continue;
      if (std::optional<Outcome> limit = CountDnsTerm(term, depth + 1)) return *limit;
      Outcome o = EvaluateMechanism(term, here, depth + 1);
      if (o.kind == Outcome::Kind::kContinue) continue;
      if (o.result != Result::kTempError && o.result != Result::kPermError) {
        o.matched_term = term.text;
        o.matched_domain = domain;
        Trace(depth + 1, absl::StrCat(term.text, ": match: ", ResultName(o.result)));
        if (o.result == Result::kFail && !in_include && options_.explain && record->exp_term()) {
          o.explanation = Explain(*record->exp_term(), here, depth + 1);
        }
      }
      return o;
    }
    if (const Term* redirect = record->redirect_term()) {
      if (std::optional<Outcome> limit = CountDnsTerm(*redirect, depth + 1)) return *limit;
      std::string target = Expand(*redirect, here);
      Trace(depth + 1, absl::StrCat(redirect->text, ": to ", target));
      Outcome o = Evaluate(target, depth + 1, in_include);
      // §6.1: no record at the target (or a malformed target) is a
      // permerror, not "none".
      if (o.result == Result::kNone) {
        return Done(Result::kPermError, absl::StrCat(redirect->text, ": ", o.problem));
      }
      return o;
    }
    Trace(depth + 1, "no term matched: neutral");
    return Done(Result::kNeutral);
  }

  // §4.6.4: the 11th DNS-querying term is a permerror, before its look-up.
  std::optional<Outcome> CountDnsTerm(const Term& term, int depth) {
    if (!term.queries_dns()) return std::nullopt;
    if (++dns_terms_ <= options_.max_dns_terms) return std::nullopt;
    Trace(depth, absl::StrCat(term.text, ": over ", options_.max_dns_terms,
                              " DNS-querying terms: permerror"));
    return Done(Result::kPermError, absl::StrCat("more than ", options_.max_dns_terms,
                                                 " DNS-querying terms (at '", term.text, "')"));
  }

  // §4.6.4: a third void look-up is a permerror.
  std::optional<Outcome> CountVoid(const DnsAnswer& answer, const Term& term, int depth) {
    if (!IsVoid(answer)) return std::nullopt;
    if (++void_lookups_ <= options_.max_void_lookups) return std::nullopt;
    Trace(depth, absl::StrCat(term.text, ": over ", options_.max_void_lookups,
                              " void look-ups: permerror"));
    return Done(Result::kPermError, absl::StrCat("more than ", options_.max_void_lookups,
                                                 " void look-ups (at '", term.text, "')"));
  }

  // The term's target name: its domain-spec expanded, or <domain> (§4.8).
  std::string Expand(const Term& term, const MacroContext& here) {
    if (term.domain_spec.empty()) return here.domain;
    auto out = ExpandTokens(term.tokens, here);
    // The parser has checked the tokens, so expansion cannot fail; an
    // empty name is no name.
    return out.ok() ? *out : std::string();
  }

  Outcome TempError(const Term& term, absl::string_view what, int depth) {
    Trace(depth, absl::StrCat(term.text, ": ", what, " failed: temperror"));
    return Done(Result::kTempError, absl::StrCat(term.text, ": ", what, " failed"));
  }

  Outcome Matched(const Term& term) { return Done(FromQualifier(term.qualifier)); }

  Outcome NoMatch(const Term& term, absl::string_view why, int depth) {
    Trace(depth, absl::StrCat(term.text, ": no match", why.empty() ? "" : " (", why,
                              why.empty() ? "" : ")"));
    return Outcome{};
  }

  Outcome EvaluateMechanism(const Term& term, const MacroContext& here, int depth) {
    switch (term.kind) {
      case TermKind::kAll:
        return Matched(term);
      case TermKind::kIp4:
        if (context_.ip.is_v4() && PrefixEqual(context_.ip.v4(), term.address.v4(), term.cidr4)) {
          return Matched(term);
        }
        return NoMatch(term, "", depth);
      case TermKind::kIp6:
        // §5: an IPv4-mapped client is an IPv4 client; ip6 never matches it.
        if (!context_.ip.is_v4() &&
            PrefixEqual(context_.ip.bytes.data(), term.address.bytes.data(), term.cidr6)) {
          return Matched(term);
        }
        return NoMatch(term, "", depth);
      case TermKind::kA:
        return EvaluateA(term, here, depth);
      case TermKind::kMx:
        return EvaluateMx(term, here, depth);
      case TermKind::kPtr:
        return EvaluatePtr(term, here, depth);
      case TermKind::kExists:
        return EvaluateExists(term, here, depth);
      case TermKind::kInclude:
        return EvaluateInclude(term, here, depth);
      default:
        return Outcome{};
    }
  }

  DnsAnswer Addresses(absl::string_view name) {
    return context_.ip.is_v4() ? dns_.A(name) : dns_.Aaaa(name);
  }

  // §5.3.
  Outcome EvaluateA(const Term& term, const MacroContext& here, int depth) {
    std::string name = Expand(term, here);
    // RFC 7208 leaves a target that is no valid DNS name undefined; like a
    // name that does not exist, it matches nothing (the suite's
    // invalid-domain-* tests accept that).
    if (!IsQueryableName(name)) return NoMatch(term, "not a valid name", depth);
    DnsAnswer answer = Addresses(name);
    if (answer.outcome == DnsOutcome::kTempError) return TempError(term, "address look-up", depth);
    if (auto limit = CountVoid(answer, term, depth)) return *limit;
    for (const IpAddress& address : answer.addresses) {
      if (SameNetwork(context_.ip, address, term.cidr4, term.cidr6)) return Matched(term);
    }
    return NoMatch(term, IsVoid(answer) ? "void" : "", depth);
  }

  // §5.4; §4.6.4: more than 10 MX names is a permerror.
  Outcome EvaluateMx(const Term& term, const MacroContext& here, int depth) {
    std::string name = Expand(term, here);
    if (!IsQueryableName(name)) return NoMatch(term, "not a valid name", depth);
    DnsAnswer answer = dns_.Mx(name);
    if (answer.outcome == DnsOutcome::kTempError) return TempError(term, "MX look-up", depth);
    if (auto limit = CountVoid(answer, term, depth)) return *limit;
    if (int(answer.mx.size()) > options_.max_mx_names) {
      Trace(depth, absl::StrCat(term.text, ": ", answer.mx.size(), " MX names: permerror"));
      return Done(Result::kPermError, absl::StrCat(term.text, ": ", name, " has ",
                                                   answer.mx.size(), " MX names (limit ",
                                                   options_.max_mx_names, ")"));
    }
    for (const MxRecord& mx : answer.mx) {
      std::string exchange = Normalized(mx.exchange);
      // A null MX (RFC 7505) names no host.
      if (!IsQueryableName(exchange)) continue;
      DnsAnswer addresses = Addresses(exchange);
      if (addresses.outcome == DnsOutcome::kTempError) {
        return TempError(term, absl::StrCat("address look-up of ", exchange), depth);
      }
      for (const IpAddress& address : addresses.addresses) {
        if (SameNetwork(context_.ip, address, term.cidr4, term.cidr6)) return Matched(term);
      }
    }
    return NoMatch(term, IsVoid(answer) ? "void" : "", depth);
  }

  // §5.5: the client's validated names at or below the target.
  Outcome EvaluatePtr(const Term& term, const MacroContext& here, int depth) {
    std::string target = Normalized(Expand(term, here));
    const PtrNames& ptr = LookUpPtr();
    // "If a DNS error occurs while doing the PTR RR lookup, then this
    // mechanism fails to match."
    if (ptr.outcome == DnsOutcome::kTempError) return NoMatch(term, "PTR look-up failed", depth);
    if (auto limit = CountVoid(ptr.answer, term, depth)) return *limit;
    for (const std::string& name : ptr.validated) {
      if (!target.empty() && IsAtOrBelow(name, target)) return Matched(term);
    }
    return NoMatch(term, "", depth);
  }

  // §5.7: any A record, whatever the client's family.
  Outcome EvaluateExists(const Term& term, const MacroContext& here, int depth) {
    std::string name = Expand(term, here);
    if (!IsQueryableName(name)) return NoMatch(term, "not a valid name", depth);
    DnsAnswer answer = dns_.A(name);
    if (answer.outcome == DnsOutcome::kTempError) return TempError(term, "A look-up", depth);
    if (auto limit = CountVoid(answer, term, depth)) return *limit;
    if (answer.outcome == DnsOutcome::kOk && !answer.addresses.empty()) return Matched(term);
    return NoMatch(term, IsVoid(answer) ? "void" : "", depth);
  }

  // §5.2: pass matches; fail, softfail and neutral do not; errors carry
  // over; none is a permerror.
  Outcome EvaluateInclude(const Term& term, const MacroContext& here, int depth) {
    std::string target = Expand(term, here);
    Trace(depth, absl::StrCat(term.text, ": include ", target));
    Outcome inner = Evaluate(target, depth + 1, /*in_include=*/true);
    switch (inner.result) {
      case Result::kPass:
        return Matched(term);
      case Result::kTempError:
      case Result::kPermError:
        return Done(inner.result, std::move(inner.problem));
      case Result::kNone:
        return Done(Result::kPermError, absl::StrCat(term.text, ": ", inner.problem));
      default:
        return NoMatch(term, absl::StrCat("included result ", ResultName(inner.result)), depth);
    }
  }

  // §6.2: the explanation, or "" (then the default) when anything about it
  // fails: bad name, DNS error, not exactly one TXT record, bad syntax.
  std::string Explain(const Term& exp, const MacroContext& here, int depth) {
    std::string name = Expand(exp, here);
    if (!IsQueryableName(name)) return "";
    DnsAnswer answer = dns_.Txt(name);
    if (answer.outcome != DnsOutcome::kOk || answer.txt.size() != 1) {
      Trace(depth, absl::StrCat(exp.text, ": no single TXT record at ", name));
      return "";
    }
    auto text = ExpandMacros(answer.txt[0], here, {.use = MacroUse::kExplanation});
    if (!text.ok()) {
      Trace(depth, absl::StrCat(exp.text, ": ", text.status().message()));
      return "";
    }
    Trace(depth, absl::StrCat(exp.text, ": \"", *text, "\""));
    return *text;
  }

  // The client's validated names (§5.5): the first 10 PTR names whose
  // address records hold the client's IP. Names whose look-up fails are
  // skipped. Looked up once per check.
  const PtrNames& LookUpPtr() {
    if (ptr_) return *ptr_;
    ptr_.emplace();
    ptr_->answer = dns_.Ptr(ReverseName(context_.ip));
    ptr_->outcome = ptr_->answer.outcome;
    if (ptr_->outcome != DnsOutcome::kOk) return *ptr_;
    size_t count = std::min(ptr_->answer.ptr.size(), size_t(std::max(0, options_.max_ptr_names)));
    for (size_t i = 0; i < count; ++i) {
      std::string name = Normalized(ptr_->answer.ptr[i]);
      if (!IsQueryableName(name)) continue;
      DnsAnswer addresses = Addresses(name);
      if (addresses.outcome != DnsOutcome::kOk) continue;
      for (const IpAddress& address : addresses.addresses) {
        if (address == context_.ip ||
            (address.is_v4() && context_.ip.is_v4() &&
             std::equal(address.v4(), address.v4() + 4, context_.ip.v4()))) {
          ptr_->validated.push_back(name);
          break;
        }
      }
    }
    return *ptr_;
  }

  // %{p} (§7.3): <domain> itself if validated, else a name below it, else
  // any validated name, else "unknown".
  std::string ValidatedName(absl::string_view raw_domain) {
    const PtrNames& ptr = LookUpPtr();
    std::string domain = Normalized(raw_domain);
    for (const std::string& name : ptr.validated) {
      if (name == domain) return name;
    }
    for (const std::string& name : ptr.validated) {
      if (IsAtOrBelow(name, domain)) return name;
    }
    return ptr.validated.empty() ? "unknown" : ptr.validated.front();
  }

  Dns& dns_;
  MacroContext context_;
  const CheckOptions& options_;
  int dns_terms_ = 0;
  int void_lookups_ = 0;
  std::optional<PtrNames> ptr_;
  std::vector<std::string> trace_;
};

}  // namespace

absl::string_view ResultName(Result result) {
  switch (result) {
    case Result::kNone: return "none";
    case Result::kNeutral: return "neutral";
    case Result::kPass: return "pass";
    case Result::kFail: return "fail";
    case Result::kSoftFail: return "softfail";
    case Result::kTempError: return "temperror";
    case Result::kPermError: return "permerror";
  }
  return "none";
}

bool IsQueryableName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63) return false;
  }
  return true;
}

CheckResult CheckHost(Dns& dns, const MacroContext& context, const CheckOptions& options) {
  return Evaluator(dns, context, options).Run();
}

}  // namespace dnsd::spf
