// The terms rule's terms: how a configured term is split and checked, and what the
// query path writes for each kind of query. The RFC 7208 engine's partial
// expansion (policy/spf/rfc7208/macro.h) is the referee for ordinary values.
#include "policy/spf/terms_answer.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/decide.h"
#include "policy/spf/rfc7208/macro.h"
#include "policy/spf/rfc7208/record.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using ::testing::HasSubstr;
using testing::CompileOrDie;
using testing::Ip;
using testing::Nibbles;
using testing::LowerName;
using testing::RdataText;
using testing::TestConfig;

constexpr size_t kMaxName = 253 - sizeof("._spf.provider.test") + 1;  // d or h in a query

class TermsAnswerTest : public testing::TestConfigTest {
 protected:

  // The query name (without the zone) read the way Decide reads it.
  static MacroName Read(const wire::Name& name) {
    Decision d = Decide(snapshot_->spf, name);
    EXPECT_TRUE(d.name.ip_known && d.name.domain_known);
    return d.name;
  }

  // `terms` rendered for the query, or "<none>" when they cannot be.
  static std::string Render(const std::vector<std::string>& terms, absl::string_view query,
                            bool fail_all = false) {
    std::vector<TermTemplate> compiled;
    for (const std::string& text : terms) {
      auto t = CompileTerm(text);
      EXPECT_TRUE(t.ok()) << text << ": " << t.status();
      if (!t.ok()) return "<bad term>";
      compiled.push_back(*std::move(t));
    }
    wire::Name name = LowerName(absl::StrCat(query, "._spf.provider.test"));
    char rdata[kMaxTermsRdata];
    size_t n = TermsAnswerRdata(compiled, fail_all, name, Read(name), rdata);
    if (n == 0) return "<none>";
    EXPECT_LE(n, kMaxTermsRdata);
    return RdataText(absl::string_view(rdata, n));
  }

};

TEST(CompileTermTest, SplitsAroundTheDomainSpec) {
  auto t = CompileTerm("exists:%{i}._spf.mta.salesforce.com");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->kind, spf::TermKind::kExists);
  EXPECT_EQ(t->head, "exists:");
  ASSERT_EQ(t->spec.size(), 2u);
  EXPECT_EQ(t->spec[0].text, "%{i}");
  EXPECT_EQ(t->spec[1].text, "._spf.mta.salesforce.com");
  EXPECT_EQ(t->tail, "");

  t = CompileTerm("-A:mail.%{d}/24//64");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->head, "-A:");
  EXPECT_EQ(t->tail, "/24//64");

  t = CompileTerm("ip6:2001:db8::/32");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->head, "ip6:2001:db8::/32");
  EXPECT_TRUE(t->spec.empty());
}

// Inside an included record, a bare a / mx / ptr would name the included
// name (dnsd's query name): they get the customer's domain, %{d}.
TEST(CompileTermTest, BareHostMechanismsGetTheCustomersDomain) {
  struct Case {
    const char* in;
    const char* head;
    const char* tail;
  };
  for (const Case& c : {Case{"a", "a:", ""}, Case{"~mx/24", "~mx:", "/24"},
                        Case{"a//64", "a:", "//64"}, Case{"ptr", "ptr:", ""},
                        Case{"?MX/20//48", "?MX:", "/20//48"}}) {
    SCOPED_TRACE(c.in);
    auto t = CompileTerm(c.in);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->head, c.head);
    EXPECT_EQ(t->tail, c.tail);
    ASSERT_EQ(t->spec.size(), 1u);
    EXPECT_EQ(t->spec[0].text, "%{d}");
    // What is written still parses as a term.
    EXPECT_TRUE(spf::ParseTerm(absl::StrCat(t->head, "%{d}", t->tail)).ok());
  }
}

TEST(CompileTermTest, RefusesWhatCannotWorkInsideAnInclude) {
  struct Case {
    const char* term;
    const char* why;
  };
  for (const Case& c : {
           Case{"all", "'all' is added by dnsd"},
           Case{"-all", "'all' is added by dnsd"},
           Case{"redirect=_spf.example.com", "replaces the whole record"},
           Case{"exp=explain.%{d}", "ignored inside an included record"},
           Case{"foo=bar", "only mechanisms"},
           Case{"include:%{d}", "a loop"},
           Case{"include:%{d}.", "does not end in a macro"},
           Case{"exists:", "empty domain"},
           Case{"ip4:192.0.2", "not an IPv4 address"},
           Case{"a:mail.example.123", "valid top-level label"},
           Case{"exists:%{c}.x.test", "c, r and t are for exp= text only"},
           Case{"include:%{x}.example.com", "unknown macro letter"},
           Case{"spf2.0/pra", "unknown mechanism"},
       }) {
    SCOPED_TRACE(c.term);
    auto t = CompileTerm(c.term);
    ASSERT_FALSE(t.ok());
    EXPECT_THAT(std::string(t.status().message()), HasSubstr(c.why));
  }
  // An include of another name built from %{d} is not a loop.
  EXPECT_TRUE(CompileTerm("include:%{d}._spf.vendor.test").ok());
  EXPECT_TRUE(CompileTerm("include:%{d2}").ok());
}

TEST(CompileTermTest, WorstCaseLength) {
  auto t = CompileTerm("exists:%{i}.%{v}.%{h}.%{d}.%{l}.x.test");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(WorstCaseTermLength(*t, 200), 7 + 63 + 1 + 7 + 1 + 200 + 1 + 200 + 1 + 4 + 7);
  EXPECT_EQ(WorstCaseTermLength(*CompileTerm("ip4:192.0.2.0/24"), 200), 16u);
}

TEST_F(TermsAnswerTest, ExpandsWhatTheQueryCarries) {
  EXPECT_EQ(Render({"exists:%{i}._spf.mta.salesforce.com", "a", "mx:%{d}/24", "ptr",
                    "-include:%{ir}.%{v}._rev.%{d}.x.test", "ip6:2001:db8::/32"},
                   "198.51.100.9._ip.mail.example.net._ehlo.terms.example"),
            "v=spf1 exists:198.51.100.9._spf.mta.salesforce.com a:terms.example "
            "mx:terms.example/24 ptr:terms.example "
            "-include:9.100.51.198.in-addr._rev.terms.example.x.test ip6:2001:db8::/32 ~all");
  // %{h}, transformers, delimiters, url-escaping of a value that needs none.
  EXPECT_EQ(Render({"exists:%{h}.%{d1}.%{h2r}.%{D}.%{i2}.x.test"},
                   "198.51.100.9._ip.mail.example.net._ehlo.shop.terms.example"),
            "v=spf1 exists:mail.example.net.example.example.mail.shop.terms.example.100.9.x.test "
            "~all");
  // all: fail.
  EXPECT_EQ(Render({"a"}, "198.51.100.9._ip.x._ehlo.terms.example", /*fail_all=*/true),
            "v=spf1 a:terms.example -all");
}

// Letters only the receiver knows stay as written, and so do escapes.
TEST_F(TermsAnswerTest, ReceiverLettersPassThrough) {
  EXPECT_EQ(Render({"exists:%{l}.%{o}.%{s}.%{p}.%{L1r-}.%%.%_.%-.%{d}.x.test"},
                   "198.51.100.9._ip.x._ehlo.terms.example"),
            "v=spf1 exists:%{l}.%{o}.%{s}.%{p}.%{L1r-}.%%.%_.%-.terms.example.x.test ~all");
}

// The receiver expands %{i} from the client's own form: an IPv4 client
// seen over IPv6 is in the query name as 32 nibbles, and %{v} is "ip6".
TEST_F(TermsAnswerTest, MappedIpv4AsNibbles) {
  EXPECT_EQ(Render({"exists:%{i}.%{v}.x.test"},
                   absl::StrCat(Nibbles("::ffff:198.51.100.9"), "._ip.x._ehlo.terms.example")),
            absl::StrCat("v=spf1 exists:", Nibbles("::ffff:198.51.100.9"), ".ip6.x.test ~all"));
}

// After expansion a domain-spec must still end in "." and a top-level
// label (RFC 7208 §7.1), or the receiver refuses the whole record. A final
// %{i}, %{v} or %{h} then stays for the receiver, who gets the same name.
TEST_F(TermsAnswerTest, AFinalMacroThatWouldBreakTheRecordStays) {
  std::string q = "198.51.100.9._ip.mail.example.net._ehlo.terms.example";
  EXPECT_EQ(Render({"exists:%{i}"}, q), "v=spf1 exists:%{i} ~all");
  EXPECT_EQ(Render({"exists:%{d}.%{i}"}, q), "v=spf1 exists:terms.example.%{i} ~all");
  EXPECT_EQ(Render({"exists:%{i}.%{v}"}, q), "v=spf1 exists:198.51.100.9.in-addr ~all");
  EXPECT_EQ(Render({"a:%{h}"}, q), "v=spf1 a:mail.example.net ~all");
  EXPECT_EQ(Render({"a:%{h}"}, "198.51.100.9._ip.[192.0.2.1]._ehlo.terms.example"),
            "v=spf1 a:%{h} ~all");
  EXPECT_EQ(Render({"a:%{h}"}, "198.51.100.9._ip.mx.123._ehlo.terms.example"),
            "v=spf1 a:%{h} ~all");
  EXPECT_EQ(Render({"a:%{dr}"}, q), "v=spf1 a:example.terms ~all");
}

// %{d} cannot be passed through, so a query whose domain cannot be written
// gets no terms answer (the caller falls back to rule 7).
TEST_F(TermsAnswerTest, ADomainThatCannotBeWrittenGivesNoAnswer) {
  for (const char* domain : {"a\\032b.terms.example", "a%b.terms.example",
                             "a\\.b.terms.example", "\\200.terms.example"}) {
    SCOPED_TRACE(domain);
    std::string q = absl::StrCat("198.51.100.9._ip.x._ehlo.", domain);
    EXPECT_EQ(Render({"a"}, q), "<none>");
    // Terms without %{d} are fine.
    EXPECT_EQ(Render({"exists:%{i}.x.test"}, q), "v=spf1 exists:198.51.100.9.x.test ~all");
  }
  // %{dr} whose last label would be numeric.
  EXPECT_EQ(Render({"a:%{dr}"}, "198.51.100.9._ip.x._ehlo.123.terms.example"), "<none>");
  // %{D} of a value URL-escaping would change.
  EXPECT_EQ(Render({"a:%{D}.x.test"}, "198.51.100.9._ip.x._ehlo.a=b.terms.example"), "<none>");
}

// A HELO the query does not carry whole, or that a term cannot hold,
// stays %{h}: the receiver knows its own HELO.
TEST_F(TermsAnswerTest, AHeloThatCannotBeWrittenStaysForTheReceiver) {
  for (const char* helo : {"a\\032b", "100%", "a\\.b", "\\255", "a=b"}) {
    SCOPED_TRACE(helo);
    std::string q = absl::StrCat("198.51.100.9._ip.", helo, "._ehlo.terms.example");
    std::string want = std::string(helo) == "a=b" ? "v=spf1 exists:%{H}.x.test exists:a=b.x.test ~all"
                                                  : "v=spf1 exists:%{H}.x.test exists:%{h}.x.test ~all";
    EXPECT_EQ(Render({"exists:%{H}.x.test", "exists:%{h}.x.test"}, q), want);
  }
}

// Long answers are split into 255-octet strings; what does not fit the
// budget is no answer at all (never a cut one).
TEST_F(TermsAnswerTest, LongAnswersAndTheBudget) {
  std::vector<std::string> terms;
  for (int i = 0; i < 30; ++i) terms.push_back(absl::StrCat("ip4:198.18.", i, ".0/24"));
  std::string q = "198.51.100.9._ip.x._ehlo.terms.example";
  std::string text = Render(terms, q);
  EXPECT_EQ(text, absl::StrCat("v=spf1 ", absl::StrJoin(terms, " "), " ~all"));
  EXPECT_GT(text.size(), 255u);
  while (Render(terms, q) != "<none>") terms.push_back("ip4:198.19.0.0/24");
  terms.pop_back();
  EXPECT_LE(Render(terms, q).size(), kMaxTermsText);
  EXPECT_GT(Render(terms, q).size(), kMaxTermsText - 18);
}

// The referee: the engine's partial expansion of the same terms, for the
// same i, h and d, with the receiver's letters kept.
TEST_F(TermsAnswerTest, AgreesWithTheEnginesPartialExpansion) {
  const std::vector<std::string> terms = {
      "exists:%{i}._spf.mta.salesforce.com", "include:%{ir}.%{v}._x.%{d}.test",
      "a:%{h}.test", "mx:%{d2}.test/24", "exists:%{l}.%{h1}.%{d3r}.test",
      "exists:%{i1}.%{h2}.%{d}.%{o}.test", "ptr:%{d}.test", "exists:%{h-.}.%{d-}.test",
      "include:%{I}.%{H}.%{D}.test", "exists:%{s}.%{i2r}.test"};
  struct Query {
    std::string ip;
    const char* helo;
    const char* domain;
  };
  for (const Query& q : {Query{"198.51.100.9", "mail.example.net", "terms.example"},
                         Query{"198.51.100.9", "a-b_c.x-y", "a.b-c.d.terms.example"},
                         Query{"2001:db8::1", "mail.example.net", "terms.example"},
                         Query{"2001:db8:ffff::abcd", "unknown", "x.y.z.terms.example"}}) {
    std::string ip = q.ip.find(':') != std::string::npos ? Nibbles(q.ip) : q.ip;
    std::string query = absl::StrCat(ip, "._ip.", q.helo, "._ehlo.", q.domain);
    SCOPED_TRACE(query);
    spf::MacroContext context;
    context.ip = Ip(q.ip);
    context.helo = q.helo;
    context.domain = q.domain;
    spf::ExpandOptions partial;
    partial.partial = true;
    std::vector<std::string> want;
    for (const std::string& term : terms) {
      auto t = CompileTerm(term);
      ASSERT_TRUE(t.ok()) << term << ": " << t.status();
      auto spec = spf::ExpandTokens(t->spec, context, partial);
      ASSERT_TRUE(spec.ok()) << spec.status();
      want.push_back(absl::StrCat(t->head, *spec, t->tail));
      ASSERT_TRUE(spf::ParseTerm(want.back()).ok()) << want.back();
    }
    EXPECT_EQ(Render(terms, query), absl::StrCat("v=spf1 ", absl::StrJoin(want, " "), " ~all"));
  }
}

// However the query is made, what is written is a record that parses and
// is no longer than the load-time bound says.
TEST_F(TermsAnswerTest, RandomQueriesStayWithinTheWorstCase) {
  const std::vector<std::string> texts = {"exists:%{i}.%{h}.%{d}.test", "mx", "exists:%{i}",
                                          "ip4:198.18.0.0/15"};
  std::vector<TermTemplate> terms;
  size_t worst = 6 + 5;
  for (const std::string& text : texts) {
    terms.push_back(*CompileTerm(text));
    worst += 1 + WorstCaseTermLength(terms.back(), kMaxName);
  }
  ASSERT_LE(worst, kMaxTermsText);
  std::mt19937 rng(11);
  int checked = 0;
  const std::string alphabet = "abz09-_.%=[]:\\";
  for (int round = 0; round < 2000; ++round) {
    std::string helo;
    size_t helo_size = std::uniform_int_distribution<size_t>(1, 120)(rng);
    while (helo.size() < helo_size) {
      char c = alphabet[rng() % alphabet.size()];
      if (c == '\\') {
        absl::StrAppend(&helo, "\\", 100 + rng() % 155);
      } else if (c == '.' && (helo.empty() || helo.back() == '.')) {
        helo.push_back('x');
      } else {
        helo.push_back(c);
      }
    }
    if (helo.back() == '.') helo.push_back('y');
    std::string domain = round % 3 == 0 ? std::string("terms.example")
                                        : absl::StrCat(std::string(1 + rng() % 60, 's'), ".",
                                                       std::string(1 + rng() % 60, 't'),
                                                       ".terms.example");
    std::string query = absl::StrCat(round % 2 ? Nibbles("2001:db8::5") : "198.51.100.9",
                                     "._ip.", helo, "._ehlo.", domain);
    auto name = testing::NameFromPresentation(absl::StrCat(query, "._spf.provider.test"));
    if (!name.ok()) continue;  // too long, or an empty label
    wire::Name lower;
    wire::LowerCase(*name, &lower);
    Decision d = Decide(snapshot_->spf, lower);
    if (!d.name.ip_known || !d.name.domain_known) continue;
    char rdata[kMaxTermsRdata];
    size_t n = TermsAnswerRdata(terms, false, lower, d.name, rdata);
    ASSERT_GT(n, 0u) << query;
    std::string text = RdataText(absl::string_view(rdata, n));
    EXPECT_LE(text.size(), worst) << query;
    EXPECT_TRUE(spf::ParseRecord(text).ok()) << text << ": " << spf::ParseRecord(text).status();
    ++checked;
  }
  EXPECT_GT(checked, 500);
}

}  // namespace
}  // namespace dnsd::spf
