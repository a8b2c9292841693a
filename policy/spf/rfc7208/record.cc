#include "policy/spf/rfc7208/record.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dnsd::spf {
namespace {

struct MechanismName {
  absl::string_view name;
  TermKind kind;
};

constexpr MechanismName kMechanisms[] = {
    {"all", TermKind::kAll},     {"include", TermKind::kInclude}, {"a", TermKind::kA},
    {"mx", TermKind::kMx},       {"ptr", TermKind::kPtr},         {"ip4", TermKind::kIp4},
    {"ip6", TermKind::kIp6},     {"exists", TermKind::kExists},
};

absl::Status TermError(absl::string_view term, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("'", term, "': ", why));
}

bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// toplabel = ( *alphanum ALPHA *alphanum ) /
//            ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool IsTopLabel(absl::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false, has_dash = false;
  for (char c : label) {
    if (c == '-') {
      has_dash = true;
    } else if (!IsAlnum(c)) {
      return false;
    } else if (absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      has_alpha = true;
    }
  }
  if (!has_dash) return has_alpha;
  return IsAlnum(label.front()) && IsAlnum(label.back());
}

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
bool IsModifierName(absl::string_view name) {
  if (name.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// A CIDR length: "0" or digits without a leading zero, at most `max`.
bool ParseCidr(absl::string_view digits, int max, int& out) {
  if (digits.empty() || digits.size() > 3) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;
  int value = 0;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  if (value > max) return false;
  out = value;
  return true;
}

// If `text` ends in "/" 1*DIGIT, returns the digits and removes them and
// the slash from `text`.
std::optional<absl::string_view> TakeCidrSuffix(absl::string_view& text) {
  size_t end = text.size();
  size_t i = end;
  while (i > 0 && absl::ascii_isdigit(static_cast<unsigned char>(text[i - 1]))) --i;
  if (i == end || i == 0 || text[i - 1] != '/') return std::nullopt;
  absl::string_view digits = text.substr(i);
  text = text.substr(0, i - 1);
  return digits;
}

// a and mx: [ ":" domain-spec ] [ dual-cidr-length ] (§5.3, §5.4).
absl::Status ParseHostMechanism(absl::string_view term, absl::string_view rest, Term& out) {
  // dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], taken
  // from the end: a domain-spec may itself hold "/" (§7.1).
  absl::string_view body = rest;
  if (auto v6 = TakeCidrSuffix(body)) {
    if (!body.empty() && body.back() == '/') {
      body.remove_suffix(1);
      if (!ParseCidr(*v6, 128, out.cidr6)) return TermError(term, "bad IPv6 CIDR length");
      if (auto v4 = TakeCidrSuffix(body)) {
        if (!ParseCidr(*v4, 32, out.cidr4)) return TermError(term, "bad IPv4 CIDR length");
      }
    } else if (!ParseCidr(*v6, 32, out.cidr4)) {
      return TermError(term, "bad IPv4 CIDR length");
    }
  }
  if (body.empty()) return absl::OkStatus();
  if (body[0] != ':') return TermError(term, "expected ':' or '/' after the mechanism name");
  out.domain_spec = std::string(body.substr(1));
  auto tokens = ParseDomainSpec(out.domain_spec);
  if (!tokens.ok()) return TermError(term, tokens.status().message());
  out.tokens = std::move(*tokens);
  return absl::OkStatus();
}

// include, exists: ":" domain-spec; ptr: [ ":" domain-spec ].
absl::Status ParseTargetMechanism(absl::string_view term, absl::string_view rest, bool optional,
                                  Term& out) {
  if (rest.empty() && optional) return absl::OkStatus();
  if (rest.empty() || rest[0] != ':') return TermError(term, "expected ':' and a domain");
  out.domain_spec = std::string(rest.substr(1));
  auto tokens = ParseDomainSpec(out.domain_spec);
  if (!tokens.ok()) return TermError(term, tokens.status().message());
  out.tokens = std::move(*tokens);
  return absl::OkStatus();
}

// ip4: ":" ip4-network [ ip4-cidr-length ]; ip6 likewise (§5.6).
absl::Status ParseIpMechanism(absl::string_view term, absl::string_view rest, bool v6,
                              Term& out) {
  if (rest.empty() || rest[0] != ':') return TermError(term, "expected ':' and an address");
  absl::string_view network = rest.substr(1);
  absl::string_view length;
  bool has_length = false;
  if (size_t slash = network.find('/'); slash != absl::string_view::npos) {
    length = network.substr(slash + 1);
    network = network.substr(0, slash);
    has_length = true;
  }
  // The family is decided by how the address is written: "ip6:::ffff:1.2.3.4"
  // is IPv6 text, "ip4:" never holds a ':'.
  bool written_v6 = absl::StrContains(network, ':');
  bool charset_ok = network.find_first_not_of("0123456789abcdefABCDEF.:") == absl::string_view::npos;
  auto address = ParseIpAddress(network);
  if (!charset_ok || !address.ok() || written_v6 != v6) {
    return TermError(term, absl::StrCat("'", network, "' is not an ", v6 ? "IPv6" : "IPv4",
                                        " address"));
  }
  out.address = *address;
  if (has_length) {
    int& cidr = v6 ? out.cidr6 : out.cidr4;
    if (!ParseCidr(length, v6 ? 128 : 32, cidr)) {
      return TermError(term, absl::StrCat("bad CIDR length '/", length, "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Term> ParseModifier(absl::string_view text, size_t equals) {
  Term term;
  term.text = std::string(text);
  term.name = std::string(text.substr(0, equals));
  term.domain_spec = std::string(text.substr(equals + 1));
  if (!IsModifierName(term.name)) {
    return TermError(text, "a modifier name starts with a letter and holds only letters, "
                           "digits, '-', '_' and '.'");
  }
  if (absl::EqualsIgnoreCase(term.name, "redirect") || absl::EqualsIgnoreCase(term.name, "exp")) {
    term.kind = absl::EqualsIgnoreCase(term.name, "redirect") ? TermKind::kRedirect
                                                               : TermKind::kExp;
    // An empty exp= is a permerror too (RFC 7208 erratum 4186 as the test
    // suite reads it; the grammar needs a domain-spec).
    if (term.domain_spec.empty()) return TermError(text, "needs a domain");
    auto tokens = ParseDomainSpec(term.domain_spec);
    if (!tokens.ok()) return TermError(text, tokens.status().message());
    term.tokens = std::move(*tokens);
    return term;
  }
  term.kind = TermKind::kUnknownModifier;
  auto tokens = ParseMacroString(term.domain_spec, MacroUse::kModifier);
  if (!tokens.ok()) return TermError(text, tokens.status().message());
  term.tokens = std::move(*tokens);
  return term;
}

}  // namespace

bool Term::queries_dns() const {
  switch (kind) {
    case TermKind::kInclude:
    case TermKind::kA:
    case TermKind::kMx:
    case TermKind::kPtr:
    case TermKind::kExists:
    case TermKind::kRedirect:
      return true;
    default:
      return false;
  }
}

char QualifierChar(Qualifier q) {
  switch (q) {
    case Qualifier::kPass: return '+';
    case Qualifier::kFail: return '-';
    case Qualifier::kSoftFail: return '~';
    case Qualifier::kNeutral: return '?';
  }
  return '+';
}

bool IsSpfRecord(absl::string_view txt) {
  constexpr absl::string_view kVersion = "v=spf1";
  if (txt.size() < kVersion.size()) return false;
  if (!absl::EqualsIgnoreCase(txt.substr(0, kVersion.size()), kVersion)) return false;
  return txt.size() == kVersion.size() || txt[kVersion.size()] == ' ';
}

absl::StatusOr<std::vector<MacroToken>> ParseDomainSpec(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty domain");
  auto tokens = ParseMacroString(text, MacroUse::kDomainSpec);
  if (!tokens.ok()) return tokens.status();
  // domain-end = ( "." toplabel [ "." ] ) / macro-expand
  if (tokens->back().kind != MacroToken::Kind::kLiteral) return tokens;
  absl::string_view tail = tokens->back().text;
  if (!tail.empty() && tail.back() == '.') tail.remove_suffix(1);
  size_t dot = tail.rfind('.');
  if (dot == absl::string_view::npos || !IsTopLabel(tail.substr(dot + 1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' does not end in a macro or a '.' and a valid top-level label"));
  }
  return tokens;
}

absl::StatusOr<Term> ParseTerm(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty term");
  // A modifier is name "=" ...: the '=' comes before any ':' or '/'.
  size_t first = text.find_first_of("=:/");
  if (first != absl::string_view::npos && text[first] == '=') return ParseModifier(text, first);

  Term term;
  term.text = std::string(text);
  absl::string_view rest = text;
  switch (rest[0]) {
    case '+': term.qualifier = Qualifier::kPass; rest.remove_prefix(1); break;
    case '-': term.qualifier = Qualifier::kFail; rest.remove_prefix(1); break;
    case '~': term.qualifier = Qualifier::kSoftFail; rest.remove_prefix(1); break;
    case '?': term.qualifier = Qualifier::kNeutral; rest.remove_prefix(1); break;
    default: break;
  }
  size_t name_end = std::min(rest.find_first_of(":/"), rest.size());
  absl::string_view name = rest.substr(0, name_end);
  rest.remove_prefix(name_end);
  const MechanismName* found = nullptr;
  for (const MechanismName& m : kMechanisms) {
    if (absl::EqualsIgnoreCase(name, m.name)) found = &m;
  }
  if (found == nullptr) return TermError(text, "unknown mechanism");
  term.kind = found->kind;
  absl::Status status;
  switch (term.kind) {
    case TermKind::kAll:
      if (!rest.empty()) status = TermError(text, "'all' takes no argument");
      break;
    case TermKind::kInclude:
    case TermKind::kExists:
      status = ParseTargetMechanism(text, rest, /*optional=*/false, term);
      break;
    case TermKind::kPtr:
      status = ParseTargetMechanism(text, rest, /*optional=*/true, term);
      break;
    case TermKind::kA:
    case TermKind::kMx:
      status = ParseHostMechanism(text, rest, term);
      break;
    case TermKind::kIp4:
      status = ParseIpMechanism(text, rest, /*v6=*/false, term);
      break;
    case TermKind::kIp6:
      status = ParseIpMechanism(text, rest, /*v6=*/true, term);
      break;
    default:
      break;
  }
  if (!status.ok()) return status;
  return term;
}

absl::StatusOr<Record> ParseRecord(absl::string_view txt) {
  if (!IsSpfRecord(txt)) return absl::InvalidArgumentError("not an SPF record (no 'v=spf1')");
  Record record;
  // terms = *( 1*SP ( directive / modifier ) ); only SP separates terms, so
  // a tab or CR stays inside a term and makes it invalid (§4.6.1).
  for (absl::string_view text : absl::StrSplit(txt.substr(6), ' ', absl::SkipEmpty())) {
    auto term = ParseTerm(text);
    if (!term.ok()) return term.status();
    size_t index = record.terms.size();
    if (term->kind == TermKind::kRedirect || term->kind == TermKind::kExp) {
      std::optional<size_t>& slot =
          term->kind == TermKind::kRedirect ? record.redirect : record.exp;
      // §6: "These two modifiers MUST NOT appear in a record more than once each."
      if (slot) return TermError(text, "appears twice in the record");
      slot = index;
    }
    record.terms.push_back(std::move(*term));
  }
  return record;
}

}  // namespace dnsd::spf
