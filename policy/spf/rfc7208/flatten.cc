#include "policy/spf/rfc7208/flatten.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "dnsd/protocol/base/status_macros.h"
#include "policy/spf/rfc7208/macro.h"
#include "policy/spf/rfc7208/match_set.h"
#include "policy/spf/rfc7208/record.h"

namespace dnsd::spf {
namespace {

constexpr int kV4Space = 96;  // IPv4 lives at ::ffff:0:0/96 (dnsd/protocol/net/ip.h)

IpPrefix V4Space() {
  IpAddress a;
  a.bytes[10] = a.bytes[11] = 0xFF;
  return IpPrefix{a, kV4Space};
}

// RFC 1035 §2.3.4 sizes; SPF names may carry any other octet.
bool IsValidName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63) return false;
  }
  return true;
}

std::string Normalized(absl::string_view name) {
  return absl::AsciiStrToLower(absl::StripSuffix(name, "."));
}

bool IsVoid(const DnsAnswer& a) {
  return a.outcome == DnsOutcome::kNoData || a.outcome == DnsOutcome::kNxDomain;
}

// One check_host() evaluation's first-match sets. IPv4-mapped IPv6 is
// matched as IPv4 (policy/spf/README.md), so IPv6 mechanisms never reach that range.
struct PassSets {
  FirstMatchSet v4, v6;
  PassSets() { v6.Add(V4Space(), /*pass=*/false); }
  void Add(const IpPrefix& p, bool pass) { (p.is_v4() ? v4 : v6).Add(p, pass); }
};

class Flattener {
 public:
  Flattener(Dns& dns, const FlattenLimits& limits, FlattenResult& out)
      : dns_(dns), limits_(limits), out_(out) {}

  // The pass set of check_host(domain), appended to `pass`.
  absl::Status Evaluate(const std::string& domain, std::vector<IpPrefix>& pass);

  int void_lookups() const { return std::max(void_v4_, void_v6_); }

 private:
  absl::StatusOr<Record> FetchRecord(const std::string& domain);
  absl::Status Mechanism(const Term& term, const std::string& domain, PassSets& sets);
  absl::Status Recurse(const Term& term, const std::string& domain, bool pass, PassSets& sets);
  absl::Status AddAddresses(const std::string& name, const Term& term, bool pass,
                            PassSets& sets);
  absl::Status AddMx(const std::string& name, const Term& term, bool pass, PassSets& sets);
  absl::StatusOr<std::string> Target(const Term& term, const std::string& domain);
  absl::Status CountLookup(const Term& term, const std::string& domain);
  absl::Status CountVoid(bool v4, bool v6, absl::string_view what);
  absl::Status Answered(const DnsAnswer& a, absl::string_view type, absl::string_view name);

  Dns& dns_;
  const FlattenLimits& limits_;
  FlattenResult& out_;
  int void_v4_ = 0, void_v6_ = 0;
  std::vector<std::string> stack_;  // the domains being evaluated, outermost first
};

absl::Status Flattener::Answered(const DnsAnswer& a, absl::string_view type,
                                 absl::string_view name) {
  if (a.outcome == DnsOutcome::kTempError) {
    return absl::UnavailableError(absl::StrCat(type, " ", name, ": look-up failed"));
  }
  out_.min_ttl = std::min(out_.min_ttl, a.ttl);
  return absl::OkStatus();
}

// §4.4, §4.5: exactly one "v=spf1" TXT record; none at an include or
// redirect target is a permerror (§5.2, §6.1).
absl::StatusOr<Record> Flattener::FetchRecord(const std::string& domain) {
  if (!IsValidName(domain)) {
    return absl::InvalidArgumentError(absl::StrCat("'", domain, "' is not a domain name"));
  }
  DnsAnswer a = dns_.Txt(domain);
  DNSD_RETURN_IF_ERROR(Answered(a, "TXT", domain));
  std::vector<const std::string*> spf;
  for (const std::string& txt : a.txt) {
    if (IsSpfRecord(txt)) spf.push_back(&txt);
  }
  if (spf.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(domain, " has no SPF record"));
  }
  if (spf.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(domain, " has ", spf.size(), " SPF records"));
  }
  absl::StatusOr<Record> record = ParseRecord(*spf.front());
  if (!record.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(domain, ": ", record.status().message()));
  }
  return record;
}

absl::Status Flattener::CountLookup(const Term& term, const std::string& domain) {
  if (++out_.lookups > limits_.max_lookups) {
    return absl::ResourceExhaustedError(
        absl::StrCat("more than ", limits_.max_lookups, " DNS-querying terms (at '", term.text,
                     "' in ", domain, ")"));
  }
  return absl::OkStatus();
}

absl::Status Flattener::CountVoid(bool v4, bool v6, absl::string_view what) {
  void_v4_ += v4;
  void_v6_ += v6;
  for (auto [count, family] : {std::pair{void_v4_, "IPv4"}, std::pair{void_v6_, "IPv6"}}) {
    if (count > limits_.max_void_lookups) {
      return absl::ResourceExhaustedError(
          absl::StrCat("more than ", limits_.max_void_lookups, " void look-ups for ", family,
                       " senders (at ", what, ")"));
    }
  }
  return absl::OkStatus();
}

// The target name of include, a, mx and redirect: <domain> when left out.
// Only %{d} can be expanded here; every other letter names something about
// one message (§7.3).
absl::StatusOr<std::string> Flattener::Target(const Term& term, const std::string& domain) {
  if (term.domain_spec.empty()) return domain;
  for (const MacroToken& t : term.tokens) {
    if (t.kind == MacroToken::Kind::kMacro && t.letter != 'd') {
      return absl::UnimplementedError(
          absl::StrCat("'", term.text, "' in ", domain, ": ", t.text,
                       " depends on the message, so it cannot be flattened"));
    }
  }
  MacroContext context;
  context.domain = domain;
  absl::StatusOr<std::string> name = ExpandTokens(term.tokens, context);
  if (!name.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", term.text, "' in ", domain, ": ", name.status().message()));
  }
  std::string target = Normalized(*name);
  if (!IsValidName(target)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", term.text, "' in ", domain, ": '", target, "' is not a domain name"));
  }
  return target;
}

absl::Status Flattener::AddAddresses(const std::string& name, const Term& term, bool pass,
                                     PassSets& sets) {
  DnsAnswer a4 = dns_.A(name);
  DNSD_RETURN_IF_ERROR(Answered(a4, "A", name));
  DnsAnswer a6 = dns_.Aaaa(name);
  DNSD_RETURN_IF_ERROR(Answered(a6, "AAAA", name));
  DNSD_RETURN_IF_ERROR(CountVoid(IsVoid(a4), IsVoid(a6), absl::StrCat("'", term.text, "'")));
  for (const IpAddress& ip : a4.addresses) {
    if (ip.is_v4()) sets.v4.Add(MaskedPrefix(ip, kV4Space + term.cidr4), pass);
  }
  for (const IpAddress& ip : a6.addresses) sets.v6.Add(MaskedPrefix(ip, term.cidr6), pass);
  return absl::OkStatus();
}

absl::Status Flattener::AddMx(const std::string& name, const Term& term, bool pass,
                              PassSets& sets) {
  DnsAnswer mx = dns_.Mx(name);
  DNSD_RETURN_IF_ERROR(Answered(mx, "MX", name));
  DNSD_RETURN_IF_ERROR(CountVoid(IsVoid(mx), IsVoid(mx), absl::StrCat("'", term.text, "'")));
  if (mx.mx.size() > limits_.max_mx_records) {
    return absl::ResourceExhaustedError(absl::StrCat("'", term.text, "': ", name, " has ",
                                                     mx.mx.size(), " MX records; at most ",
                                                     limits_.max_mx_records, " may be looked up"));
  }
  for (const MxRecord& r : mx.mx) {
    // A null MX (RFC 7505, exchange ".") names no host to look up.
    if (r.exchange.empty()) continue;
    DNSD_RETURN_IF_ERROR(AddAddresses(Normalized(r.exchange), term, pass, sets));
  }
  return absl::OkStatus();
}

// include (a mechanism: the inner pass set matches, with the term's
// qualifier) and redirect (the inner result stands where nothing matched).
absl::Status Flattener::Recurse(const Term& term, const std::string& domain, bool pass,
                                PassSets& sets) {
  DNSD_RETURN_IF_ERROR(CountLookup(term, domain));
  DNSD_ASSIGN_OR_RETURN(std::string target, Target(term, domain));
  if (std::find(stack_.begin(), stack_.end(), target) != stack_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "loop: ", absl::StrJoin(stack_, " -> "), " -> ", target, " ('", term.text, "')"));
  }
  std::vector<IpPrefix> inner;
  DNSD_RETURN_IF_ERROR(Evaluate(target, inner));
  for (const IpPrefix& p : inner) sets.Add(p, pass);
  return absl::OkStatus();
}

absl::Status Flattener::Mechanism(const Term& term, const std::string& domain, PassSets& sets) {
  bool pass = term.qualifier == Qualifier::kPass;
  switch (term.kind) {
    case TermKind::kIp4:
      sets.v4.Add(MaskedPrefix(term.address, kV4Space + term.cidr4), pass);
      return absl::OkStatus();
    case TermKind::kIp6:
      sets.v6.Add(MaskedPrefix(term.address, term.cidr6), pass);
      return absl::OkStatus();
    case TermKind::kA: {
      DNSD_RETURN_IF_ERROR(CountLookup(term, domain));
      DNSD_ASSIGN_OR_RETURN(std::string target, Target(term, domain));
      return AddAddresses(target, term, pass, sets);
    }
    case TermKind::kMx: {
      DNSD_RETURN_IF_ERROR(CountLookup(term, domain));
      DNSD_ASSIGN_OR_RETURN(std::string target, Target(term, domain));
      return AddMx(target, term, pass, sets);
    }
    case TermKind::kInclude:
      return Recurse(term, domain, pass, sets);
    case TermKind::kPtr:
    case TermKind::kExists:
      return absl::UnimplementedError(absl::StrCat(
          "'", term.text, "' in ", domain, " matches per client, so it cannot be flattened"));
    default:
      return absl::OkStatus();  // modifiers: handled by Evaluate, or ignored
  }
}

absl::Status Flattener::Evaluate(const std::string& domain, std::vector<IpPrefix>& pass) {
  DNSD_ASSIGN_OR_RETURN(Record record, FetchRecord(domain));
  stack_.push_back(domain);
  PassSets sets;
  bool ended = false;  // by `all`: later terms and redirect are never reached (§5.1)
  absl::Status status;
  for (const Term& term : record.terms) {
    if (!term.is_mechanism()) continue;
    if (term.kind == TermKind::kAll) {
      if (term.qualifier == Qualifier::kPass) {
        status = absl::UnimplementedError(
            absl::StrCat("'", term.text, "' in ", domain, " would authorise every address"));
        break;
      }
      sets.v4.Add(V4Space(), false);
      sets.v6.Add(MaskedPrefix(IpAddress{}, 0), false);
      ended = true;
      break;
    }
    status = Mechanism(term, domain, sets);
    if (!status.ok()) break;
  }
  if (status.ok() && !ended && record.redirect_term() != nullptr) {
    status = Recurse(*record.redirect_term(), domain, /*pass=*/true, sets);
  }
  stack_.pop_back();
  DNSD_RETURN_IF_ERROR(status);
  std::vector<IpPrefix> v4 = sets.v4.PassPrefixes();
  std::vector<IpPrefix> v6 = sets.v6.PassPrefixes();
  if (v4.size() + v6.size() > limits_.max_prefixes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        domain, " authorises ", v4.size() + v6.size(), " prefixes; dnsd keeps at most ",
        limits_.max_prefixes));
  }
  pass.insert(pass.end(), v4.begin(), v4.end());
  pass.insert(pass.end(), v6.begin(), v6.end());
  return absl::OkStatus();
}

}  // namespace

FlattenResult Flatten(Dns& dns, absl::string_view include, const FlattenLimits& limits) {
  FlattenResult out;
  Flattener flattener(dns, limits, out);
  out.lookups = 1;  // the include term that names the service
  std::vector<IpPrefix> pass;
  out.status = flattener.Evaluate(Normalized(include), pass);
  out.void_lookups = flattener.void_lookups();
  if (out.status.ok() && pass.empty()) {
    out.status = absl::NotFoundError(absl::StrCat("no address passes ", include));
  }
  if (out.status.ok()) out.prefixes = std::move(pass);
  return out;
}

}  // namespace dnsd::spf
