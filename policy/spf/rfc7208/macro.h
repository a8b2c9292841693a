// RFC 7208 §7 macro strings: syntax, and expansion against what a receiver
// knows about one SMTP transaction.
//
// A macro string is parsed into tokens once (the record parser uses that to
// reject bad syntax before evaluation, §4.6), then expanded for each check.
// Expansion is either final (a target name or an explanation text) or
// partial: dnsd's terms answer expands the letters the server
// knows from the query name and leaves the rest, as written, for the
// receiver. Plain functions over plain values: thread-safe.
#ifndef DNSD_POLICY_SPF_RFC7208_MACRO_H_
#define DNSD_POLICY_SPF_RFC7208_MACRO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::spf {

// Where a macro string sits decides which letters it may use and what its
// expansion becomes (§7.1, §7.3, §6.2).
enum class MacroUse {
  kDomainSpec,   // a mechanism or modifier target: c, r, t are errors
  kExplanation,  // the TXT text an exp= names: every letter, and spaces
  kModifier,     // an unknown modifier's value: checked, never expanded
};

struct MacroToken {
  enum class Kind : uint8_t { kLiteral, kMacro, kEscape };
  Kind kind = Kind::kLiteral;
  std::string text;  // as written: "abc", "%{ir}", "%%"
  // kMacro only.
  char letter = 0;          // lower case: s l o d i p h c r t v
  bool url_escape = false;  // the letter was upper case (§7.3)
  int keep_parts = 0;       // digit transformer; 0 = all parts
  bool reverse = false;     // "r" transformer
  std::string delimiters;   // empty = "."
  // kEscape only: '%' for "%%", ' ' for "%_", '-' for "%-".
  char escape = 0;
};

// Tokenizes `text` (§7.1 ABNF), or says what is wrong with it. Letters and
// characters not allowed for `use` are errors.
absl::StatusOr<std::vector<MacroToken>> ParseMacroString(absl::string_view text, MacroUse use);

// What the macro letters stand for in one check_host() evaluation (§7.3).
struct MacroContext {
  std::string sender;         // s: <sender>, "local-part@domain"
  std::string local_part;     // l
  std::string sender_domain;  // o
  std::string domain;         // d: the <domain> being evaluated
  IpAddress ip;               // i, c, v (IPv4-mapped counts as IPv4, §5)
  std::string helo;           // h
  std::string receiver = "unknown";  // r
  int64_t timestamp = 0;      // t, seconds since the epoch
  // p: the validated domain name of `ip` (§7.3), found with DNS look-ups
  // and so computed only when a string uses it. Unset means "unknown".
  std::function<std::string(absl::string_view domain)> validated_name;
};

// Builds a context the way §4.3 and §2.4 say: an empty MAIL FROM checks
// postmaster@<helo>; a sender without a local-part gets "postmaster".
MacroContext MakeMacroContext(const IpAddress& ip, absl::string_view mail_from,
                              absl::string_view helo);

struct ExpandOptions {
  MacroUse use = MacroUse::kDomainSpec;
  // Partial expansion: the result is again a macro string, for a receiver
  // to expand. Letters in `keep` (lower case) are copied as written; the
  // others are expanded and their values escaped ("%" as "%%", " " as
  // "%_"); a value with a character a macro string cannot carry is an
  // error. No trailing-dot removal and no 253-octet cut: the receiver does
  // those on the final name. dnsd keeps "slop": the sender is known only to
  // the receiver, and %{p} needs PTR look-ups the query path never makes.
  bool partial = false;
  absl::string_view keep = "slop";
};

// Expands `text` for `context`. For kDomainSpec (and not partial), one
// trailing dot is dropped and a name longer than 253 octets loses labels on
// the left until it fits (§7.3). kModifier strings cannot be expanded.
absl::StatusOr<std::string> ExpandMacros(absl::string_view text, const MacroContext& context,
                                         const ExpandOptions& options = {});
absl::StatusOr<std::string> ExpandTokens(const std::vector<MacroToken>& tokens,
                                         const MacroContext& context,
                                         const ExpandOptions& options = {});

// The dotted form %{i} takes (§7.3): "192.0.2.1", or 32 lower-case nibbles
// for IPv6 ("1.0.b.c...8.b.d.0.1.0.0.2").
std::string DottedIp(const IpAddress& ip);

// §7.3 left truncation of a name longer than 253 octets. A name whose last
// label alone is longer stays as it is (and is then no usable name).
std::string TruncateName(absl::string_view name);

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_MACRO_H_
