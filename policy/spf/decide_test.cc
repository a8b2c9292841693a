// Decide: the answer rules of policy/spf/README.md on a policy
// compiled from a small configuration, including every cut a receiver can
// make of a long name.
#include "policy/spf/decide.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using testing::AnswerText;
using testing::CompileOrDie;
using testing::Ip;
using testing::Nibbles;
using testing::LowerName;
using testing::TestConfig;

class DecideTest : public testing::TestConfigTest {
 protected:

  static const MacroZone& policy() { return snapshot_->spf; }

  // Decides for a name given without the SPF zone; with the domain guessed
  // first (as a batch does) the decision must be the same.
  static Decision D(absl::string_view text) {
    wire::Name name = LowerName(absl::StrCat(text, "._spf.provider.test"));
    Decision plain = Decide(policy(), name);
    DomainGuess guess;
    GuessDomain(policy(), name, &guess);
    Decision guessed = Decide(policy(), name, &guess);
    EXPECT_EQ(guessed.rule, plain.rule) << text;
    EXPECT_EQ(guessed.domain, plain.domain) << text;
    EXPECT_EQ(guessed.sender, plain.sender) << text;
    EXPECT_EQ(guessed.answer, plain.answer) << text;
    EXPECT_EQ(guessed.ip_answer, plain.ip_answer) << text;
    EXPECT_EQ(guessed.terms_answer, plain.terms_answer) << text;
    EXPECT_EQ(guessed.flattened_answer, plain.flattened_answer) << text;
    EXPECT_EQ(guessed.name.domain.begin, plain.name.domain.begin) << text;
    EXPECT_EQ(guessed.name.ip, plain.name.ip) << text;
    return plain;
  }
  static Decision D(absl::string_view ip, absl::string_view helo, absl::string_view domain) {
    return D(absl::StrCat(ip, "._ip.", helo, "._ehlo.", domain));
  }

  static std::string Domain(const Decision& d) {
    return std::string(d.domain ? d.domain->name : "<none>");
  }
  static std::string Sender(const Decision& d) {
    return d.sender >= 0 ? policy().senders[d.sender].id : "<none>";
  }

};

TEST_F(DecideTest, RuleNames) {
  EXPECT_STREQ(RuleName(Rule::kNotAMacroName), "not_a_macro_name");
  EXPECT_STREQ(RuleName(Rule::kUnknownDomain), "unknown_domain");
  EXPECT_STREQ(RuleName(Rule::kTruncated), "truncated");
  EXPECT_EQ(static_cast<int>(Rule::kTruncated) + 1, kRuleCount);
}

TEST_F(DecideTest, Rule1UnknownDomain) {
  Decision d = D("192.0.2.1", "mail.example.net", "unknown.test");
  EXPECT_EQ(d.rule, Rule::kUnknownDomain);
  EXPECT_EQ(d.domain, nullptr);
  EXPECT_FALSE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 ?all");
  // A configured domain's IP and sender HELO change nothing for another domain.
  d = D("203.0.113.7", "mail.outbound.protection.outlook.com", "example.org");
  EXPECT_EQ(d.rule, Rule::kUnknownDomain);
  EXPECT_EQ(AnswerText(d), "v=spf1 ?all");
}

TEST_F(DecideTest, Rule2BlockedBeatsEverything) {
  for (const char* ip : {"198.51.100.7", "40.93.0.1", "192.0.2.1"}) {
    Decision d = D(ip, "mail.outbound.protection.outlook.com", "blocked.example");
    EXPECT_EQ(d.rule, Rule::kBlocked) << ip;
    EXPECT_EQ(Domain(d), "blocked.example");
    EXPECT_FALSE(d.ip_answer);
    EXPECT_EQ(AnswerText(d), "v=spf1 -all");
  }
  Decision d = D(Nibbles("::ffff:198.51.100.7"), "x", "blocked.example");
  EXPECT_EQ(d.rule, Rule::kBlocked);
  EXPECT_EQ(AnswerText(d), "v=spf1 -all");
}

TEST_F(DecideTest, Rule3Netblock) {
  Decision d = D("203.0.113.7", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(Domain(d), "example.com");
  EXPECT_TRUE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:203.0.113.7 ~all");

  d = D(Nibbles("2001:db8:1:2::25"), "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2001:db8:1:2::25 ~all");

  // IPv4 written as IPv6 nibbles: both forms, for receivers that keep it IPv6.
  d = D(Nibbles("::ffff:203.0.113.7"), "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:203.0.113.7 ip6:::ffff:203.0.113.7 ~all");

  d = D("203.0.114.7", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kDefault);
}

TEST_F(DecideTest, Rule4SenderRangeInIpMode) {
  Decision d = D("40.93.0.1", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(Sender(d), "office365");
  EXPECT_TRUE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:40.93.0.1 ~all");

  d = D(Nibbles("2a01:111:f400::5"), "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2a01:111:f400::5 ~all");

  d = D(Nibbles("::ffff:40.93.0.1"), "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:40.93.0.1 ip6:::ffff:40.93.0.1 ~all");
}

TEST_F(DecideTest, Rule4SenderRangeInIncludeMode) {
  Decision d = D("205.201.130.1", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(Sender(d), "mailchimp");
  EXPECT_FALSE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 include:servers.mcsv.net ~all");

  d = D("167.89.1.1", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(Sender(d), "sendgrid");
  EXPECT_EQ(AnswerText(d), "v=spf1 include:sendgrid.net ~all");
}

TEST_F(DecideTest, Rule5SenderHelo) {
  Decision d = D("192.0.2.1", "mail-db5eur01.outbound.protection.outlook.com", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(Sender(d), "office365");
  EXPECT_FALSE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 include:spf.protection.outlook.com ~all");

  // Any letter case.
  d = D("192.0.2.1", "Mail-DB5EUR01.Outbound.PROTECTION.outlook.COM", "Example.COM");
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(Sender(d), "office365");

  // IPv6 client.
  d = D(Nibbles("2001:db8:ffff::1"), "a.mcsv.net", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(AnswerText(d), "v=spf1 include:servers.mcsv.net ~all");

  // An exact pattern matches only that name.
  d = D("192.0.2.1", "smtp.sendgrid.net", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(Sender(d), "sendgrid");
  EXPECT_EQ(D("192.0.2.1", "x.smtp.sendgrid.net", "example.com").rule, Rule::kDefault);
  // "*." is strictly below.
  EXPECT_EQ(D("192.0.2.1", "outbound.protection.outlook.com", "example.com").rule, Rule::kDefault);
}

TEST_F(DecideTest, Rule7Default) {
  Decision d = D("192.0.2.1", "mx.unknown.test", "example.com");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(Domain(d), "example.com");
  EXPECT_FALSE(d.ip_answer);
  EXPECT_EQ(AnswerText(d), "v=spf1 ~all");

  for (const char* helo : {"unknown", "[192.0.2.1]", "\\000\\255.\\046", "_ip", "_ehlo"}) {
    d = D("192.0.2.1", helo, "example.com");
    EXPECT_EQ(d.rule, Rule::kDefault) << helo;
    EXPECT_EQ(AnswerText(d), "v=spf1 ~all") << helo;
  }
}

TEST_F(DecideTest, Rule7AllFail) {
  Decision d = D("192.0.2.1", "mx.unknown.test", "strict.example");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(AnswerText(d), "v=spf1 -all");
  // Its one sender still passes.
  d = D("209.85.128.9", "mx.unknown.test", "strict.example");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:209.85.128.9 ~all");
}

// The terms rule comes after rules 1-5 and before 7, for a domain with terms; its
// answer holds the terms with %{i}, %{h}, %{d} expanded from the query
// (the customer's domain, or its subdomain), %{l} left to the receiver.
TEST_F(DecideTest, TermsRule) {
  auto answer = [](absl::string_view ip, absl::string_view helo, absl::string_view domain,
                   Rule* rule) {
    wire::Name name = LowerName(absl::StrCat(ip, "._ip.", helo, "._ehlo.", domain,
                                             "._spf.provider.test"));
    Decision d = Decide(policy(), name);
    *rule = d.rule;
    return AnswerText(d, &name);
  };
  Rule rule;
  EXPECT_EQ(answer("198.51.100.9", "mx.unknown.test", "terms.example", &rule),
            "v=spf1 exists:198.51.100.9._spf.mta.salesforce.com a:terms.example "
            "ip4:198.18.0.0/15 include:%{l}._u.terms.example._spf.vendor.test ~all");
  EXPECT_EQ(rule, Rule::kTerms);
  EXPECT_EQ(answer(Nibbles("2001:db8::7"), "mx", "Shop.Terms.Example", &rule),
            absl::StrCat("v=spf1 exists:", Nibbles("2001:db8::7"),
                         "._spf.mta.salesforce.com a:shop.terms.example ip4:198.18.0.0/15 "
                         "include:%{l}._u.shop.terms.example._spf.vendor.test ~all"));
  EXPECT_EQ(rule, Rule::kTerms);
  // Rules 3, 4 and 5 come first.
  answer("192.0.2.8", "mx.unknown.test", "terms.example", &rule);
  EXPECT_EQ(rule, Rule::kNetblock);
  answer("40.93.0.1", "mx.unknown.test", "terms.example", &rule);
  EXPECT_EQ(rule, Rule::kSenderRange);
  EXPECT_EQ(answer("198.51.100.9", "a.outbound.protection.outlook.com", "terms.example", &rule),
            "v=spf1 include:spf.protection.outlook.com ~all");
  EXPECT_EQ(rule, Rule::kSenderHelo);
  // A domain without terms keeps rule 7.
  answer("198.51.100.9", "mx.unknown.test", "example.com", &rule);
  EXPECT_EQ(rule, Rule::kDefault);
}

// A name whose IP was cut off keeps rule 8: without the IP, %{i} in the
// terms cannot be expanded, and the flattened record is the safe answer.
TEST_F(DecideTest, TermsRuleNeedsTheIp) {
  std::string helo = absl::StrCat(std::string(60, 'a'), ".", std::string(60, 'b'), ".",
                                  std::string(60, 'c'), ".mx.unknown.test");
  std::string full = absl::StrCat("198.51.100.9._ip.", helo, "._ehlo.terms.example");
  std::vector<std::string> labels = absl::StrSplit(full, '.');
  std::string name = full;
  size_t k = 0;
  while (name.size() + std::string("._spf.provider.test").size() > 253) {
    name = absl::StrJoin(labels.begin() + ++k, labels.end(), ".");
  }
  Decision d = D(name);
  EXPECT_EQ(d.rule, Rule::kTruncated) << name;
  EXPECT_EQ(AnswerText(d, nullptr, &policy()),
            "v=spf1 include:terms.example._nspf._spf.provider.test ~all");
}

TEST_F(DecideTest, SendersNotEnabledForTheDomainDoNotMatch) {
  // google is enabled for strict.example only.
  EXPECT_EQ(D("209.85.128.9", "mx.unknown.test", "example.com").rule, Rule::kDefault);
  EXPECT_EQ(D("192.0.2.1", "mail-x.google.com", "example.com").rule, Rule::kDefault);
  EXPECT_EQ(D(Nibbles("2607:f8b0:4000::1"), "x", "example.com").rule, Rule::kDefault);
  // office365 and its HELO are not enabled for strict.example.
  Decision d = D("40.93.0.1", "mail.outbound.protection.outlook.com", "strict.example");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(AnswerText(d), "v=spf1 -all");
  // Nor is anything for stop.example.com.
  EXPECT_EQ(D("40.93.0.1", "mail.outbound.protection.outlook.com", "stop.example.com").rule,
            Rule::kDefault);
}

TEST_F(DecideTest, FirstMatchWins) {
  // 40.92.1.5: example.com's own netblock and office365's range.
  Decision d = D("40.92.1.5", "mail.outbound.protection.outlook.com", "example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(d.sender, -1);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:40.92.1.5 ~all");
  // Netblock before a sender's HELO.
  EXPECT_EQ(D("203.0.113.7", "a.mcsv.net", "example.com").rule, Rule::kNetblock);
  // A sender's range before another sender's HELO.
  d = D("40.93.0.1", "a.mcsv.net", "example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(Sender(d), "office365");
}

TEST_F(DecideTest, IncludeSubdomainsWalk) {
  // example.com governs its subdomains.
  Decision d = D("203.0.113.7", "x", "sub.example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(Domain(d), "example.com");
  d = D("192.0.2.1", "x", "a.b.c.example.com");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(Domain(d), "example.com");
  // stop.example.com is configured without include_subdomains: the walk
  // stops there, example.com does not take over.
  d = D("203.0.113.7", "x", "x.stop.example.com");
  EXPECT_EQ(d.rule, Rule::kUnknownDomain);
  EXPECT_EQ(AnswerText(d), "v=spf1 ?all");
  d = D("203.0.113.7", "x", "stop.example.com");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(Domain(d), "stop.example.com");
  // strict.example has no include_subdomains.
  EXPECT_EQ(D("192.0.2.1", "x", "sub.strict.example").rule, Rule::kUnknownDomain);
  // Label boundaries, not string suffixes.
  EXPECT_EQ(D("203.0.113.7", "x", "notexample.com").rule, Rule::kUnknownDomain);
  EXPECT_EQ(D("203.0.113.7", "x", "com").rule, Rule::kUnknownDomain);
}

TEST_F(DecideTest, FindDomain) {
  auto find = [](absl::string_view text) -> std::string {
    auto wire_name = wire::NameFromText(text);
    EXPECT_TRUE(wire_name.ok());
    const DomainPolicy* d = FindDomain(policy(), *wire_name);
    return std::string(d ? d->name : "<none>");
  };
  EXPECT_EQ(find("example.com"), "example.com");
  EXPECT_EQ(find("x.example.com"), "example.com");
  EXPECT_EQ(find("stop.example.com"), "stop.example.com");
  EXPECT_EQ(find("x.stop.example.com"), "<none>");
  EXPECT_EQ(find("com"), "<none>");
  EXPECT_EQ(find(""), "<none>");
}

TEST_F(DecideTest, DomainIsTheRightmostPart) {
  // A HELO that holds "._ehlo.<configured domain>" does not make that the
  // domain: both readings here name an unconfigured domain.
  Decision d = D("203.0.113.7", "a._ehlo.example.com", "unknown.test");
  EXPECT_EQ(d.rule, Rule::kUnknownDomain);
  // Two readings, one configured: that one is taken.
  d = D("192.0.2.1._ip.a._ehlo.b._ehlo.strict.example");
  EXPECT_EQ(Domain(d), "strict.example");
  EXPECT_EQ(d.rule, Rule::kDefault);
  EXPECT_EQ(AnswerText(d), "v=spf1 -all");
  // With HELO labels _ip and _ehlo, a sender's HELO is still found.
  d = D("192.0.2.1._ip._ip.x._ehlo.y._ehlo.example.com");
  EXPECT_EQ(Domain(d), "example.com");
  d = D("192.0.2.1._ip._ehlo.mail.outbound.protection.outlook.com._ehlo.example.com");
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(Sender(d), "office365");
}

TEST_F(DecideTest, NotMacroNames) {
  for (const char* text :
       {"example.com", "com", "_ehlo.example.com", "net._ehlo.example.com",
        "mail.example.net._ehlo.example.com", "_ip.mail.example.net._ehlo.example.com",
        "1._ip.mail.example.net._ehlo.example.com", "_nspf",
        "192.0.2.01._ip.mail.example.net._ehlo.example.com",
        "192.0.2.256._ip.mail.example.net._ehlo.example.com",
        "9.192.0.2.1._ip.mail.example.net._ehlo.example.com"}) {
    Decision d = D(text);
    EXPECT_EQ(d.rule, Rule::kNotAMacroName) << text;
    EXPECT_EQ(d.answer, nullptr) << text;
    EXPECT_FALSE(d.ip_answer) << text;
  }
}

// Customers include <domain>._nspf.<zone> directly, so such a name without
// a record of its own (the pipeline answers names with records from the
// zone table) is an unconfigured domain: "?all", not NODATA, which an
// include would turn into permerror.
TEST_F(DecideTest, NspfNamesWithoutARecordAreUnknownDomains) {
  for (const char* text : {"unknown.test._nspf", "example.org._nspf", "com._nspf",
                           "9.example.com._nspf"}) {
    Decision d = D(text);
    EXPECT_EQ(d.rule, Rule::kUnknownDomain) << text;
    EXPECT_EQ(AnswerText(d), "v=spf1 ?all") << text;
  }
}

// ---- Names cut from the left (RFC 7208 §7.3) ------------------------------

struct CutCase {
  const char* what;
  std::string ip;       // as the labels %{i} gives
  int ip_labels;
  std::string helo;
  bool helo_is_sender;  // office365's pattern
};

std::string Pad(int labels, char first = 'a') {
  std::vector<std::string> out;
  for (int i = 0; i < labels; ++i) out.push_back(std::string(40, static_cast<char>(first + i)));
  return absl::StrJoin(out, ".");
}

// A HELO of exactly `length` octets ending in `suffix`: labels of up to 40
// letters in front of it.
std::string HeloOfLength(size_t length, absl::string_view suffix) {
  // Labels of 40 letters and one shorter one, each with its dot.
  size_t room = length - suffix.size();
  std::vector<std::string> labels;
  char letter = 'a';
  while (room > 0) {
    size_t n = std::min<size_t>(room - 1, 40);
    if (room - n - 1 == 1) --n;  // never leave a single octet: no room for a label
    labels.push_back(std::string(std::max<size_t>(n, 1), letter++));
    room -= labels.back().size() + 1;
  }
  labels.push_back(std::string(suffix));
  return absl::StrJoin(labels, ".");
}

std::vector<CutCase> CutCases() {
  const char* outlook = "mail.outbound.protection.outlook.com";
  const char* other = "mx.unknown.test";
  std::vector<CutCase> cases;
  // IPv6: 64 octets of nibbles; the HELO length decides where cuts fall.
  for (size_t helo : {160, 200, 215}) {
    cases.push_back({"v6 netblock, sender HELO", Nibbles("2001:db8:1::beef"), 32,
                     HeloOfLength(helo, outlook), true});
    cases.push_back({"v6 netblock, other HELO", Nibbles("2001:db8:1::beef"), 32,
                     HeloOfLength(helo, other), false});
    cases.push_back({"v6 sender range, other HELO", Nibbles("2a01:111:f400::abcd"), 32,
                     HeloOfLength(helo, other), false});
    cases.push_back({"v4-mapped netblock, sender HELO", Nibbles("::ffff:203.0.113.10"), 32,
                     HeloOfLength(helo, outlook), true});
  }
  // IPv4: "203.0.113.7._ip." is 16 octets; a 202..216-octet HELO puts the
  // receiver's cut inside the address.
  for (size_t helo : {205, 210, 230}) {
    cases.push_back({"v4 netblock, sender HELO", "203.0.113.7", 4, HeloOfLength(helo, outlook),
                     true});
    cases.push_back({"v4 sender range, other HELO", "40.93.0.1", 4, HeloOfLength(helo, other),
                     false});
  }
  return cases;
}

TEST_F(DecideTest, EveryCutFromTheLeftGetsASafeAnswer) {
  const DomainPolicy* example = FindDomain(policy(), *wire::NameFromText("example.com"));
  ASSERT_NE(example, nullptr);
  for (const CutCase& c : CutCases()) {
    std::string full = absl::StrCat(c.ip, "._ip.", c.helo, "._ehlo.example.com._spf.provider.test");
    ASSERT_GT(full.size(), 253u) << c.what;
    std::vector<std::string> labels = absl::StrSplit(full, '.');
    int receiver_cut = -1;  // the one cut a receiver makes
    int checked = 0;
    for (int k = 1; k < static_cast<int>(labels.size()) - 3; ++k) {
      std::string name = absl::StrJoin(labels.begin() + k, labels.end(), ".");
      if (name.size() > 253) continue;
      if (receiver_cut < 0) receiver_cut = k;
      SCOPED_TRACE(absl::StrCat(c.what, ": cut ", k, " labels, ", name.size(), " octets: ", name));
      Decision d = Decide(policy(), LowerName(name));
      // Never an answer naming an address that was not whole in the name.
      EXPECT_FALSE(d.ip_answer);
      EXPECT_FALSE(d.name.ip_known);
      EXPECT_NE(d.rule, Rule::kNetblock);
      EXPECT_NE(d.rule, Rule::kSenderRange);
      if (name.size() < 190) {
        // Not something a receiver's cut can produce (RFC 7208 §7.3 stops
        // as soon as the name fits): no reading.
        EXPECT_EQ(d.rule, Rule::kNotAMacroName);
        continue;
      }
      ++checked;
      EXPECT_EQ(d.domain, example);
      bool helo_whole = k <= c.ip_labels;  // the "_ip" label still bounds it
      if (helo_whole && c.helo_is_sender) {
        EXPECT_EQ(d.rule, Rule::kSenderHelo);
        EXPECT_EQ(Sender(d), "office365");
        EXPECT_EQ(AnswerText(d), "v=spf1 include:spf.protection.outlook.com ~all");
      } else {
        EXPECT_EQ(d.rule, Rule::kTruncated);
        EXPECT_EQ(AnswerText(d, nullptr, &policy()),
                  "v=spf1 include:example.com._nspf._spf.provider.test ~all");
      }
    }
    EXPECT_GT(receiver_cut, 0) << c.what;
    EXPECT_GE(checked, 1) << c.what;
  }
}

TEST_F(DecideTest, ACutNameOfABlockedOrUnknownDomain) {
  std::string helo = absl::StrCat(Pad(4, 'a'), ".mail.outbound.protection.outlook.com");
  std::string cut = absl::StrCat("e.e.f._ip.", helo, "._ehlo.blocked.example");
  ASSERT_GE(cut.size() + 19, 190u);
  ASSERT_LE(cut.size() + 19, 253u);
  Decision d = D(cut);
  EXPECT_EQ(d.rule, Rule::kBlocked);
  EXPECT_EQ(AnswerText(d), "v=spf1 -all");

  d = D(absl::StrCat("e.e.f._ip.", helo, "._ehlo.unknown.test"));
  EXPECT_EQ(d.rule, Rule::kUnknownDomain);
  EXPECT_EQ(AnswerText(d), "v=spf1 ?all");

  // A cut name of an include_subdomains child.
  d = D(absl::StrCat("e.e.f._ip.", helo, "._ehlo.sub.example.com"));
  EXPECT_EQ(d.rule, Rule::kSenderHelo);
  EXPECT_EQ(Domain(d), "example.com");
}

// A cut through IPv6 nibbles can leave four labels that read as a whole
// IPv4 address: nothing tells the two apart. Whatever is answered then
// names only that IPv4 address (which cannot match the IPv6 client), never
// the address the nibbles came from.
TEST_F(DecideTest, ACutLeavingFourDigitNibblesAnswersTheFlattenedRecord) {
  // 2001:db8:1::cb00:7107's last nibbles are "7.1.0.7".
  std::string helo = absl::StrCat(Pad(4, 'a'), ".mx.unknown.test");
  std::string tail = absl::StrCat("._ip.", helo, "._ehlo.example.com");
  std::string name = absl::StrCat("7.1.0.7", tail);
  Decision d = D(name);
  // Both readings are governed by example.com: the flattened record is right
  // for either client, a targeted "7.1.0.7" answer only for one.
  EXPECT_FALSE(d.name.ip_known);
  EXPECT_TRUE(d.name.ip_cut);
  EXPECT_EQ(d.rule, Rule::kTruncated);
  EXPECT_EQ(AnswerText(d, nullptr, &policy()),
            "v=spf1 include:example.com._nspf._spf.provider.test ~all");
}

// A HELO holding "._ehlo." splits two ways; when only the longer domain
// is configured, that reading is the one answered (the query came through
// some configured domain's include).
TEST(DecideReadingTest, AConfiguredDomainBeatsAnEarlierUnconfiguredReading) {
  config::ConfigSet set = TestConfig();
  config::DomainConfig odd;
  odd.domain = "x._ehlo.odd.test";
  odd.file = "domains/x._ehlo.odd.test.yaml";
  odd.mode = config::Mode::kEnforce;
  odd.dmarc.p = "none";
  odd.spf.netblocks = {testing::Prefix("192.0.2.0/24")};
  set.domains.push_back(odd);
  set.domains.SortByName();
  auto snap = CompileOrDie(set);
  ASSERT_NE(snap, nullptr);
  // Readings: (helo "h._ehlo.x", domain "odd.test"), then (helo "h",
  // domain "x._ehlo.odd.test").
  Decision d = Decide(snap->spf, LowerName("192.0.2.1._ip.h._ehlo.x._ehlo.odd.test._spf.provider.test"));
  ASSERT_NE(d.domain, nullptr);
  EXPECT_EQ(d.domain->name, "x._ehlo.odd.test");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:192.0.2.1 ~all");
}

// ---- Other layouts ---------------------------------------------------------

TEST(DecideLayoutTest, ReversedLayout) {
  auto snap = CompileOrDie(TestConfig("%{ir}.%{d}"));
  ASSERT_NE(snap, nullptr);
  auto decide = [&](absl::string_view text) {
    return Decide(snap->spf, LowerName(absl::StrCat(text, "._spf.provider.test")));
  };
  Decision d = decide("7.113.0.203.example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:203.0.113.7 ~all");
  d = decide("1.0.93.40.sub.example.com");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:40.93.0.1 ~all");
  d = decide("1.2.0.192.example.com");
  EXPECT_EQ(d.rule, Rule::kDefault);
  d = decide("1.2.0.192.blocked.example");
  EXPECT_EQ(d.rule, Rule::kBlocked);
  EXPECT_EQ(decide("example.com").rule, Rule::kNotAMacroName);
  EXPECT_EQ(decide("2.0.192.example.com").rule, Rule::kNotAMacroName);

  // Reversed IPv6 nibbles also fit as IPv4 under a longer domain
  // ("<28 nibbles>.example.com", which example.com's include_subdomains
  // would govern). The IPv6 reading must win.
  std::vector<std::string> labels = absl::StrSplit(Nibbles("2001:db8:1::25"), '.');
  std::reverse(labels.begin(), labels.end());
  std::string reversed = absl::StrJoin(labels, ".");
  d = decide(absl::StrCat(reversed, ".example.com"));
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2001:db8:1::25 ~all");
  d = decide(absl::StrCat(reversed, ".sub.example.com"));
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2001:db8:1::25 ~all");
  // An IPv6 client in a sender's range.
  labels = absl::StrSplit(Nibbles("2a01:111:f400::abcd"), '.');
  std::reverse(labels.begin(), labels.end());
  d = decide(absl::StrCat(absl::StrJoin(labels, "."), ".example.com"));
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2a01:111:f400::abcd ~all");
}

TEST(DecideLayoutTest, ReversedWithVersionLayout) {
  auto snap = CompileOrDie(TestConfig("%{ir}.%{v}.%{d}"));
  ASSERT_NE(snap, nullptr);
  auto decide = [&](absl::string_view text) {
    return Decide(snap->spf, LowerName(absl::StrCat(text, "._spf.provider.test")));
  };
  Decision d = decide("7.113.0.203.in-addr.example.com");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip4:203.0.113.7 ~all");
  std::string nibbles = Nibbles("2001:db8:1::25");
  std::vector<std::string> labels = absl::StrSplit(nibbles, '.');
  std::reverse(labels.begin(), labels.end());
  d = decide(absl::StrCat(absl::StrJoin(labels, "."), ".ip6.example.com"));
  EXPECT_EQ(d.rule, Rule::kNetblock);
  EXPECT_EQ(AnswerText(d), "v=spf1 ip6:2001:db8:1::25 ~all");
  EXPECT_EQ(decide("in-addr.example.com").rule, Rule::kNotAMacroName);
}

TEST(DecideLayoutTest, ExistsLayout) {
  auto snap = CompileOrDie(TestConfig("%{i}._i.%{d}._d"));
  ASSERT_NE(snap, nullptr);
  auto decide = [&](absl::string_view text) {
    return Decide(snap->spf, LowerName(absl::StrCat(text, "._spf.provider.test")));
  };
  Decision d = decide("203.0.113.7._i.example.com._d");
  EXPECT_EQ(d.rule, Rule::kNetblock);
  ASSERT_NE(d.domain, nullptr);
  EXPECT_EQ(d.domain->name, "example.com");
  d = decide("205.201.130.1._i.example.com._d");
  EXPECT_EQ(d.rule, Rule::kSenderRange);
  EXPECT_EQ(AnswerText(d), "v=spf1 include:servers.mcsv.net ~all");
  EXPECT_EQ(decide("192.0.2.1._i.unknown.test._d").rule, Rule::kUnknownDomain);
  EXPECT_EQ(decide("example.com._d").rule, Rule::kNotAMacroName);
  EXPECT_EQ(decide("203.0.113.7._i.example.com").rule, Rule::kNotAMacroName);
}

}  // namespace
}  // namespace dnsd::spf
