#include "policy/spf/rfc7208/macro.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dnsd::spf {
namespace {

constexpr absl::string_view kLetters = "slodiphcrtv";
constexpr absl::string_view kExplanationOnly = "crt";
constexpr absl::string_view kDelimiters = ".-+,/_=";

// macro-literal = %x21-24 / %x26-7E; explain-string adds SP.
bool IsLiteral(char c, MacroUse use) {
  if (c == ' ') return use == MacroUse::kExplanation;
  return c >= 0x21 && c <= 0x7e && c != '%';
}

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("bad macro in '", text, "': ", why));
}

// Parses "%{...}" at the start of `rest` (which begins with "%{").
absl::StatusOr<MacroToken> ParseExpand(absl::string_view text, absl::string_view rest,
                                       MacroUse use) {
  size_t close = rest.find('}');
  if (close == absl::string_view::npos) return Bad(text, "'%{' without '}'");
  MacroToken token;
  token.kind = MacroToken::Kind::kMacro;
  token.text = std::string(rest.substr(0, close + 1));
  absl::string_view body = rest.substr(2, close - 2);
  if (body.empty()) return Bad(text, "'%{}' has no letter");
  char letter = body[0];
  char lower = absl::ascii_tolower(letter);
  if (kLetters.find(lower) == absl::string_view::npos) {
    return Bad(text, absl::StrCat("unknown macro letter '", absl::string_view(&letter, 1), "'"));
  }
  if (use == MacroUse::kDomainSpec && kExplanationOnly.find(lower) != absl::string_view::npos) {
    return Bad(text, absl::StrCat("'", token.text, "': c, r and t are for exp= text only"));
  }
  token.letter = lower;
  token.url_escape = letter != lower;
  size_t i = 1;
  // *DIGIT: the number of right-hand parts; "MUST be nonzero" (§7.3).
  size_t digits_start = i;
  while (i < body.size() && absl::ascii_isdigit(body[i])) ++i;
  if (i > digits_start) {
    absl::string_view digits = body.substr(digits_start, i - digits_start);
    int value = 0;
    for (char d : digits) value = std::min(value * 10 + (d - '0'), 1000);  // a name has < 128 labels
    if (value == 0) return Bad(text, absl::StrCat("'", token.text, "': the digit transformer is 0"));
    token.keep_parts = value;
  }
  if (i < body.size() && absl::ascii_tolower(body[i]) == 'r') {
    token.reverse = true;
    ++i;
  }
  for (; i < body.size(); ++i) {
    if (kDelimiters.find(body[i]) == absl::string_view::npos) {
      return Bad(text, absl::StrCat("'", token.text, "': '", body.substr(i, 1),
                                    "' is not a transformer or delimiter"));
    }
    token.delimiters.push_back(body[i]);
  }
  return token;
}

// RFC 3986 unreserved characters stay; everything else is %XX (§7.3).
std::string UrlEscape(absl::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Split on the delimiters, reverse, keep the right-most parts, join with
// "." (§7.3).
std::string Transform(absl::string_view value, const MacroToken& token) {
  if (token.keep_parts == 0 && !token.reverse && token.delimiters.empty()) {
    return std::string(value);
  }
  absl::string_view delimiters =
      token.delimiters.empty() ? absl::string_view(".") : absl::string_view(token.delimiters);
  std::vector<absl::string_view> parts = absl::StrSplit(value, absl::ByAnyChar(delimiters));
  if (token.reverse) std::reverse(parts.begin(), parts.end());
  if (token.keep_parts > 0 && size_t(token.keep_parts) < parts.size()) {
    parts.erase(parts.begin(), parts.end() - token.keep_parts);
  }
  return absl::StrJoin(parts, ".");
}

std::string LetterValue(char letter, const MacroContext& context) {
  switch (letter) {
    case 's': return context.sender;
    case 'l': return context.local_part;
    case 'o': return context.sender_domain;
    case 'd': return context.domain;
    case 'i': return DottedIp(context.ip);
    case 'p':
      return context.validated_name ? context.validated_name(context.domain) : "unknown";
    case 'h': return context.helo;
    case 'c': return FormatIpAddress(context.ip);
    case 'r': return context.receiver;
    case 't': return absl::StrCat(context.timestamp);
    case 'v': return context.ip.is_v4() ? "in-addr" : "ip6";
  }
  return "";
}

// A value placed into a macro string for a receiver to expand again.
absl::Status AppendEscaped(absl::string_view value, const MacroToken& token, std::string& out) {
  for (char c : value) {
    if (c == '%') {
      out += "%%";
    } else if (c == ' ') {
      out += "%_";
    } else if (IsLiteral(c, MacroUse::kDomainSpec)) {
      out.push_back(c);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", token.text, "' expands to a character a macro string cannot carry"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<MacroToken>> ParseMacroString(absl::string_view text, MacroUse use) {
  std::vector<MacroToken> tokens;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '%') {
      if (!IsLiteral(c, use)) {
        return Bad(text, absl::StrCat("character 0x", absl::Hex(uint8_t(c), absl::kZeroPad2),
                                      " at offset ", i, " is not allowed"));
      }
      if (tokens.empty() || tokens.back().kind != MacroToken::Kind::kLiteral) {
        tokens.push_back({});
      }
      tokens.back().text.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) return Bad(text, "'%' at the end");
    char next = text[i + 1];
    if (next == '{') {
      auto token = ParseExpand(text, text.substr(i), use);
      if (!token.ok()) return token.status();
      i += token->text.size();
      tokens.push_back(std::move(*token));
    } else if (next == '%' || next == '_' || next == '-') {
      MacroToken token;
      token.kind = MacroToken::Kind::kEscape;
      token.text = std::string(text.substr(i, 2));
      token.escape = next == '_' ? ' ' : next;
      tokens.push_back(std::move(token));
      i += 2;
    } else {
      // §7.1: "A '%' character not at the beginning of a macro expansion
      // is a syntax error."
      return Bad(text, absl::StrCat("'%' followed by '", text.substr(i + 1, 1), "'"));
    }
  }
  return tokens;
}

MacroContext MakeMacroContext(const IpAddress& ip, absl::string_view mail_from,
                              absl::string_view helo) {
  MacroContext context;
  context.ip = ip;
  context.helo = std::string(helo);
  size_t at = mail_from.rfind('@');
  if (mail_from.empty()) {
    context.local_part = "postmaster";
    context.sender_domain = std::string(helo);
  } else if (at == absl::string_view::npos) {
    context.local_part = "postmaster";
    context.sender_domain = std::string(mail_from);
  } else {
    context.local_part = std::string(mail_from.substr(0, at));
    if (context.local_part.empty()) context.local_part = "postmaster";
    context.sender_domain = std::string(mail_from.substr(at + 1));
  }
  context.sender = absl::StrCat(context.local_part, "@", context.sender_domain);
  context.domain = context.sender_domain;
  return context;
}

absl::StatusOr<std::string> ExpandTokens(const std::vector<MacroToken>& tokens,
                                         const MacroContext& context,
                                         const ExpandOptions& options) {
  if (options.use == MacroUse::kModifier) {
    return absl::InvalidArgumentError("an unknown modifier's value is never expanded");
  }
  std::string out;
  for (const MacroToken& token : tokens) {
    switch (token.kind) {
      case MacroToken::Kind::kLiteral:
        out += token.text;
        break;
      case MacroToken::Kind::kEscape:
        if (options.partial) {
          out += token.text;
        } else if (token.escape == '-') {
          out += "%20";
        } else {
          out.push_back(token.escape);
        }
        break;
      case MacroToken::Kind::kMacro: {
        if (options.partial && options.keep.find(token.letter) != absl::string_view::npos) {
          out += token.text;
          break;
        }
        std::string value = Transform(LetterValue(token.letter, context), token);
        if (token.url_escape) value = UrlEscape(value);
        if (options.partial) {
          if (absl::Status s = AppendEscaped(value, token, out); !s.ok()) return s;
        } else {
          out += value;
        }
        break;
      }
    }
  }
  if (options.use == MacroUse::kDomainSpec && !options.partial) {
    if (!out.empty() && out.back() == '.') out.pop_back();
    if (out.size() > 253) out = TruncateName(out);
  }
  return out;
}

absl::StatusOr<std::string> ExpandMacros(absl::string_view text, const MacroContext& context,
                                         const ExpandOptions& options) {
  auto tokens = ParseMacroString(text, options.use);
  if (!tokens.ok()) return tokens.status();
  return ExpandTokens(*tokens, context, options);
}

std::string DottedIp(const IpAddress& ip) {
  if (ip.is_v4()) return FormatIpAddress(ip);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(63);
  for (uint8_t b : ip.bytes) {
    if (!out.empty()) out.push_back('.');
    out.push_back(kHex[b >> 4]);
    out.push_back('.');
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string TruncateName(absl::string_view name) {
  while (name.size() > 253) {
    size_t dot = name.find('.');
    if (dot == absl::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return std::string(name);
}

}  // namespace dnsd::spf
