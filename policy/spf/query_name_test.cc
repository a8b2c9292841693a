// MatchQueryName: every reading of a query name against a template, for
// the IP forms, odd HELOs, letter case, other layouts and names cut from
// the left (RFC 7208 §7.3).
#include "policy/spf/query_name.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/protocol/wire/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testing::Ip;
using testing::LabelsText;
using testing::LowerName;

constexpr int kZoneLabels = 3;  // _spf.provider.test

// The nibble labels %{i} gives for an IPv6 (or IPv4-mapped) address.
std::string Nibbles(const IpAddress& ip, bool reversed = false) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::vector<std::string> labels;
  for (uint8_t b : ip.bytes) {
    labels.emplace_back(1, kHex[b >> 4]);
    labels.emplace_back(1, kHex[b & 0xF]);
  }
  if (reversed) std::reverse(labels.begin(), labels.end());
  return absl::StrJoin(labels, ".");
}

// One reading, as a line: "whole ip=192.0.2.1 helo=mail.example.net
// domain=example.com". A part that is not known whole shows "?" and what
// is left of it; a part the template does not have shows "-".
std::string Describe(const wire::Name& name, const MacroName& m) {
  auto part = [&](bool known, LabelRange r) {
    if (r.empty()) return std::string("-");
    return absl::StrCat(known ? "" : "?", LabelsText(name, r.begin, r.end));
  };
  std::string ip = "?";
  if (m.ip_known) {
    ip = FormatIpAddress(m.ip);
    if (m.ip_as_nibbles) absl::StrAppend(&ip, "/nibbles");
  }
  return absl::StrCat(m.complete ? "whole" : "cut", " ip=", ip, " helo=", part(m.helo_known, m.helo),
                      " domain=", part(m.domain_known, m.domain));
}

std::vector<std::string> Readings(absl::string_view tmpl_text, const wire::Name& name) {
  auto tmpl = ParseTemplate(tmpl_text);
  EXPECT_TRUE(tmpl.ok()) << tmpl.status();
  if (!tmpl.ok()) return {};
  NameLabels labels{&name, name.label_count - kZoneLabels};
  std::vector<std::string> out;
  MatchQueryName(*tmpl, labels, [&](const MacroName& m) { out.push_back(Describe(name, m)); });
  return out;
}

std::vector<std::string> Readings(absl::string_view tmpl_text, absl::string_view text) {
  return Readings(tmpl_text, LowerName(absl::StrCat(text, "._spf.provider.test")));
}

std::vector<std::string> Readings(absl::string_view text) {
  return Readings("%{i}._ip.%{h}._ehlo.%{d}", text);
}

TEST(QueryNameTest, IPv4) {
  EXPECT_THAT(Readings("192.0.2.1._ip.mail.example.net._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=mail.example.net domain=example.com"));
  EXPECT_THAT(Readings("0.0.0.0._ip.a._ehlo.b"), ElementsAre("whole ip=0.0.0.0 helo=a domain=b"));
  EXPECT_THAT(Readings("255.255.255.255._ip.a._ehlo.b.c"),
              ElementsAre("whole ip=255.255.255.255 helo=a domain=b.c"));
}

TEST(QueryNameTest, IPv4FieldsAreFilledIn) {
  wire::Name name = LowerName("192.0.2.1._ip.mail.example.net._ehlo.example.com._spf.provider.test");
  auto tmpl = ParseTemplate("%{i}._ip.%{h}._ehlo.%{d}");
  ASSERT_TRUE(tmpl.ok());
  NameLabels labels{&name, name.label_count - kZoneLabels};
  std::vector<MacroName> seen;
  MatchQueryName(*tmpl, labels, [&](const MacroName& m) { seen.push_back(m); });
  ASSERT_EQ(seen.size(), 1u);
  const MacroName& m = seen[0];
  EXPECT_TRUE(m.complete && m.ip_known && m.helo_known && m.domain_known);
  EXPECT_EQ(m.ip, Ip("192.0.2.1"));
  EXPECT_TRUE(m.ip.is_v4());
  EXPECT_FALSE(m.ip_as_nibbles);
  EXPECT_EQ(m.helo.begin, 5);
  EXPECT_EQ(m.helo.end, 8);
  EXPECT_EQ(m.domain.begin, 9);
  EXPECT_EQ(m.domain.end, 11);
  // The domain is the tail of the name down to the zone, root included.
  EXPECT_EQ(labels.Tail(m.domain),
            absl::string_view("\7example\3com\4_spf\10provider\4test\0", 32));
}

TEST(QueryNameTest, IPv6AsThirtyTwoForwardNibbles) {
  IpAddress ip = Ip("2001:db8::1");
  std::string nibbles = Nibbles(ip);
  ASSERT_EQ(nibbles, "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1");
  EXPECT_THAT(Readings(absl::StrCat(nibbles, "._ip.mail.example.net._ehlo.example.com")),
              ElementsAre("whole ip=2001:db8::1/nibbles helo=mail.example.net domain=example.com"));
  // Hex letters, all of them.
  IpAddress letters = Ip("abcd:ef01:2345:6789:abcd:ef01:2345:6789");
  EXPECT_THAT(Readings(absl::StrCat(Nibbles(letters), "._ip.h._ehlo.d")),
              ElementsAre("whole ip=abcd:ef01:2345:6789:abcd:ef01:2345:6789/nibbles helo=h domain=d"));
}

TEST(QueryNameTest, IPv6NibblesInUpperCaseMatchOnceLowerCased) {
  IpAddress ip = Ip("2001:db8::abcd");
  std::string upper = Nibbles(ip);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_THAT(Readings(absl::StrCat(upper, "._ip.H._ehlo.D")),
              ElementsAre("whole ip=2001:db8::abcd/nibbles helo=h domain=d"));
}

TEST(QueryNameTest, IPv4MappedNibblesAreTheIPv4Address) {
  IpAddress ip = Ip("::ffff:192.0.2.1");
  ASSERT_TRUE(ip.is_v4());
  wire::Name name = LowerName(
      absl::StrCat(Nibbles(ip), "._ip.mail.example.net._ehlo.example.com._spf.provider.test"));
  auto tmpl = ParseTemplate("%{i}._ip.%{h}._ehlo.%{d}");
  ASSERT_TRUE(tmpl.ok());
  NameLabels labels{&name, name.label_count - kZoneLabels};
  std::vector<MacroName> seen;
  MatchQueryName(*tmpl, labels, [&](const MacroName& m) { seen.push_back(m); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].complete);
  EXPECT_TRUE(seen[0].ip_known);
  EXPECT_TRUE(seen[0].ip.is_v4());
  EXPECT_TRUE(seen[0].ip_as_nibbles);
  EXPECT_EQ(seen[0].ip, Ip("192.0.2.1"));
}

TEST(QueryNameTest, HeloUnknown) {
  EXPECT_THAT(Readings("192.0.2.1._ip.unknown._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=unknown domain=example.com"));
}

TEST(QueryNameTest, HeloAddressLiterals) {
  // "[192.0.2.1]" expands with its dots, so the brackets sit in the first
  // and last of four labels.
  EXPECT_THAT(Readings("192.0.2.1._ip.[192.0.2.1]._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=[192.0.2.1] domain=example.com"));
  // An IPv6 literal has no dot: one label with brackets and colons.
  IpAddress ip = Ip("2001:db8::1");
  EXPECT_THAT(Readings(absl::StrCat(Nibbles(ip), "._ip.[IPv6:2001:db8::1]._ehlo.example.com")),
              ElementsAre("whole ip=2001:db8::1/nibbles helo=[ipv6:2001:db8::1] domain=example.com"));
  // The same as one label with escaped dots.
  EXPECT_THAT(Readings("192.0.2.1._ip.[192\\.0\\.2\\.1]._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=[192\\0460\\0462\\0461] domain=example.com"));
}

TEST(QueryNameTest, HeloWithBinaryOctets) {
  EXPECT_THAT(
      Readings("192.0.2.1._ip.\\000\\255\\046\\092x.\\200._ehlo.example.com"),
      ElementsAre("whole ip=192.0.2.1 helo=\\000\\255\\046\\092x.\\200 domain=example.com"));
  // A HELO that is one 63-octet label of junk.
  std::string junk;
  for (int i = 0; i < 63; ++i) absl::StrAppend(&junk, "\\", 128 + i);
  std::vector<std::string> r = Readings(absl::StrCat("192.0.2.1._ip.", junk, "._ehlo.example.com"));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_THAT(r[0], ::testing::StartsWith("whole ip=192.0.2.1 helo=\\128\\129"));
}

TEST(QueryNameTest, HeloWithTheTemplatesOwnLabels) {
  // A HELO of "_ip.x._ehlo.y" fits two ways, both whole: the caller picks
  // by which domain is configured.
  EXPECT_THAT(Readings("192.0.2.1._ip._ip.x._ehlo.y._ehlo.example.com"),
              UnorderedElementsAre("whole ip=192.0.2.1 helo=_ip.x._ehlo.y domain=example.com",
                                   "whole ip=192.0.2.1 helo=_ip.x domain=y._ehlo.example.com"));
  EXPECT_THAT(Readings("192.0.2.1._ip._ip._ip._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=_ip._ip domain=example.com"));
  EXPECT_THAT(Readings("192.0.2.1._ip._ehlo._ehlo.example.com"),
              UnorderedElementsAre("whole ip=192.0.2.1 helo=_ehlo domain=example.com"));
  // A HELO that looks like a whole macro name of its own.
  EXPECT_THAT(Readings("192.0.2.1._ip.6.6.6.6._ip.evil._ehlo.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=6.6.6.6._ip.evil domain=example.com"));
}

TEST(QueryNameTest, AnyLetterCaseOnceTheGateLowerCasedIt) {
  // As the header gate does it: read the question name from a message,
  // then fold its case.
  std::vector<uint8_t> msg = dnsd::testing::WireBuilder()
                                 .Header(1, 0, 1)
                                 .Question("192.0.2.1._IP.Mail.EXAMPLE.Net._eHLO.ExAmPlE.CoM."
                                           "_SPF.Provider.TEST",
                                           16)
                                 .Build();
  wire::Reader reader(msg);
  reader.Skip(12);
  wire::Name raw, lower;
  reader.ReadName(&raw);
  ASSERT_TRUE(reader.ok());
  wire::LowerCase(raw, &lower);
  EXPECT_THAT(Readings("%{i}._ip.%{h}._ehlo.%{d}", lower),
              ElementsAre("whole ip=192.0.2.1 helo=mail.example.net domain=example.com"));
  // Without the fold the literal labels do not match: the matcher relies
  // on the caller.
  EXPECT_THAT(Readings("%{i}._ip.%{h}._ehlo.%{d}", raw), IsEmpty());
}

TEST(QueryNameTest, RejectsNonCanonicalOctets) {
  for (const char* ip : {"192.0.2.01", "192.0.02.1", "00.0.2.1", "192.0.2.256", "192.0.2.1000",
                         "192.0.2.-1", "192.0.2.a", "192.0.2", "192.0.2.1.5", "1e2.0.2.1",
                         "+1.0.2.1", "192.0.2.1 "}) {
    EXPECT_THAT(Readings(absl::StrCat(ip, "._ip.mail.example.net._ehlo.example.com")), IsEmpty())
        << ip;
  }
}

TEST(QueryNameTest, RejectsBadNibbles) {
  std::string good = Nibbles(Ip("2001:db8::1"));
  ASSERT_THAT(Readings(absl::StrCat(good, "._ip.h._ehlo.d")), ::testing::SizeIs(1));
  std::string bad = good;
  bad[0] = 'g';
  EXPECT_THAT(Readings(absl::StrCat(bad, "._ip.h._ehlo.d")), IsEmpty());
  // Two hex digits in one label, 31 or 33 labels.
  EXPECT_THAT(Readings(absl::StrCat("20.", good.substr(4), "._ip.h._ehlo.d")), IsEmpty());
  EXPECT_THAT(Readings(absl::StrCat(good.substr(2), "._ip.h._ehlo.d")), IsEmpty());
  EXPECT_THAT(Readings(absl::StrCat("0.", good, "._ip.h._ehlo.d")), IsEmpty());
}

TEST(QueryNameTest, AncestorsOfMacroNamesAreNoReading) {
  for (const char* text : {"com", "example.com", "_ehlo.example.com", "net._ehlo.example.com",
                           "mail.example.net._ehlo.example.com",
                           "_ip.mail.example.net._ehlo.example.com",
                           "1._ip.mail.example.net._ehlo.example.com",
                           "2.1._ip.mail.example.net._ehlo.example.com",
                           "0.2.1._ip.mail.example.net._ehlo.example.com"}) {
    EXPECT_THAT(Readings(text), IsEmpty()) << text;
  }
}

TEST(QueryNameTest, LabelsLeftOverAreNoReading) {
  EXPECT_THAT(Readings("9.192.0.2.1._ip.h._ehlo.example.com"), IsEmpty());
  EXPECT_THAT(Readings("x.192.0.2.1._ip.h._ehlo.example.com"), IsEmpty());
  EXPECT_THAT(Readings("192.0.2.1.h._ehlo.example.com"), IsEmpty());
}

TEST(QueryNameTest, MayBeTruncatedFromOneHundredNinetyOctets) {
  // Text length = wire size - 2. A cut removes at most a 63-octet label and
  // its dot from a name over 253 octets, so at least 190 remain.
  auto name_of_text_length = [](size_t n) {
    std::string text;
    while (text.size() < n) {
      size_t left = n - text.size();
      if (!text.empty()) {
        text.push_back('.');
        --left;
      }
      text.append(std::min<size_t>(left, 50), 'a');
    }
    return LowerName(text);
  };
  EXPECT_FALSE(MayBeTruncated(name_of_text_length(189)));
  EXPECT_TRUE(MayBeTruncated(name_of_text_length(190)));
  EXPECT_TRUE(MayBeTruncated(name_of_text_length(253)));
  EXPECT_FALSE(MayBeTruncated(LowerName("a")));
}

// A long HELO: `count` labels of 50 letters, then `last`.
std::string LongHelo(int count, absl::string_view last) {
  std::vector<std::string> labels;
  for (int i = 0; i < count; ++i) labels.push_back(std::string(50, 'a' + i));
  labels.push_back(std::string(last));
  return absl::StrJoin(labels, ".");
}

TEST(QueryNameTest, ACutThroughTheIpGivesOnlyCutReadings) {
  // What is left of an IPv6 address: "e.e.f" of "...b.e.e.f".
  std::string name = absl::StrCat("e.e.f._ip.", LongHelo(3, "mx.test"), "._ehlo.example.com");
  ASSERT_GE(name.size() + 19, 190u);
  ASSERT_LE(name.size() + 19, 253u);
  std::vector<std::string> r = Readings(name);
  ASSERT_FALSE(r.empty());
  for (const std::string& line : r) EXPECT_THAT(line, ::testing::StartsWith("cut ip=?")) << line;
  EXPECT_THAT(r, ::testing::Contains(absl::StrCat("cut ip=? helo=", LongHelo(3, "mx.test"),
                                                  " domain=example.com")));
}

TEST(QueryNameTest, ACutThroughTheHeloLeavesTheDomain) {
  std::string helo_rest = LongHelo(4, "mx.test").substr(51);  // the first label is gone
  std::string name = absl::StrCat(helo_rest, "._ehlo.example.com");
  ASSERT_GE(name.size() + 19, 190u);
  ASSERT_LE(name.size() + 19, 253u);
  EXPECT_THAT(Readings(name),
              ElementsAre(absl::StrCat("cut ip=? helo=?", helo_rest, " domain=example.com"),
                          // The cut could have gone through the domain too.
                          ::testing::StartsWith("cut ip=? helo=- domain=?")));
}

TEST(QueryNameTest, ReversedLayout) {
  EXPECT_THAT(Readings("%{ir}.%{d}", "1.2.0.192.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=- domain=example.com"));
  // Reversed IPv6 nibbles also read as an IPv4 address (the lowest four
  // nibbles) under a long domain made of the other 28: the layout itself is
  // ambiguous. The IPv6 reading comes first, with the shorter domain, and
  // Decide keeps the first of equally good readings (see decide_test).
  IpAddress ip = Ip("2001:db8::1");
  EXPECT_THAT(
      Readings("%{ir}.%{d}", absl::StrCat(Nibbles(ip, true), ".example.com")),
      ElementsAre("whole ip=2001:db8::1/nibbles helo=- domain=example.com",
                  "whole ip=0.0.0.1 helo=- domain=0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1."
                  "0.0.2.example.com"));
  EXPECT_THAT(Readings("%{ir}.%{d}", "example.com"), IsEmpty());
}

TEST(QueryNameTest, ReversedWithVersionLayout) {
  EXPECT_THAT(Readings("%{ir}.%{v}.%{d}", "1.2.0.192.in-addr.example.com"),
              ElementsAre("whole ip=192.0.2.1 helo=- domain=example.com"));
  IpAddress ip = Ip("2001:db8::1");
  EXPECT_THAT(Readings("%{ir}.%{v}.%{d}", absl::StrCat(Nibbles(ip, true), ".ip6.example.com")),
              ElementsAre("whole ip=2001:db8::1/nibbles helo=- domain=example.com"));
  EXPECT_THAT(Readings("%{ir}.%{v}.%{d}", "1.2.0.192.ipv4.example.com"), IsEmpty());
  EXPECT_THAT(Readings("%{ir}.%{v}.%{d}", "in-addr.example.com"), IsEmpty());
}

TEST(QueryNameTest, ExistsLayoutWithALiteralAfterTheDomain) {
  EXPECT_THAT(Readings("%{i}._i.%{d}._d", "192.0.2.1._i.example.com._d"),
              ElementsAre("whole ip=192.0.2.1 helo=- domain=example.com"));
  EXPECT_THAT(Readings("%{i}._i.%{d}._d", "192.0.2.1._i.example.com"), IsEmpty());
  EXPECT_THAT(Readings("%{i}._i.%{d}._d", "example.com._d"), IsEmpty());
}

}  // namespace
}  // namespace dnsd::spf
