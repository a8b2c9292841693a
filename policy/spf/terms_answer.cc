#include "policy/spf/terms_answer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dnsd::spf {
namespace {

using spf::MacroToken;
using spf::TermKind;

constexpr size_t kMaxIpText = 63;       // 32 nibbles and 31 dots
constexpr size_t kMaxVersionText = 7;   // "in-addr"
// A value is at most 254 octets (a name's text), so it splits into at most
// 255 parts.
constexpr size_t kMaxParts = 256;

// Appends to a fixed buffer; what does not fit is dropped and remembered.
class TextWriter {
 public:
  TextWriter(char* data, size_t capacity) : data_(data), capacity_(capacity) {}

  void Put(absl::string_view text) {
    if (text.size() > capacity_ - size_) {
      overflow_ = true;
      return;
    }
    std::memcpy(data_ + size_, text.data(), text.size());
    size_ += text.size();
  }
  void Put(char c) { Put(absl::string_view(&c, 1)); }
  size_t size() const { return size_; }
  bool overflow() const { return overflow_; }
  absl::string_view Since(size_t start) const { return {data_ + start, size_ - start}; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
  bool overflow_ = false;
};

// What the query name says the macro letters are. A length of -1: the
// query does not carry the value in a form a term can hold.
struct QueryValues {
  char ip[kMaxIpText + 1];
  size_t ip_length = 0;
  absl::string_view version;
  char helo[wire::kMaxNameSize];
  int helo_length = -1;
  char domain[wire::kMaxNameSize];
  int domain_length = -1;
};

// An octet a macro string carries as itself (macro-literal, §7.1, less
// '%', which would need escaping).
bool Carriable(uint8_t c) { return c >= 0x21 && c <= 0x7e && c != '%'; }

// RFC 3986 unreserved: what URL-escaping (an upper-case macro letter,
// §7.3) leaves as it is.
bool Unreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Labels `r` of `name` as dotted text, or -1 when a label holds an octet a
// term cannot carry, or a dot (the text would name other labels).
int LabelsText(const wire::Name& name, LabelRange r, char* out) {
  size_t n = 0;
  for (int i = r.begin; i < r.end; ++i) {
    const uint8_t* label = name.data + name.label_offsets[i];
    if (i != r.begin) out[n++] = '.';
    for (int j = 1; j <= label[0]; ++j) {
      uint8_t c = label[j];
      if (!Carriable(c) || c == '.') return -1;
      out[n++] = static_cast<char>(c);
    }
  }
  return static_cast<int>(n);
}

// %{i} as the receiver wrote it into the query name (§7.3): dotted IPv4, or
// 32 nibbles for an IPv6 client, IPv4-mapped ones included.
size_t IpText(const MacroName& m, char* out) {
  if (m.ip.is_v4() && !m.ip_as_nibbles) {
    inet_ntop(AF_INET, m.ip.v4(), out, INET_ADDRSTRLEN);
    return std::strlen(out);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  size_t n = 0;
  for (uint8_t b : m.ip.bytes) {
    if (n != 0) out[n++] = '.';
    out[n++] = kHex[b >> 4];
    out[n++] = '.';
    out[n++] = kHex[b & 15];
  }
  return n;
}

void ReadQuery(const wire::Name& name, const MacroName& m, QueryValues* v) {
  v->ip_length = IpText(m, v->ip);
  v->version = m.ip.is_v4() && !m.ip_as_nibbles ? "in-addr" : "ip6";
  if (m.helo_known) v->helo_length = LabelsText(name, m.helo, v->helo);
  v->domain_length = LabelsText(name, m.domain, v->domain);
}

// §7.3 transformers: split on the delimiters, reverse, keep the right-most
// parts, join with ".".
void Transform(absl::string_view value, const MacroToken& t, TextWriter& w) {
  if (t.keep_parts == 0 && !t.reverse && t.delimiters.empty()) {
    w.Put(value);
    return;
  }
  absl::string_view delimiters =
      t.delimiters.empty() ? absl::string_view(".") : absl::string_view(t.delimiters);
  uint16_t begin[kMaxParts], end[kMaxParts];
  int count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= value.size() && count < static_cast<int>(kMaxParts); ++i) {
    if (i == value.size() || delimiters.find(value[i]) != absl::string_view::npos) {
      begin[count] = static_cast<uint16_t>(start);
      end[count] = static_cast<uint16_t>(i);
      ++count;
      start = i + 1;
    }
  }
  int first = t.keep_parts > 0 && t.keep_parts < count ? count - t.keep_parts : 0;
  for (int k = first; k < count; ++k) {
    int part = t.reverse ? count - 1 - k : k;
    if (k != first) w.Put('.');
    w.Put(value.substr(begin[part], end[part] - begin[part]));
  }
}

// The macro's value, transformed, into `out` (kMaxValue octets); false
// when it must stay as written.
constexpr size_t kMaxValue = wire::kMaxNameSize;
bool ExpandMacro(const MacroToken& t, const QueryValues& v, char* out, size_t* size) {
  absl::string_view value;
  switch (t.letter) {
    case 'i': value = absl::string_view(v.ip, v.ip_length); break;
    case 'v': value = v.version; break;
    case 'h':
      if (v.helo_length < 0) return false;
      value = absl::string_view(v.helo, v.helo_length);
      break;
    case 'd':
      if (v.domain_length < 0) return false;
      value = absl::string_view(v.domain, v.domain_length);
      break;
    default: return false;  // s, l, o, p: the receiver's
  }
  // A transformed value is never longer than the value.
  TextWriter w(out, kMaxValue);
  Transform(value, t, w);
  *size = w.size();
  // URL-escaping would write "%XX", which a macro string must carry as
  // "%%XX"; values that need it are rare enough to leave to the receiver.
  if (t.url_escape) {
    for (char c : absl::string_view(out, *size)) {
      if (!Unreserved(c)) return false;
    }
  }
  return !w.overflow();
}

// domain-end (§7.1) of `written` followed by `value`: "." toplabel [ "." ].
bool EndsInTopLabel(absl::string_view written, absl::string_view value) {
  auto at = [&](size_t i) { return i < written.size() ? written[i] : value[i - written.size()]; };
  size_t end = written.size() + value.size();
  if (end > 0 && at(end - 1) == '.') --end;
  size_t begin = end;
  while (begin > 0 && at(begin - 1) != '.') --begin;
  if (begin == 0 || begin == end) return false;  // no "." before it, or empty
  // toplabel = ( *alphanum ALPHA *alphanum ) /
  //            ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
  bool alpha = false, dash = false;
  for (size_t i = begin; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(at(i));
    if (c == '-') {
      dash = true;
    } else if (!absl::ascii_isalnum(c)) {
      return false;
    } else if (absl::ascii_isalpha(c)) {
      alpha = true;
    }
  }
  if (!dash) return alpha;
  return absl::ascii_isalnum(static_cast<unsigned char>(at(begin))) &&
         absl::ascii_isalnum(static_cast<unsigned char>(at(end - 1)));
}

// Returns false when the term cannot be written for this query.
bool RenderTerm(const TermTemplate& t, const QueryValues& v, TextWriter& w) {
  w.Put(t.head);
  size_t spec_start = w.size();
  for (const MacroToken& token : t.spec) {
    if (token.kind == MacroToken::Kind::kMacro) {
      char value[kMaxValue];
      size_t size = 0;
      if (ExpandMacro(token, v, value, &size)) {
        // A domain-spec that ends in a macro must still end in a valid
        // label once it is expanded, or the receiver refuses the whole
        // record as a syntax error (§4.6): "exists:%{i}" stays as written.
        bool last = &token == &t.spec.back();
        if (!last || EndsInTopLabel(w.Since(spec_start), absl::string_view(value, size))) {
          w.Put(absl::string_view(value, size));
          continue;
        }
      }
      // Passed through, %{d} would name dnsd's query name.
      if (token.letter == 'd') return false;
    }
    w.Put(token.text);
  }
  w.Put(t.tail);
  return true;
}

// include:%{d}: the customer's own record.
bool NamesOwnDomain(const std::vector<MacroToken>& spec) {
  if (spec.size() != 1) return false;
  const MacroToken& d = spec[0];
  return d.kind == MacroToken::Kind::kMacro && d.letter == 'd' && d.keep_parts == 0 &&
         !d.reverse && d.delimiters.empty();
}

}  // namespace

absl::StatusOr<TermTemplate> CompileTerm(absl::string_view text) {
  auto term = spf::ParseTerm(text);
  if (!term.ok()) return term.status();
  switch (term->kind) {
    case TermKind::kAll:
      return absl::InvalidArgumentError("'all' is added by dnsd from spf.all");
    case TermKind::kRedirect:
      return absl::InvalidArgumentError("a redirect replaces the whole record");
    case TermKind::kExp:
      return absl::InvalidArgumentError(
          "exp= is ignored inside an included record (RFC 7208 §6.2)");
    case TermKind::kUnknownModifier:
      return absl::InvalidArgumentError(
          "a modifier has no effect inside an included record; only mechanisms can be used");
    default: break;
  }
  TermTemplate t;
  t.text = std::string(text);
  t.kind = term->kind;
  if (t.kind == TermKind::kIp4 || t.kind == TermKind::kIp6) {
    t.head = t.text;
    return t;
  }
  if (!term->domain_spec.empty()) {
    size_t colon = text.find(':');
    t.head = std::string(text.substr(0, colon + 1));
    t.spec = term->tokens;
    t.tail = std::string(text.substr(colon + 1 + term->domain_spec.size()));
  } else {
    // a, mx or ptr without a target: the customer's domain, not the name
    // the receiver is evaluating (ours).
    size_t name_end = std::min(text.find('/'), text.size());
    t.head = absl::StrCat(text.substr(0, name_end), ":");
    auto spec = spf::ParseDomainSpec("%{d}");
    if (!spec.ok()) return spec.status();
    t.spec = *std::move(spec);
    t.tail = std::string(text.substr(name_end));
  }
  if (t.kind == TermKind::kInclude && NamesOwnDomain(t.spec)) {
    return absl::InvalidArgumentError(
        "includes the customer's own record, which includes dnsd's answer: a loop");
  }
  return t;
}

size_t WorstCaseTermLength(const TermTemplate& t, size_t max_name) {
  size_t n = t.head.size() + t.tail.size();
  for (const MacroToken& token : t.spec) {
    size_t expanded = 0;
    if (token.kind == MacroToken::Kind::kMacro) {
      switch (token.letter) {
        case 'i': expanded = kMaxIpText; break;
        case 'v': expanded = kMaxVersionText; break;
        case 'h':
        case 'd': expanded = max_name; break;
        default: break;
      }
    }
    n += std::max(expanded, token.text.size());
  }
  return n;
}

size_t TermsAnswerRdata(absl::Span<const TermTemplate> terms, bool fail_all,
                        const wire::Name& name, const MacroName& m, char* out) {
  QueryValues values;
  ReadQuery(name, m, &values);
  char text[kMaxTermsText];
  TextWriter w(text, sizeof(text));
  w.Put("v=spf1");
  for (const TermTemplate& t : terms) {
    w.Put(' ');
    if (!RenderTerm(t, values, w)) return 0;
  }
  w.Put(fail_all ? " -all" : " ~all");
  if (w.overflow()) return 0;
  // Receivers join the character-strings without spaces (RFC 7208 §3.3),
  // so a term may straddle two.
  return PutTxtRdata(absl::string_view(text, w.size()), out);
}

}  // namespace dnsd::spf
