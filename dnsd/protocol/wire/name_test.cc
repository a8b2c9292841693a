#include "dnsd/protocol/wire/name.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::wire {
namespace {

using namespace std::string_literals;
using ::testing::HasSubstr;

std::string Wire(absl::string_view text) {
  auto wire = NameFromText(text);
  EXPECT_TRUE(wire.ok()) << text << ": " << wire.status();
  return wire.value_or("");
}

Name MakeName(absl::string_view wire) {
  Name n;
  std::copy(wire.begin(), wire.end(), n.data);
  n.size = static_cast<uint8_t>(wire.size());
  n.IndexLabels();
  return n;
}

TEST(NameFromTextTest, LowerCasesAndEndsInRoot) {
  EXPECT_EQ(Wire("_dmarc.Example.COM"), "\x06_dmarc\x07" "example\x03" "com\x00"s);
  EXPECT_EQ(Wire("_dmarc.example.com."), Wire("_dmarc.example.com"));
}

TEST(NameFromTextTest, Root) {
  EXPECT_EQ(Wire(""), "\x00"s);
  EXPECT_EQ(Wire("."), "\x00"s);
}

TEST(NameFromTextTest, EmptyLabelsAreErrors) {
  for (absl::string_view bad : {"a..b", ".a", "..", "a.b.."}) {
    EXPECT_FALSE(NameFromText(bad).ok()) << "'" << bad << "' parsed";
  }
  EXPECT_THAT(NameFromText("a..b").status().message(), HasSubstr("bad label"));
}

TEST(NameFromTextTest, LabelLengthLimit) {
  EXPECT_TRUE(NameFromText(std::string(63, 'a') + ".com").ok());
  EXPECT_FALSE(NameFromText(std::string(64, 'a') + ".com").ok());
}

TEST(NameFromTextTest, NameLengthLimitIs255WireOctets) {
  std::string l63(63, 'a');
  // 3 x (1 + 63) + (1 + 61) + root = 255 octets.
  std::string max = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
  auto ok = NameFromText(max);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->size(), 255u);
  auto too_long = NameFromText(max + "b");
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.status().message(), HasSubstr("255"));
}

TEST(NameToTextTest, PlainNames) {
  EXPECT_EQ(NameToText("\x06_dmarc\x07" "example\x03" "com\x00"s), "_dmarc.example.com.");
  EXPECT_EQ(NameToText("\x00"s), ".");
  EXPECT_EQ(NameToText(""), ".");
  EXPECT_EQ(NameToText("\x01*\x03" "Foo\x00"s), "*.Foo.");  // case is kept
  EXPECT_EQ(NameToText("\x05" "a-b_c\x00"s), "a-b_c.");
}

TEST(NameToTextTest, EscapesOtherOctets) {
  // RFC 1035 §5.1 \DDD: a dot inside a label must not read as a separator.
  EXPECT_EQ(NameToText("\x03" "a.b\x00"s), "a\\046b.");
  EXPECT_EQ(NameToText("\x03" "a b\x00"s), "a\\032b.");
  EXPECT_EQ(NameToText("\x02\x00\xff\x00"s), "\\000\\255.");
  EXPECT_EQ(NameToText("\x02" "a\\\x00"s), "a\\092.");
}

TEST(NameToTextTest, MalformedWireStaysInBounds) {
  // A label length pointing past the end: output stops, nothing is read beyond.
  EXPECT_EQ(NameToText("\x05" "ab"s), "ab.");
  EXPECT_EQ(NameToText("\x03" "abc"s), "abc.");  // no root label
}

TEST(NameTextTest, RoundTrip) {
  for (absl::string_view text : {"_dmarc.example.com.", "s1._domainkey.example.org.",
                                 "a.b.c.d.e.f.", "x--y.example."}) {
    EXPECT_EQ(NameToText(Wire(text)), text);
  }
}

TEST(IsSubdomainTest, EqualAndBelow) {
  EXPECT_TRUE(IsSubdomain(Wire("example.com"), Wire("example.com")));
  EXPECT_TRUE(IsSubdomain(Wire("_dmarc.example.com"), Wire("example.com")));
  EXPECT_TRUE(IsSubdomain(Wire("a.b.c.example.com"), Wire("example.com")));
  EXPECT_TRUE(IsSubdomain(Wire("example.com"), Wire("com")));
  EXPECT_TRUE(IsSubdomain(Wire("example.com"), Wire(".")));
  EXPECT_TRUE(IsSubdomain(Wire("."), Wire(".")));
}

TEST(IsSubdomainTest, OnlyAtLabelBoundaries) {
  EXPECT_FALSE(IsSubdomain(Wire("xexample.com"), Wire("example.com")));
  EXPECT_FALSE(IsSubdomain(Wire("a.xexample.com"), Wire("example.com")));
  EXPECT_FALSE(IsSubdomain(Wire("example.com"), Wire("xample.com")));
  // The raw octets after the first two equal "example.com" but the label
  // "a\007example" swallows them: the name is only below "com".
  std::string tricky = "\x09" "a\x07" "example\x03" "com\x00"s;
  ASSERT_EQ(tricky.substr(2), Wire("example.com"));
  EXPECT_FALSE(IsSubdomain(tricky, Wire("example.com")));
  EXPECT_TRUE(IsSubdomain(tricky, Wire("com")));
}

TEST(IsSubdomainTest, AboveOrBesideIsNot) {
  EXPECT_FALSE(IsSubdomain(Wire("com"), Wire("example.com")));
  EXPECT_FALSE(IsSubdomain(Wire("."), Wire("com")));
  EXPECT_FALSE(IsSubdomain(Wire("example.org"), Wire("example.com")));
  EXPECT_FALSE(IsSubdomain(Wire("example.com"), Wire("example.org")));
}

TEST(CountLabelsTest, Counts) {
  EXPECT_EQ(CountLabels(Wire(".")), 0);
  EXPECT_EQ(CountLabels(Wire("com")), 1);
  EXPECT_EQ(CountLabels(Wire("_dmarc.example.com")), 3);
  EXPECT_EQ(CountLabels("\x05" "ab"s), 1);  // malformed: stays in bounds
}

TEST(NameTest, IndexLabelsAndSuffix) {
  Name n = MakeName(Wire("a.bc.def"));
  EXPECT_EQ(n.label_count, 3);
  EXPECT_EQ(n.label_offsets[0], 0);
  EXPECT_EQ(n.label_offsets[1], 2);
  EXPECT_EQ(n.label_offsets[2], 5);
  EXPECT_EQ(n.Suffix(0), Wire("a.bc.def"));
  EXPECT_EQ(n.Suffix(1), Wire("bc.def"));
  EXPECT_EQ(n.Suffix(2), Wire("def"));
  EXPECT_EQ(n.Suffix(3), Wire("."));  // past the last label: the root
  EXPECT_EQ(n.view(), Wire("a.bc.def"));

  Name root = MakeName(Wire("."));
  EXPECT_EQ(root.label_count, 0);
  EXPECT_EQ(root.Suffix(0), Wire("."));
}

TEST(NameTest, MaximumLabelCount) {
  // 127 one-octet labels and the root: 255 octets.
  std::string wire;
  for (int i = 0; i < 127; ++i) wire += "\x01x";
  wire.push_back('\0');
  ASSERT_EQ(wire.size(), 255u);
  Name n = MakeName(wire);
  EXPECT_EQ(n.label_count, 127);
  EXPECT_EQ(n.label_offsets[126], 252);
  EXPECT_EQ(n.Suffix(126), "\x01x\x00"s);
}

TEST(LowerCaseTest, FoldsOnlyAsciiLetters) {
  // '@' and '[' sit just outside A-Z; 0xC1 is not ASCII.
  std::string mixed = "\x06" "ExAmPl\x04" "@[Z\xc1\x03" "COM\x00"s;
  Name in = MakeName(mixed);
  Name out;
  LowerCase(in, &out);
  EXPECT_EQ(out.view(), "\x06" "exampl\x04" "@[z\xc1\x03" "com\x00"s);
  EXPECT_EQ(out.label_count, in.label_count);
  for (int i = 0; i < in.label_count; ++i) EXPECT_EQ(out.label_offsets[i], in.label_offsets[i]);
  // The input is untouched.
  EXPECT_EQ(in.view(), mixed);
}

// Every octet value at every position of a full-length name (LowerCase
// folds eight octets at a time, then the rest one by one), against the
// plain rule.
TEST(LowerCaseTest, EveryOctetAtEveryPosition) {
  for (int size = 1; size <= static_cast<int>(kMaxNameSize); size += 7) {
    for (int value = 0; value < 256; ++value) {
      Name in;
      in.size = static_cast<uint8_t>(size);
      for (int i = 0; i < size; ++i) in.data[i] = static_cast<uint8_t>((value + i * 37) & 0xFF);
      Name out;
      LowerCase(in, &out);
      ASSERT_EQ(out.size, in.size);
      for (int i = 0; i < size; ++i) {
        uint8_t c = in.data[i];
        uint8_t want = c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c + 32) : c;
        ASSERT_EQ(out.data[i], want) << "size " << size << " position " << i << " octet " << int{c};
      }
    }
  }
}

}  // namespace
}  // namespace dnsd::wire
