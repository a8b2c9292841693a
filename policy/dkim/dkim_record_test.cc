// A key's record held as DER writes the octets the record's text makes
// (TxtRdata of RenderDkimRecord), for every key length, tag and string
// split; what cannot be held so is held as those octets.
#include "policy/dkim/dkim_record.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/test_keys.h"

namespace dnsd::config {
namespace {

using testing::kEd25519Raw;
using testing::kRsa1024;
using testing::kRsa1024Pkcs1;
using testing::kRsa2048;
using testing::kRsa8192;

bool HeldAsDer(const RdataRef& rdata) {
  return dynamic_cast<const DkimKeyRecord*>(rdata.get()) != nullptr;
}

// The octets `rdata` writes, checked to stay within its size().
std::string Written(const ApartRdata& rdata) {
  constexpr char kGuard = '\x5a';
  std::string out(rdata.size() + 16, kGuard);
  rdata.Write(out.data() + 8);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(out[i], kGuard);
    EXPECT_EQ(out[out.size() - 1 - i], kGuard);
  }
  return out.substr(8, rdata.size());
}

void ExpectServedAsText(const DkimKeyTags& tags, bool as_der) {
  RdataRef rdata = DkimRecordOf(tags);
  ASSERT_TRUE(rdata);
  std::string expected = TxtRdata(RenderDkimRecord(tags));
  EXPECT_EQ(rdata->size(), expected.size());
  EXPECT_EQ(Written(*rdata), expected);
  EXPECT_EQ(rdata->Bytes(), expected);
  EXPECT_EQ(HeldAsDer(rdata), as_der);
}

DkimKeyTags Tags(std::string key_type, std::string base64) {
  DkimKeyTags tags;
  tags.key_type = std::move(key_type);
  tags.public_key = std::move(base64);
  return tags;
}

TEST(DkimKeyRecordTest, TheTestKeysWithEveryTag) {
  for (const char* key : {kRsa1024, kRsa1024Pkcs1, kRsa2048, kRsa8192}) {
    DkimKeyTags tags = Tags("rsa", key);
    ExpectServedAsText(tags, true);
    tags.hash = {"sha256"};
    ExpectServedAsText(tags, true);
    tags.hash = {"sha1", "sha256"};
    tags.flags = {"y", "s"};
    tags.service = "email";
    tags.notes = "rotated 2026-12 =3D by ops";
    ExpectServedAsText(tags, true);
  }
  ExpectServedAsText(Tags("ed25519", kEd25519Raw), true);
}

// Every length of DER around the padding (n mod 3) and around the
// 255-octet strings' seams, with and without tags after p=.
TEST(DkimKeyRecordTest, EveryLengthAndSplit) {
  std::mt19937 rng(7);
  for (size_t n = 1; n <= 1100; ++n) {
    std::string der(n, '\0');
    for (char& c : der) c = static_cast<char>(rng());
    DkimKeyTags tags = Tags(n % 2 ? "rsa" : "ed25519", absl::Base64Escape(der));
    if (n % 3 == 0) tags.hash = {"sha256"};
    SCOPED_TRACE(n);
    ExpectServedAsText(tags, true);
  }
}

// The compiled image's form: what WriteTo writes, Read makes into a
// record that serves the same octets, held as DER again; bytes that are
// cut short, or name no key type, or hold no DER, make none.
TEST(DkimKeyRecordTest, ReadBackAsWritten) {
  for (const char* key : {kRsa1024, kRsa2048, kRsa8192, kEd25519Raw}) {
    DkimKeyTags tags = Tags(key == kEd25519Raw ? "ed25519" : "rsa", key);
    tags.hash = {"sha256"};
    RdataRef rdata = DkimRecordOf(tags);
    ASSERT_TRUE(HeldAsDer(rdata));
    ImageWriter out;
    static_cast<const DkimKeyRecord&>(*rdata).WriteTo(out);
    ImageReader in(out.bytes());
    RdataRef back = DkimKeyRecord::Read(in);
    ASSERT_TRUE(HeldAsDer(back));
    EXPECT_TRUE(in.done());
    EXPECT_EQ(Written(*back), Written(*rdata));
    EXPECT_TRUE(back->Same(*rdata));

    for (size_t cut = 0; cut < out.bytes().size(); ++cut) {
      ImageReader short_in(absl::string_view(out.bytes()).substr(0, cut));
      EXPECT_FALSE(DkimKeyRecord::Read(short_in)) << cut;
    }
    std::string no_type = out.bytes();
    no_type[0] = '\x7f';
    ImageReader no_type_in(no_type);
    EXPECT_FALSE(DkimKeyRecord::Read(no_type_in));
  }
  ImageWriter empty_der;
  empty_der.U8(0);
  empty_der.Bytes("");
  empty_der.Bytes("");
  ImageReader empty_in(empty_der.bytes());
  EXPECT_FALSE(DkimKeyRecord::Read(empty_in));
}

// Held as the record's octets: a key type the form has no number for,
// base64 that would not come back as written, tags after p= longer than
// its length octet counts.
TEST(DkimKeyRecordTest, WhatItCannotHoldIsHeldAsOctets) {
  ExpectServedAsText(Tags("rsb", kRsa2048), false);
  ExpectServedAsText(Tags("rsa", "QR=="), false);  // nonzero bits in the padding
  ExpectServedAsText(Tags("rsa", "QQ"), false);    // no padding
  DkimKeyTags tags = Tags("rsa", kRsa2048);
  tags.notes = std::string(300, 'n');
  ExpectServedAsText(tags, false);
  tags.notes = std::string(240, 'n');  // "; n=" and 240: fits
  ExpectServedAsText(tags, true);
}

TEST(DkimKeyRecordTest, SameRdataComparesTheOctets) {
  DkimKeyTags tags = Tags("rsa", kRsa2048);
  RdataRef a = DkimRecordOf(tags);
  RdataRef b = DkimRecordOf(tags);
  RdataRef text = BytesRdata::Make(TxtRdata(RenderDkimRecord(tags)));
  EXPECT_NE(a.get(), b.get());
  EXPECT_TRUE(SameRdata(a.get(), b.get()));
  EXPECT_TRUE(SameRdata(a.get(), text.get()));
  EXPECT_TRUE(SameRdata(text.get(), a.get()));
  tags.hash = {"sha256"};
  EXPECT_FALSE(SameRdata(a.get(), DkimRecordOf(tags).get()));
  // The same size, another key: one octet of the DER differs.
  DkimKeyTags other = Tags("rsa", kRsa2048);
  std::string der;
  ASSERT_TRUE(absl::Base64Unescape(kRsa2048, &der));
  der[100] ^= 1;
  other.public_key = absl::Base64Escape(der);
  EXPECT_FALSE(SameRdata(a.get(), DkimRecordOf(other).get()));
  EXPECT_FALSE(SameRdata(a.get(), BytesRdata::Make(TxtRdata(RenderDkimRecord(other))).get()));
  EXPECT_FALSE(SameRdata(a.get(), nullptr));
  EXPECT_TRUE(SameRdata(nullptr, nullptr));
}

// A key that is never served (a blocked domain's) is made in the read's
// heap, not the kept one (dkim_key_heap_test.cc checks where): it serves
// the same octets, and is the same record.
TEST(DkimKeyRecordTest, AKeyInTheReadsHeapIsTheSameRecord) {
  for (const char* key : {kRsa1024, kRsa2048, kRsa8192}) {
    DkimKeyTags tags = Tags("rsa", key);
    tags.hash = {"sha256"};
    RdataRef kept = DkimRecordOf(tags, KeyHeap::kKept);
    RdataRef read = DkimRecordOf(tags, KeyHeap::kRead);
    ASSERT_TRUE(HeldAsDer(kept) && HeldAsDer(read));
    EXPECT_EQ(Written(*read), Written(*kept));
    EXPECT_TRUE(SameRdata(read.get(), kept.get()));
  }
}

}  // namespace
}  // namespace dnsd::config
