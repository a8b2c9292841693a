#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/writer.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "dnsd/testing/bytes.h"
#include "dnsd/testing/ldns_referee.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::wire {
namespace {

using namespace std::string_literals;
using dnsd::testing::NameAtWithLdns;
using dnsd::testing::ToHex;

std::string Wire(absl::string_view text) { return NameFromText(text).value(); }

std::vector<uint8_t> Written(const Writer& w) {
  return {w.buffer().begin(), w.buffer().begin() + w.size()};
}

// ldns's reading of the name written at `offset`.
std::string LdnsName(const Writer& w, size_t offset) {
  auto text = NameAtWithLdns(Written(w), offset);
  EXPECT_TRUE(text.ok()) << text.status() << " at offset " << offset;
  return text.value_or("<error>");
}

TEST(WriterTest, IntegersAreBigEndian) {
  uint8_t buf[16];
  Writer w(buf);
  w.PutU8(0x12);
  w.PutU16(0x3456);
  w.PutU32(0x789abcde);
  w.PutBytes("xy");
  w.PutBytes(std::span<const uint8_t>(buf, 1));  // copies the 0x12 already written
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(ToHex(Written(w)), "12 34 56 78 9a bc de 78 79 12");
}

TEST(WriterTest, PatchU16) {
  uint8_t buf[8];
  Writer w(buf);
  w.PutU32(0);
  w.PatchU16(2, 0xbeef);
  EXPECT_EQ(ToHex(Written(w)), "00 00 be ef");
  EXPECT_EQ(w.size(), 4u);
}

TEST(WriterTest, OverflowDropsTheWriteAndIsSticky) {
  uint8_t buf[5];
  Writer w(buf);
  w.PutU32(0x01020304);
  w.PutU16(0x0506);  // one octet left: dropped whole
  EXPECT_TRUE(w.overflowed());
  EXPECT_EQ(w.size(), 4u);
  w.PutBytes("abc");
  EXPECT_EQ(w.size(), 4u);
  w.PutU8(0x05);  // fits, but the writer stays overflowed
  EXPECT_TRUE(w.overflowed());

  uint8_t small[3];
  Writer w32(small);
  w32.PutU32(1);
  EXPECT_TRUE(w32.overflowed());
}

TEST(WriterTest, SetLimitShrinksButNeverGrows) {
  uint8_t buf[10];
  Writer w(buf);
  w.set_limit(4);
  w.PutU32(1);
  EXPECT_FALSE(w.overflowed());
  w.PutU8(1);
  EXPECT_TRUE(w.overflowed());
  w.Truncate(0);
  w.set_limit(100);  // larger than the buffer: ignored
  EXPECT_EQ(w.buffer().size(), 4u);
}

TEST(WriterTest, TruncateRollsBackAndClearsOverflow) {
  uint8_t buf[6];
  Writer w(buf);
  w.PutU16(1);
  size_t mark = w.size();
  w.PutU32(2);
  w.PutU32(3);
  EXPECT_TRUE(w.overflowed());
  w.Truncate(mark);
  EXPECT_FALSE(w.overflowed());
  EXPECT_EQ(w.size(), 2u);
  w.Truncate(5);  // beyond the end: ignored
  EXPECT_EQ(w.size(), 2u);
}

TEST(WriterTest, CompressesAgainstEarlierNames) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));  // a header's worth
  w.PutName(Wire("www.example.com"));
  size_t mail = w.size();
  w.PutName(Wire("mail.example.com"));
  size_t same = w.size();
  w.PutName(Wire("www.example.com"));
  size_t com = w.size();
  w.PutName(Wire("com"));
  ASSERT_FALSE(w.overflowed());
  // mail + pointer to "example.com" at 12 + 4.
  EXPECT_EQ(ToHex(std::span(buf + mail, same - mail)), "04 6d 61 69 6c c0 10");
  EXPECT_EQ(same - mail, 7u);
  EXPECT_EQ(com - same, 2u);  // the whole name is one pointer
  EXPECT_EQ(w.size() - com, 2u);
  EXPECT_EQ(LdnsName(w, 12), "www.example.com.");
  EXPECT_EQ(LdnsName(w, mail), "mail.example.com.");
  EXPECT_EQ(LdnsName(w, same), "www.example.com.");
  EXPECT_EQ(LdnsName(w, com), "com.");
}

TEST(WriterTest, CompressesAgainstAPartlyCompressedName) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  w.PutName(Wire("example.com"));
  size_t second = w.size();
  w.PutName(Wire("a.example.com"));  // "a" + pointer, remembered itself
  size_t third = w.size();
  w.PutName(Wire("b.a.example.com"));
  ASSERT_FALSE(w.overflowed());
  // "b.a" + pointer to "example.com": a suffix is only found in octets
  // written uncompressed, so "a.example.com" at `second` is no target.
  EXPECT_LE(w.size() - third, 6u);
  EXPECT_EQ(LdnsName(w, second), "a.example.com.");
  EXPECT_EQ(LdnsName(w, third), "b.a.example.com.");
}

TEST(WriterTest, CompressionIgnoresLetterCase) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  w.PutName("\x07" "ExAmPlE\x03" "COM\x00"s);
  size_t at = w.size();
  w.PutName(Wire("s1._domainkey.example.com"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(w.size() - at, 3u + 11u + 2u);
  // Names compare case-insensitively (RFC 1035 §2.3.3); the pointed-to case wins.
  EXPECT_EQ(LdnsName(w, at), "s1._domainkey.ExAmPlE.COM.");
}

TEST(WriterTest, NoCommonSuffixNoPointer) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  w.PutName(Wire("example.com"));
  size_t at = w.size();
  w.PutName(Wire("example.org"));
  w.PutName(Wire("."));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(w.size() - at, 13u + 1u);
  EXPECT_EQ(LdnsName(w, at), "example.org.");
  // "xexample.com" must not point into "example.com" mid-label.
  size_t x = w.size();
  w.PutName(Wire("xexample.com"));
  EXPECT_EQ(LdnsName(w, x), "xexample.com.");
  EXPECT_EQ(w.size() - x, 9u + 2u);  // "xexample" + pointer to "com"
}

TEST(WriterTest, RememberNameMakesTheQuestionATarget) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  w.PutBytes(Wire("_dmarc.example.com"));  // the echoed question, raw
  w.RememberName(12);
  size_t at = w.size();
  w.PutName(Wire("_dmarc.example.com"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(ToHex(std::span(buf + at, 2)), "c0 0c");
  EXPECT_EQ(LdnsName(w, at), "_dmarc.example.com.");
}

TEST(WriterTest, TruncateForgetsNamesWrittenAfterTheMark) {
  uint8_t buf[512] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  size_t mark = w.size();
  w.PutName(Wire("gone.example"));
  w.Truncate(mark);
  // Overwrite where the name was, then write a name it would have matched.
  w.PutBytes("\x05" "other\x07" "invalid\x00"s);
  size_t at = w.size();
  w.PutName(Wire("gone.example"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(w.size() - at, 14u);  // written whole, no stale pointer
  EXPECT_EQ(LdnsName(w, at), "gone.example.");
}

TEST(WriterTest, TruncateFreesRememberedSlots) {
  // Fill the table, roll everything back, and the slots are free again.
  std::vector<uint8_t> buf(4096);
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  size_t mark = w.size();
  for (int i = 0; i < 20; ++i) w.PutName(Wire(absl::StrCat("old", i, ".zone", i)));
  w.Truncate(mark);
  w.PutU8(0xff);  // so that no forgotten offset lines up with the new name
  w.PutName(Wire("new.example"));
  size_t at = w.size();
  w.PutName(Wire("new.example"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(w.size() - at, 2u);
  EXPECT_EQ(LdnsName(w, at), "new.example.");
}

TEST(WriterTest, OverflowInsideAName) {
  uint8_t buf[20] = {};
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  size_t mark = w.size();
  w.PutName(Wire("toolong.example"));
  EXPECT_TRUE(w.overflowed());
  w.Truncate(mark);
  EXPECT_FALSE(w.overflowed());
  w.PutName(Wire("ok"));
  EXPECT_FALSE(w.overflowed());
  EXPECT_EQ(LdnsName(w, mark), "ok.");
}

TEST(WriterTest, ManyNamesDoNotOverflowTheTable) {
  std::vector<uint8_t> buf(4096);
  Writer w(buf);
  w.PutBytes(std::string(12, '\0'));
  std::vector<size_t> offsets;
  for (int i = 0; i < 40; ++i) {
    offsets.push_back(w.size());
    w.PutName(Wire(absl::StrCat("n", i, ".zone", i)));
  }
  ASSERT_FALSE(w.overflowed());
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(LdnsName(w, offsets[i]), absl::StrCat("n", i, ".zone", i, "."));
  }
  // A name seen among the first ones still compresses.
  size_t at = w.size();
  w.PutName(Wire("n0.zone0"));
  EXPECT_EQ(w.size() - at, 2u);
  EXPECT_EQ(LdnsName(w, at), "n0.zone0.");
}

TEST(WriterTest, PointersOnlyReachFirst16KiB) {
  // A pointer has 14 bits of offset. A name that starts just below 0x4000
  // has labels above it; compressing against those would need a 15-bit
  // offset, which `0xC000 | target` silently truncates.
  std::vector<uint8_t> buf(0x5000);
  Writer w(buf);
  w.PutBytes(std::string(0x3ffc, '\0'));
  w.PutName(Wire("abc.def"));  // labels at 0x3ffc and 0x4000
  size_t at = w.size();
  w.PutName(Wire("def"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(LdnsName(w, 0x3ffc), "abc.def.");
  EXPECT_EQ(LdnsName(w, at), "def.");

  // And a name written entirely beyond 0x4000 is never a target.
  size_t beyond = w.size();
  ASSERT_GE(beyond, 0x4000u);
  w.PutName(Wire("far.away"));
  size_t again = w.size();
  w.PutName(Wire("far.away"));
  ASSERT_FALSE(w.overflowed());
  EXPECT_EQ(LdnsName(w, beyond), "far.away.");
  EXPECT_EQ(LdnsName(w, again), "far.away.");
}

}  // namespace
}  // namespace dnsd::wire
