#include "config/random_yaml.h"

#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dnsd::config::testing {

namespace {

// A DKIM key's length of base64, as most bytes of a domain file are.
const char kLongKey[] =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArzk2bFQ5oq4HHL0Tsusz/qSlrG+eiPleLICde959vq0b"
    "MSMOwEbFA7VnNsLFPiNihGRUmqymdgYwlDAtawuLQEWGF6FxqGqV9r7xo6CTVsQSs/LP7zPfoYYiRGowtbKzfv9"
    "gLpgKl90Ei50Oip0mtdlCfNEk1FFa6Dz0UAW8Hr5nKA4Zy+xm4sWZoGA+euZQs1KMYr2Bv4orcGtetpaoqXgcrKn"
    "it3Wo68fzWYtU+8b4/L9u3tuos7etouf8rz/gQkTnIPwZX8oe8aHyB0up0lSRP5u1AQswWOjKDCRUMsqBXmKbpc3"
    "v/7OTQCDWKU3bZqS/gOy1NUDfXv1GscKW9QIDAQAB";

}  // namespace

std::string RandomYaml::Document() {
  std::string out;
  if (Chance(10)) out += "# a comment\n";
  if (Chance(5)) out += Comment() + "\n";
  BlockMap(0, 0, out);
  if (Chance(5)) out += Comment();  // perhaps without a last line break
  return out;
}

std::string RandomYaml::Mutate(std::string text) {
  static const char kChars[] = ":- \n[]{},\"'#&*!|>?x1%@`\\";
  int changes = 1 + Pick(3);
  for (int i = 0; i < changes && !text.empty(); ++i) {
    size_t at = Pick(static_cast<int>(text.size()));
    char c = kChars[Pick(sizeof(kChars) - 1)];
    switch (Pick(3)) {
      case 0: text.insert(text.begin() + at, c); break;
      case 1: text.erase(at, 1); break;
      default: text[at] = c; break;
    }
  }
  return text;
}

std::string RandomYaml::MutateBytes(std::string text) {
  static const char* kBytes[] = {"\t", "\r", "(a NUL)", "\x7f", "\x80",
                                 "\xc3\xa9", "\xc2\x85", "\xe2\x80\xa8", "\xef\xbb\xbf",
                                 "\xed\xa0\x80", "\xc0\xaf", "\xf0\x9f\x98\x80", "\xff", "\x1b",
                                 "~", "$", "(", ";", "=", "^", "+", ".", "/", "_"};
  int changes = 1 + Pick(2);
  for (int i = 0; i < changes && !text.empty(); ++i) {
    size_t at = Pick(static_cast<int>(text.size()));
    int which = Pick(std::size(kBytes));
    // kBytes[2] stands for a NUL, which a C string cannot hold.
    std::string bytes = which == 2 ? std::string(1, '\0') : std::string(kBytes[which]);
    if (Chance(50)) {
      text.insert(at, bytes);
    } else {
      text.replace(at, 1, bytes);
    }
  }
  return text;
}

std::string RandomYaml::MutateLines(std::string text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  int changes = 1 + Pick(2);
  for (int i = 0; i < changes && !lines.empty(); ++i) {
    size_t at = Pick(static_cast<int>(lines.size()));
    switch (Pick(5)) {
      case 0: lines[at].insert(0, Chance(50) ? " " : "  "); break;
      case 1:
        if (!lines[at].empty() && lines[at][0] == ' ') lines[at].erase(0, 1);
        break;
      case 2: lines.insert(lines.begin() + at, lines[at]); break;
      case 3: lines.erase(lines.begin() + at); break;
      default:
        if (at + 1 < lines.size()) {
          lines[at] += lines[at + 1];
          lines.erase(lines.begin() + at + 1);
        }
        break;
    }
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\n";
    out += lines[i];
  }
  return out;
}

std::string RandomYaml::Scalar() {
  static const char* kPlain[] = {
      "word", "monitor", "10.0.0.0/27", "fd00::/48", "100", "-1", "0", "007", "1.5",
      "true", "false", "True", "yes", "no", "null", "Null", "NULL", "~", "a b",
      "mailto:dmarc@example.com", "https://a.test/x?y=1", "a:b", "x#y", "%{i}._ip",
      "v=spf1 -all", "k1", "_dmarc.example.com", "a-b_c.d", "sha256", "x=", "x:y:z", "a  b",
      "it's", "say \"hi\"", "50%", "user@host.test", "f(x)", "a;b", "a^b", "$x", "a=b", "~x",
      "+1", ".5", "/p", "-x", "https://x.test:8443/p", kLongKey};
  // Rarer: characters the scanner leaves to libyaml, or that libyaml's
  // path declines.
  static const char* kOddPlain[] = {"a,b", "x[1]", "x{y}", "a&b", "a*b", "a!b", "a|b",
                                    "a>b", "a<b", "a`b", "a\\b", "a?b", "a:", "<<"};
  static const char* kQuoted[] = {"", "100", "true", "null", "a b", "a: b", "x # y",
                                  "MIIBIjAN+/==", "it''s", "[x]", "{y}", "-", "~",
                                  "%{i}._ip.%{h}", "#x", " lead", "trail ", "''", kLongKey};
  static const char* kOddQuoted[] = {"a?b", "x\\y", "caf\xc3\xa9"};
  std::string q = Pick(200) == 0 ? kOddQuoted[Pick(std::size(kOddQuoted))]
                            : kQuoted[Pick(std::size(kQuoted))];
  switch (Pick(4)) {
    case 0: return absl::StrCat("'", q, "'");
    case 1:
      if (q == "it''s") q = "it's";
      if (q == "''") q = "'";
      return absl::StrCat("\"", q, "\"");
    default:
      return Pick(100) == 0 ? kOddPlain[Pick(std::size(kOddPlain))] : kPlain[Pick(std::size(kPlain))];
  }
}

std::string RandomYaml::Key() {
  static const char* kKeys[] = {"domain", "mode", "spf", "dmarc", "dkim", "p", "rua",
                                "senders", "netblocks", "all", "k1", "a", "b", "x y",
                                "'q'", "\"d\"", "1", "true", "-k", "a  ", "'it''s'",
                                "\"x: y\"", "https://k", "a#b", "''"};
  // Rarer: keys libyaml's path declines.
  static const char* kOddKeys[] = {"~", "null", "<<"};
  return Pick(200) == 0 ? kOddKeys[Pick(std::size(kOddKeys))] : kKeys[Pick(std::size(kKeys))];
}

std::string RandomYaml::Flow(int depth) {
  if (depth > 3 || Chance(50)) return Scalar();
  std::string out;
  const char* space = Chance(10) ? " " : "";
  if (Chance(50)) {
    out = absl::StrCat("[", space);
    int n = Pick(4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += Chance(80) ? ", " : ",";
      out += Flow(depth + 1);
    }
    if (n > 0 && Chance(10)) out += ",";
    absl::StrAppend(&out, space, "]");
  } else {
    out = absl::StrCat("{", space);
    int n = Pick(4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ", ";
      absl::StrAppend(&out, Key(), Pick(100) > 0 ? ": " : ":", Flow(depth + 1));
    }
    if (n > 0 && Chance(5)) out += ",";
    absl::StrAppend(&out, space, "}");
  }
  return out;
}

std::string RandomYaml::Comment() {
  static const char* kComments[] = {"# note", "#", "# caf\xc3\xa9 \xc2\xa7 4.6.4",
                                    "# \xe2\x80\x94 a dash", "# \xf0\x9f\x98\x80", "# a: b",
                                    "# - x", "#[{"};
  return kComments[Pick(std::size(kComments))];
}

// The end of a line after a node: perhaps trailing spaces, perhaps a comment.
void RandomYaml::EndLine(std::string& out) {
  if (Chance(5)) out += "   ";
  if (Chance(10)) absl::StrAppend(&out, "  ", Comment());
  out += "\n";
  // A blank line, perhaps of spaces, or a comment line at any indentation.
  if (Chance(3)) out += Chance(50) ? "\n" : "    \n";
  if (Chance(3)) absl::StrAppend(&out, std::string(Pick(6), ' '), Comment(), "\n");
}

void RandomYaml::Value(int indent, int depth, std::string& out) {
  int choice = depth > 3 ? Pick(3) : Pick(6);
  if (choice == 0) {
    EndLine(out);  // empty: null
  } else if (choice <= 2) {
    absl::StrAppend(&out, Chance(95) ? " " : "   ", Flow(depth));
    EndLine(out);
  } else if (choice <= 4) {
    EndLine(out);
    BlockMap(indent + 2 + (Chance(10) ? 2 : 0), depth + 1, out);
  } else {
    EndLine(out);
    BlockSeq(Chance(30) ? indent : indent + 2, depth + 1, out);
  }
}

void RandomYaml::BlockMap(int indent, int depth, std::string& out) {
  int n = 1 + Pick(5);
  for (int i = 0; i < n; ++i) {
    if (Chance(5)) out += "\n";
    absl::StrAppend(&out, std::string(indent, ' '), Key(), ":");
    Value(indent, depth, out);
  }
}

void RandomYaml::BlockSeq(int indent, int depth, std::string& out) {
  int n = 1 + Pick(4);
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&out, std::string(indent, ' '), "-");
    if (Chance(20) && depth < 4) {
      // "- key: value", perhaps with more keys below the first.
      absl::StrAppend(&out, " ", Key(), ": ", Scalar());
      EndLine(out);
      int more = Chance(30) ? 1 + Pick(2) : 0;
      for (int k = 0; k < more; ++k) {
        absl::StrAppend(&out, std::string(indent + 2, ' '), Key(), ":");
        Value(indent + 2, depth + 1, out);
      }
    } else {
      Value(indent, depth, out);
    }
  }
}

}  // namespace dnsd::config::testing
