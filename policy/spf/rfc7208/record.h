// An SPF record (RFC 7208 §4.5, §4.6, §5, §6, §12) as plain data.
//
// The whole record is checked before anything is evaluated (§4.6: "syntax
// errors anywhere in the record MUST be detected"), so a record that parses
// can be evaluated without further syntax checks; a parse error is the
// permerror text. Used by check_host() (policy/spf/rfc7208/check_host.h), the
// catalog refresher and dnsd's own the terms rule. Plain values: thread-safe.
#ifndef DNSD_POLICY_SPF_RFC7208_RECORD_H_
#define DNSD_POLICY_SPF_RFC7208_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/rfc7208/macro.h"

namespace dnsd::spf {

// The result a matching mechanism gives (§4.6.2).
enum class Qualifier : uint8_t { kPass, kFail, kSoftFail, kNeutral };

enum class TermKind : uint8_t {
  // Mechanisms (§5).
  kAll,
  kInclude,
  kA,
  kMx,
  kPtr,
  kIp4,
  kIp6,
  kExists,
  // Modifiers (§6).
  kRedirect,
  kExp,
  kUnknownModifier,
};

struct Term {
  TermKind kind = TermKind::kAll;
  std::string text;  // the term as written, qualifier included
  Qualifier qualifier = Qualifier::kPass;  // mechanisms only
  // include, a, mx, ptr, exists, redirect, exp: the domain-spec as written,
  // empty where it was left out (a, mx, ptr then use <domain>).
  // An unknown modifier: its value (a macro string).
  std::string domain_spec;
  std::vector<MacroToken> tokens;  // domain_spec tokenized (empty if none)
  std::string name;                // modifiers: the name as written
  // ip4 / ip6: the network. `address` keeps host bits as written (SPF
  // allows them); an ip4 network is held IPv4-mapped.
  IpAddress address;
  // a, mx: dual-cidr-length (§5.6); ip4/ip6: the one prefix length, in the
  // term's own family (ip4 in cidr4, ip6 in cidr6).
  int cidr4 = 32;
  int cidr6 = 128;

  bool is_mechanism() const { return kind <= TermKind::kExists; }
  // include, a, mx, ptr, exists and redirect count toward the limit of 10
  // (§4.6.4).
  bool queries_dns() const;
};

struct Record {
  std::vector<Term> terms;  // in record order, modifiers included
  // Indexes into `terms`; each modifier appears at most once (§6).
  std::optional<size_t> redirect;
  std::optional<size_t> exp;

  const Term* redirect_term() const { return redirect ? &terms[*redirect] : nullptr; }
  const Term* exp_term() const { return exp ? &terms[*exp] : nullptr; }
};

// True if `txt` is an SPF version 1 record: "v=spf1" (any case) followed by
// a space or the end (§4.5). Record selection uses this; ParseRecord
// assumes it.
bool IsSpfRecord(absl::string_view txt);

// Parses a whole record, "v=spf1 ..." included. Errors are
// InvalidArgument, with a message naming the bad term.
absl::StatusOr<Record> ParseRecord(absl::string_view txt);

// Parses one term ("-ip4:192.0.2.0/24", "include:_spf.%{d}", "exp=x.%{d}").
absl::StatusOr<Term> ParseTerm(absl::string_view text);

// The qualifier's character: '+', '-', '~', '?'.
char QualifierChar(Qualifier q);

// Checks a domain-spec: a macro string that ends in a macro or in
// "." toplabel [ "." ] (§7.1, §12).
absl::StatusOr<std::vector<MacroToken>> ParseDomainSpec(absl::string_view text);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_RECORD_H_
