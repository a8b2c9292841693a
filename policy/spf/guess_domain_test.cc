// GuessDomain: the domain a macro name most likely names, before matching.
#include "policy/spf/guess_domain.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "policy/spf/decide.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using testing::CompileOrDie;
using testing::LowerName;
using testing::TestConfig;

class GuessDomainTest : public testing::TestConfigTest {
 protected:
  // The guessed domain as presentation text, or "" for no guess.
  static std::string Guess(const MacroZone& policy, absl::string_view text) {
    wire::Name name = LowerName(absl::StrCat(text, "._spf.provider.test"));
    DomainGuess guess;
    GuessDomain(policy, name, &guess);
    if (guess.empty()) return "";
    absl::string_view key(guess.wire, guess.size);
    // The key is the domain map's: hashed as the map hashes it.
    EXPECT_EQ(guess.hash, MacroZone::DomainMap::Hash(key).hash);
    return wire::NameToText(key);
  }
  static std::string Guess(absl::string_view text) { return Guess(snapshot_->spf, text); }
};

TEST_F(GuessDomainTest, TheLabelsAfterTheLastEhlo) {
  EXPECT_EQ(Guess("1.2.3.4._ip.mx.b.net._ehlo.example.com"), "example.com.");
  EXPECT_EQ(Guess("1.2.3.4._ip.mx.b.net._ehlo.a.b.example.com"), "a.b.example.com.");
  // A HELO with a label like the template's own: the last one wins.
  EXPECT_EQ(Guess("1.2.3.4._ip._ehlo.b.net._ehlo.example.com"), "example.com.");
  // A cut name (no IP, part of the HELO) still ends in the domain.
  EXPECT_EQ(Guess("net._ehlo.example.com"), "example.com.");
}

TEST_F(GuessDomainTest, NoLiteralNoGuess) {
  EXPECT_EQ(Guess("example.com"), "");
  EXPECT_EQ(Guess("1.2.3.4._ip.mx.b.net"), "");
  // The literal with nothing after it names no domain.
  EXPECT_EQ(Guess("1.2.3.4._ip.mx.b.net._ehlo"), "");
}

// A domain with a label like the literal is guessed wrong (too short); the
// decision is still the one without the guess.
TEST_F(GuessDomainTest, AWrongGuessChangesNoDecision) {
  wire::Name name = LowerName("1.2.3.4._ip.mx.b.net._ehlo._ehlo.example.com._spf.provider.test");
  DomainGuess guess;
  GuessDomain(snapshot_->spf, name, &guess);
  ASSERT_FALSE(guess.empty());
  EXPECT_EQ(wire::NameToText(absl::string_view(guess.wire, guess.size)), "example.com.");
  Decision plain = Decide(snapshot_->spf, name);
  Decision guessed = Decide(snapshot_->spf, name, &guess);
  EXPECT_EQ(guessed.rule, plain.rule);
  EXPECT_EQ(guessed.domain, plain.domain);
  EXPECT_EQ(guessed.answer, plain.answer);
}

// Decide uses a guess only for the reading whose domain is exactly the
// guessed labels: a guess for other labels (here forged, naming a
// configured domain) changes nothing.
TEST_F(GuessDomainTest, AGuessForOtherLabelsIsNotUsed) {
  wire::Name name = LowerName("1.2.3.4._ip.mx.b.net._ehlo.unknown.example._spf.provider.test");
  DomainGuess forged;
  absl::string_view strict("\x06strict\x07" "example", 16);
  std::memcpy(forged.wire, strict.data(), strict.size());
  forged.size = static_cast<uint8_t>(strict.size());
  forged.hash = MacroZone::DomainMap::Hash(strict).hash;
  forged.range = {0, 1};
  ASSERT_NE(FindDomain(snapshot_->spf, forged.key()), nullptr);
  EXPECT_EQ(Decide(snapshot_->spf, name, &forged).rule, Rule::kUnknownDomain);
  // The same key for the domain's own labels is used (the key decides).
  forged.range = {9, 11};
  EXPECT_EQ(Decide(snapshot_->spf, name, &forged).domain, FindDomain(snapshot_->spf, forged.key()));
}

// Names whose HELO holds the template's literal: every reading's decision,
// range and all, is the one without the guess.
TEST_F(GuessDomainTest, AmbiguousNamesDecideAsWithoutTheGuess) {
  for (absl::string_view text :
       {"1.2.3.4._ip.mx._ehlo.unknown._ehlo.strict.example",
        "1.2.3.4._ip.mx._ehlo.x._ehlo.example.com", "203.0.113.9._ip._ehlo._ehlo._ehlo.terms.example",
        "1.2.3.4._ip.mx._ehlo.strict.example._ehlo.unknown.example"}) {
    wire::Name name = LowerName(absl::StrCat(text, "._spf.provider.test"));
    DomainGuess guess;
    GuessDomain(snapshot_->spf, name, &guess);
    Decision plain = Decide(snapshot_->spf, name);
    Decision guessed = Decide(snapshot_->spf, name, &guess);
    EXPECT_EQ(guessed.rule, plain.rule) << text;
    EXPECT_EQ(guessed.domain, plain.domain) << text;
    EXPECT_EQ(guessed.name.domain.begin, plain.name.domain.begin) << text;
    EXPECT_EQ(guessed.name.helo.end, plain.name.helo.end) << text;
    EXPECT_EQ(testing::AnswerText(guessed, &name), testing::AnswerText(plain, &name)) << text;
  }
}

TEST(GuessDomainTemplateTest, OnlyForTemplatesEndingInALiteralAndTheDomain) {
  auto reversed = CompileOrDie(TestConfig("%{ir}.%{d}"));
  ASSERT_NE(reversed, nullptr);
  wire::Name name = LowerName("4.3.2.1.example.com._spf.provider.test");
  DomainGuess guess;
  GuessDomain(reversed->spf, name, &guess);
  EXPECT_TRUE(guess.empty());

  auto other = CompileOrDie(TestConfig("%{i}._i.%{d}"));
  ASSERT_NE(other, nullptr);
  name = LowerName("1.2.3.4._i.example.com._spf.provider.test");
  GuessDomain(other->spf, name, &guess);
  ASSERT_FALSE(guess.empty());
  EXPECT_EQ(wire::NameToText(absl::string_view(guess.wire, guess.size)), "example.com.");
  EXPECT_EQ(FindDomain(other->spf, guess.key()), FindDomain(other->spf, absl::string_view("\x07" "example\x03" "com", 13)));
  EXPECT_NE(FindDomain(other->spf, guess.key()), nullptr);
}

}  // namespace
}  // namespace dnsd::spf
