// The records dnsd renders, read back by the grammar of RFC 9989 §4.8, as a
// receiver would read them: a small parser written from the ABNF alone,
// independent of the renderer.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/dmarc/dmarc.h"
#include "policy/testing/family_test.h"

namespace dnsd::config {
namespace {

// The tag-value pairs of a dmarc-record in order, or why it is not one.
struct Parsed {
  std::vector<std::pair<std::string, std::string>> tags;  // v first
  std::string error;
};

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// dmarc-value = %x20-3A / %x3C-7E: printing characters but ";".
bool IsValueChar(char c) { return (c >= 0x20 && c <= 0x3A) || (c >= 0x3C && c <= 0x7E); }

// dmarc-record = dmarc-version *(dmarc-sep dmarc-tag) [dmarc-sep]
// dmarc-sep = *WSP ";" *WSP;  equals = *WSP "=" *WSP
// dmarc-tag = 1*ALPHA equals 1*dmarc-value
Parsed ParseRecord(absl::string_view text) {
  Parsed out;
  size_t i = 0;
  auto skip_wsp = [&] {
    while (i < text.size() && IsWsp(text[i])) ++i;
  };
  auto tag = [&]() -> bool {
    size_t start = i;
    while (i < text.size() && absl::ascii_isalpha(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) return false;
    std::string name(text.substr(start, i - start));
    skip_wsp();
    if (i == text.size() || text[i] != '=') return false;
    ++i;
    skip_wsp();
    size_t value = i;
    while (i < text.size() && IsValueChar(text[i])) ++i;
    // A value may hold spaces, but spaces before ';' belong to dmarc-sep.
    size_t end = i;
    while (end > value && IsWsp(text[end - 1])) --end;
    if (end == value) return false;
    out.tags.emplace_back(name, std::string(text.substr(value, end - value)));
    return true;
  };
  if (!tag() || out.tags[0].first != "v" || out.tags[0].second != "DMARC1") {
    out.error = "does not start with v=DMARC1";  // %s"DMARC1": case-sensitive
    return out;
  }
  while (i < text.size()) {
    skip_wsp();
    if (i == text.size() || text[i] != ';') {
      out.error = absl::StrCat("no ';' at ", i);
      return out;
    }
    ++i;
    skip_wsp();
    if (i == text.size()) break;  // [dmarc-sep]
    if (!tag()) {
      out.error = absl::StrCat("no dmarc-tag at ", i);
      return out;
    }
  }
  return out;
}

bool IsRequest(absl::string_view v) { return v == "none" || v == "quarantine" || v == "reject"; }

// dmarc-fo: 0 or 1 (at most one of them), d and s each at most once, ':'-separated.
bool IsFo(absl::string_view v) {
  std::set<std::string> seen;
  int zero_one = 0;
  for (absl::string_view o : absl::StrSplit(v, ':')) {
    if (o == "0" || o == "1") {
      ++zero_one;
    } else if (o != "d" && o != "s") {
      return false;
    }
    if (!seen.insert(std::string(o)).second) return false;
  }
  return zero_one <= 1;
}

// dmarc-uri = URI with ',' and '!' percent-encoded (RFC 3986 characters
// otherwise), optionally obs-dmarc-report-size = "!" 1*DIGIT [k/m/g/t].
bool IsUri(absl::string_view uri) {
  size_t bang = uri.find('!');
  if (bang != absl::string_view::npos) {
    absl::string_view size = uri.substr(bang + 1);
    if (!size.empty() && absl::string_view("kmgt").find(size.back()) != absl::string_view::npos) {
      size.remove_suffix(1);
    }
    if (size.empty()) return false;
    for (char c : size) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    uri = uri.substr(0, bang);
  }
  size_t colon = uri.find(':');
  if (colon == 0 || colon == absl::string_view::npos) return false;  // scheme ":" ...
  for (char c : uri) {
    bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
              absl::string_view("-._~%$&'()*+;=:@/?#[]").find(c) != absl::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool IsUriList(absl::string_view v) {
  for (absl::string_view uri : absl::StrSplit(v, ',')) {
    if (!IsUri(absl::StripAsciiWhitespace(uri))) return false;
  }
  return true;
}

// RFC 9989 §4.8's table; tags it does not name are ignored by its receivers.
std::string CheckValues(const Parsed& parsed) {
  std::set<std::string> seen;
  for (const auto& [tag, value] : parsed.tags) {
    if (!seen.insert(tag).second) return absl::StrCat(tag, " twice");  // RFC 6376 §3.2
    bool ok = true;
    if (tag == "p" || tag == "sp" || tag == "np") ok = IsRequest(value);
    if (tag == "t") ok = value == "y" || value == "n";
    if (tag == "psd") ok = value == "y" || value == "n" || value == "u";
    if (tag == "adkim" || tag == "aspf") ok = value == "r" || value == "s";
    if (tag == "rua" || tag == "ruf") ok = IsUriList(value);
    if (tag == "fo") ok = IsFo(value);
    if (!ok) return absl::StrCat(tag, "=", value, " does not match its rule");
  }
  return "";
}

std::map<std::string, std::string> Tags(const Parsed& parsed) {
  return std::map<std::string, std::string>(parsed.tags.begin(), parsed.tags.end());
}

TEST(DmarcGrammarTest, TheParserRefusesWhatTheAbnfRefuses) {
  for (const char* bad : {"p=reject; v=DMARC1", "v=dmarc1; p=reject", "v=DMARC1 p=reject",
                          "v=DMARC1;; p=reject", "v=DMARC1; p="}) {
    EXPECT_NE(ParseRecord(bad).error, "") << bad;
  }
  for (const char* bad : {"v=DMARC1; t=yes", "v=DMARC1; psd=x", "v=DMARC1; np=rejected",
                          "v=DMARC1; fo=0:1", "v=DMARC1; fo=d:d", "v=DMARC1; rua=mailto:a@b!x",
                          "v=DMARC1; rua=mailto:a,b@c", "v=DMARC1; p=none; p=reject"}) {
    Parsed parsed = ParseRecord(bad);
    EXPECT_EQ(parsed.error, "") << bad;
    EXPECT_NE(CheckValues(parsed), "") << bad;
  }
  Parsed ok = ParseRecord("v = DMARC1 ;p=reject; t=y ;psd=n;");
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(CheckValues(ok), "");
}

class DmarcRecordGrammarTest : public testing::FamilyTest {
 protected:
  std::string Record(absl::string_view dmarc, absl::string_view mode = "enforce") {
    Loaded<DomainConfig> loaded =
        Load(absl::StrCat("domain: example.com\nmode: ", mode,
                          "\nspf: {senders: [google]}\ndmarc: ", dmarc, "\n"),
             "example.com.yaml");
    EXPECT_THAT(testing::Brief(loaded.errors), ::testing::IsEmpty()) << dmarc;
    return loaded.ok() ? RenderDmarcRecord(*loaded.value) : "";
  }
};

TEST_F(DmarcRecordGrammarTest, EveryCombinationOfTPsdAndNpReadsBack) {
  for (const char* t : {"", "y", "n"}) {
    for (const char* psd : {"", "y", "n", "u"}) {
      for (const char* np : {"", "none", "quarantine", "reject"}) {
        for (const char* mode : {"enforce", "monitor", "blocked"}) {
          if (absl::string_view(mode) == "blocked" && absl::string_view(t) == "y") continue;
          if (absl::string_view(mode) == "monitor" && *np && absl::string_view(np) != "none") continue;
          std::string dmarc = absl::StrCat(
              "{", absl::string_view(mode) == "enforce" ? "p: quarantine, " : "",
              "rua: [\"mailto:a@example.com\"], fo: \"1:d\"", *t ? absl::StrCat(", t: ", t) : "",
              *psd ? absl::StrCat(", psd: ", psd) : "", *np ? absl::StrCat(", np: ", np) : "", "}");
          std::string record = Record(dmarc, mode);
          Parsed parsed = ParseRecord(record);
          ASSERT_EQ(parsed.error, "") << record;
          EXPECT_EQ(CheckValues(parsed), "") << record;
          std::map<std::string, std::string> tags = Tags(parsed);
          EXPECT_EQ(parsed.tags[1].first, "p") << record;
          if (absl::string_view(mode) == "blocked") {
            EXPECT_EQ(tags.count("t"), 0u) << record;  // never test mode
            EXPECT_EQ(tags["p"], "reject");
            EXPECT_EQ(tags["sp"], "reject");
            EXPECT_EQ(tags["np"], "reject");
          } else {
            EXPECT_EQ(tags.count("t") ? tags["t"] : "", t) << record;
            EXPECT_EQ(tags.count("np") ? tags["np"] : "", np) << record;
          }
          EXPECT_EQ(tags.count("psd") ? tags["psd"] : "", psd) << record;
        }
      }
    }
  }
}

TEST_F(DmarcRecordGrammarTest, ExactRecords) {
  struct Case {
    const char* dmarc;
    const char* mode;
    const char* record;
  } cases[] = {
      {"{p: reject, t: y}", "enforce", "v=DMARC1; p=reject; t=y"},
      {"{p: reject, np: quarantine, sp: none}", "enforce", "v=DMARC1; p=reject; np=quarantine; sp=none"},
      {"{p: none, psd: y, rua: [\"mailto:a@example.com\"]}", "enforce",
       "v=DMARC1; p=none; psd=y; rua=mailto:a@example.com"},
      {"{t: n, psd: n, np: none, rua: [\"mailto:a@example.com\"]}", "monitor",
       "v=DMARC1; p=none; t=n; psd=n; np=none; rua=mailto:a@example.com"},
      {"{psd: u}", "blocked", "v=DMARC1; p=reject; psd=u; np=reject; sp=reject; adkim=s; aspf=s"},
      {"{p: quarantine, pct: 0, t: y, rfc7489_tags: false}", "enforce", "v=DMARC1; p=quarantine; t=y"},
  };
  for (const Case& c : cases) {
    std::string record = Record(c.dmarc, c.mode);
    EXPECT_EQ(record, c.record) << c.dmarc;
    Parsed parsed = ParseRecord(record);
    EXPECT_EQ(parsed.error, "") << record;
    EXPECT_EQ(CheckValues(parsed), "") << record;
  }
}

TEST_F(DmarcRecordGrammarTest, HistoricTagsAndSizeLimitsStillParse) {
  std::string record =
      Record("{p: reject, pct: 50, ri: 3600, rf: afrf, rua: [\"mailto:a@example.com!10m\"]}");
  Parsed parsed = ParseRecord(record);
  ASSERT_EQ(parsed.error, "") << record;
  EXPECT_EQ(CheckValues(parsed), "") << record;  // unknown to RFC 9989: ignored, not an error
  EXPECT_EQ(Tags(parsed)["pct"], "50");
}

}  // namespace
}  // namespace dnsd::config
