#include "dnsd/protocol/wire/reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "dnsd/testing/bytes.h"

namespace dnsd::wire {
namespace {

using namespace std::string_literals;
using dnsd::testing::WireBuilder;

std::string Text(const Name& n) { return NameToText(n.view()); }

TEST(ReaderTest, IntegersAreBigEndian) {
  std::vector<uint8_t> msg = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde};
  Reader r(msg);
  EXPECT_EQ(r.ReadU8(), 0x12);
  EXPECT_EQ(r.ReadU16(), 0x3456);
  EXPECT_EQ(r.ReadU32(), 0x789abcdeu);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ReaderTest, ShortReadFailsAndStaysFailed) {
  std::vector<uint8_t> msg = {0x01, 0x02, 0x03};
  Reader r(msg);
  EXPECT_EQ(r.ReadU16(), 0x0102);
  EXPECT_EQ(r.ReadU16(), 0);  // one octet left: fails, returns zero
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  EXPECT_EQ(r.position(), 2u);  // a failed read does not advance
  EXPECT_EQ(r.ReadU8(), 0);     // the octet is there, but the reader has failed
  EXPECT_FALSE(r.ok());
}

TEST(ReaderTest, EachWidthFailsOnShortInput) {
  for (size_t size = 0; size < 4; ++size) {
    std::vector<uint8_t> msg(size, 0xff);
    Reader r32(msg);
    EXPECT_EQ(r32.ReadU32(), 0u);
    EXPECT_FALSE(r32.ok());
    if (size < 2) {
      Reader r16(msg);
      EXPECT_EQ(r16.ReadU16(), 0);
      EXPECT_FALSE(r16.ok());
    }
  }
  Reader empty(std::span<const uint8_t>{});
  EXPECT_EQ(empty.ReadU8(), 0);
  EXPECT_FALSE(empty.ok());
}

TEST(ReaderTest, Skip) {
  std::vector<uint8_t> msg(10, 0);
  Reader r(msg);
  r.Skip(10);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
  r.Skip(0);
  EXPECT_TRUE(r.ok());
  Reader past(msg);
  past.Skip(11);
  EXPECT_FALSE(past.ok());
  Reader huge(msg);
  huge.Skip(SIZE_MAX);  // must not wrap around
  EXPECT_FALSE(huge.ok());
}

TEST(ReaderTest, PlainNameKeepsCaseAndIndexesLabels) {
  auto msg = WireBuilder().Name("Www.Example.COM").U16(16).Build();
  Reader r(msg);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.view(), "\x03Www\x07" "Example\x03" "COM\x00"s);
  EXPECT_EQ(n.label_count, 3);
  EXPECT_EQ(n.label_offsets[1], 4);
  EXPECT_EQ(n.label_offsets[2], 12);
  EXPECT_EQ(r.position(), 17u);
  EXPECT_EQ(r.ReadU16(), 16);
}

TEST(ReaderTest, RootName) {
  std::vector<uint8_t> msg = {0};
  Reader r(msg);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.size, 1);
  EXPECT_EQ(n.label_count, 0);
}

// A message whose question holds "example.com" at offset 12.
WireBuilder WithExampleAt12() {
  return std::move(WireBuilder().Header(1, 0, 1).Name("example.com"));
}

TEST(ReaderTest, BackwardPointer) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.U8(3).Raw("www").Pointer(12).U16(0xabcd);
  auto msg = b.Build();
  Reader r(msg);
  r.Skip(at);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(n), "www.example.com.");
  EXPECT_EQ(n.label_count, 3);
  EXPECT_EQ(n.Suffix(1), "\x07" "example\x03" "com\x00"s);
  // The reader continues after the pointer, not after the name it points to.
  EXPECT_EQ(r.position(), at + 6);
  EXPECT_EQ(r.ReadU16(), 0xabcd);
}

TEST(ReaderTest, PointerToPointerChain) {
  WireBuilder b = WithExampleAt12();        // example.com at 12
  size_t mail = b.size();
  b.U8(4).Raw("mail").Pointer(12);          // mail.example.com
  size_t x = b.size();
  b.U8(1).Raw("x").Pointer(static_cast<uint16_t>(mail));  // x.mail.example.com
  size_t only_pointer = b.size();
  b.Pointer(static_cast<uint16_t>(x));
  auto msg = b.Build();
  Reader r(msg);
  r.Skip(only_pointer);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(n), "x.mail.example.com.");
  EXPECT_EQ(r.position(), only_pointer + 2);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ReaderTest, PointerToSuffixInsideAName) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.U8(2).Raw("hi").Pointer(12 + 8);  // "com" inside "example.com"
  auto msg = b.Build();
  Reader r(msg);
  r.Skip(at);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Text(n), "hi.com.");
}

void ExpectNameFails(const std::vector<uint8_t>& msg, size_t at) {
  Reader r(msg);
  r.Skip(at);
  ASSERT_TRUE(r.ok());
  Name n;
  n.size = 7;  // stale contents must be cleared
  r.ReadName(&n);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(n.size, 0);
  EXPECT_EQ(n.label_count, 0);
  EXPECT_EQ(r.ReadU8(), 0);
}

TEST(ReaderTest, ForwardPointerFails) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.Pointer(static_cast<uint16_t>(at + 2)).Name("later");
  ExpectNameFails(b.Build(), at);
}

TEST(ReaderTest, PointerToItselfFails) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.Pointer(static_cast<uint16_t>(at));
  ExpectNameFails(b.Build(), at);
}

TEST(ReaderTest, PointerLoopFails) {
  // A at `a` points back to B's label; B's label continues into a pointer
  // forward to A: a loop that only the "strictly backwards" rule breaks.
  WireBuilder b = WithExampleAt12();
  size_t label = b.size();
  b.U8(1).Raw("x");
  size_t forward = b.size();
  b.Pointer(0);  // patched below to point at `a`
  size_t a = b.size();
  b.Pointer(static_cast<uint16_t>(label));
  auto msg = b.Build();
  msg[forward] = static_cast<uint8_t>(0xC0 | a >> 8);
  msg[forward + 1] = static_cast<uint8_t>(a);
  ExpectNameFails(msg, a);
}

TEST(ReaderTest, PointerPastTheEndFails) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.Pointer(0x3fff);
  ExpectNameFails(b.Build(), at);
}

TEST(ReaderTest, PointerIntoTheHeaderFails) {
  // No name lives in the header (RFC 1035 §4.1.4 points at a prior
  // occurrence of a name). Accepting it lets a question name borrow octets
  // from the header, and the question is echoed verbatim into a response
  // whose header differs: the echoed name would decode differently.
  WireBuilder b;
  b.Header(0x0000, 0x0000, 1);
  size_t at = b.size();
  b.U8(1).Raw("a").Pointer(4);  // offset 4: QDCOUNT's high octet, 0 = root
  ExpectNameFails(b.Build(), at);

  WireBuilder only_pointer;
  only_pointer.Header(0x0000, 0x0000, 1).Pointer(0);  // ID 0x0000 reads as the root
  ExpectNameFails(only_pointer.Build(), kHeaderSize);
}

TEST(ReaderTest, ObsoleteLabelTypesFail) {
  // 0x40 (extended label, RFC 6891 §5) and 0x80 (reserved).
  for (uint8_t type : {0x40, 0x41, 0x80, 0xbf}) {
    WireBuilder b = WithExampleAt12();
    size_t at = b.size();
    b.U8(type).U8(0).Raw("padding-padding-padding-padding-padding-padding-padding-padding");
    b.U8(0);
    ExpectNameFails(b.Build(), at);
  }
}

TEST(ReaderTest, LongestNameIs255Octets) {
  std::string l63(63, 'a');
  auto ok = WireBuilder().Name(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b')).Build();
  ASSERT_EQ(ok.size(), 255u);
  Reader r(ok);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.size, 255);
  EXPECT_EQ(n.label_count, 4);

  auto too_long =
      WireBuilder().Name(l63 + "." + l63 + "." + l63 + "." + std::string(62, 'b')).Build();
  ExpectNameFails(too_long, 0);
}

TEST(ReaderTest, LongestNameCountsOctetsBehindPointers) {
  // 63-octet labels chained by pointers: each hop adds 64 octets.
  // 3 hops + a 61-octet label + root = 255 is fine; 4 full hops are 257.
  std::string l63(63, 'a');
  WireBuilder b;
  b.Header(0, 0, 1);
  size_t prev = b.size();
  b.Name(l63);
  std::vector<size_t> starts = {prev};
  for (int i = 0; i < 3; ++i) {
    size_t start = b.size();
    b.U8(63).Raw(l63).Pointer(static_cast<uint16_t>(starts.back()));
    starts.push_back(start);
  }
  // starts[3] is a name of 4 x 64 + 1 = 257 octets.
  auto msg = b.Build();
  ExpectNameFails(msg, starts[3]);
  Reader r(msg);
  r.Skip(starts[2]);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.size, 3 * 64 + 1);
}

TEST(ReaderTest, MostLabels) {
  std::string text;
  for (int i = 0; i < 127; ++i) text += "x.";
  text.pop_back();
  auto msg = WireBuilder().Name(text).Build();
  ASSERT_EQ(msg.size(), 255u);
  Reader r(msg);
  Name n;
  r.ReadName(&n);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(n.label_count, 127);
}

TEST(ReaderTest, TruncatedAnywhereFails) {
  // Every proper prefix of a name (plain, then behind a pointer) fails.
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.U8(3).Raw("www").Pointer(12);
  auto full = b.Build();
  for (size_t cut = at; cut < full.size(); ++cut) {
    std::vector<uint8_t> msg(full.begin(), full.begin() + cut);
    SCOPED_TRACE(cut);
    ExpectNameFails(msg, at);
  }
  for (size_t cut = kHeaderSize; cut < at; ++cut) {
    std::vector<uint8_t> msg(full.begin(), full.begin() + cut);
    SCOPED_TRACE(cut);
    ExpectNameFails(msg, kHeaderSize);
  }
}

TEST(ReaderTest, LabelRunningPastTheEndFails) {
  std::vector<uint8_t> msg = {5, 'a', 'b'};
  ExpectNameFails(msg, 0);
}

TEST(ReaderTest, SkipNameFollowsTheSameRules) {
  WireBuilder b = WithExampleAt12();
  size_t at = b.size();
  b.U8(3).Raw("www").Pointer(12).U8(0x77);
  auto msg = b.Build();
  Reader r(msg);
  r.Skip(at);
  r.SkipName();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.ReadU8(), 0x77);

  WireBuilder bad = WithExampleAt12();
  size_t bad_at = bad.size();
  bad.Pointer(static_cast<uint16_t>(bad_at));
  auto bad_msg = bad.Build();
  Reader rb(bad_msg);
  rb.Skip(bad_at);
  rb.SkipName();
  EXPECT_FALSE(rb.ok());
}

TEST(ReaderTest, NameAfterFailureIsEmpty) {
  std::vector<uint8_t> msg = {0};
  Reader r(msg);
  r.Skip(2);
  Name n;
  r.ReadName(&n);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(n.size, 0);
}

}  // namespace
}  // namespace dnsd::wire
