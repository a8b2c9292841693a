#include "policy/dkim/dkim.h"

#include <random>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/dkim/test_keys.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;
using namespace ::dnsd::config::testing;  // NOLINT: the key constants

TEST(CleanBase64Test, RemovesWhitespaceAndChecksStrictly) {
  EXPECT_EQ(*CleanBase64(" QUJD\n REVG\tRw== \r\n"), "QUJDREVGRw==");
  EXPECT_EQ(*CleanBase64("QUJD"), "QUJD");
  EXPECT_THAT(CleanBase64("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(CleanBase64("  \n").status().message(), HasSubstr("empty"));
  EXPECT_EQ(CleanBase64("QU*D").status().message(),
            "p is not base64: '*' at character 3");
  // Counted in the text without its whitespace.
  EXPECT_EQ(CleanBase64(" Q\nU *D").status().message(),
            "p is not base64: '*' at character 3");
  EXPECT_THAT(CleanBase64("QU=D").status().message(),
              HasSubstr("'=' at character 3"));
  EXPECT_THAT(CleanBase64("QUJ").status().message(),
              HasSubstr("multiple of 4"));
  EXPECT_THAT(CleanBase64("Q===").status().message(),
              HasSubstr("multiple of 4"));
  EXPECT_THAT(CleanBase64("QR==").status().message(),
              HasSubstr("must be zero"));
  EXPECT_THAT(CleanBase64("QUJD-_==").status().message(),
              HasSubstr("'-' at character 5"));  // base64url is not base64
}

// Strict means what decoding and encoding again would say: the same text
// comes back. CleanBase64 reads the padding bits off instead; the two must
// agree on every short string of the alphabet and its neighbours.
TEST(CleanBase64Test, StrictIsWhatARoundTripKeeps) {
  const std::string alphabet = "AQRgw+/9z=-*";
  std::mt19937 rng(11);
  for (int i = 0; i < 50000; ++i) {
    std::string text(rng() % 13, 'A');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    std::string bytes;
    bool round_trip = !text.empty() && text.size() % 4 == 0 &&
                      text.find_first_of("-*") == std::string::npos &&
                      absl::Base64Unescape(text, &bytes) && absl::Base64Escape(bytes) == text;
    ASSERT_EQ(CleanBase64(text).ok(), round_trip) << text;
  }
}

TEST(CheckDkimPublicKeyTest, MeasuresRsaKeys) {
  EXPECT_EQ(*CheckDkimPublicKey("rsa", kRsa1024), 1024);
  EXPECT_EQ(*CheckDkimPublicKey("rsa", kRsa2048), 2048);
  EXPECT_EQ(*CheckDkimPublicKey("rsa", kRsa1024Pkcs1), 1024);
}

TEST(CheckDkimPublicKeyTest, RejectsRsaKeysOutsideTheDkimRange) {
  EXPECT_EQ(CheckDkimPublicKey("rsa", kRsa512).status().message(),
            "RSA key is 512 bits; DKIM needs 1024 to 4096");
  EXPECT_EQ(CheckDkimPublicKey("rsa", kRsa8192).status().message(),
            "RSA key is 8192 bits; DKIM needs 1024 to 4096");
}

TEST(CheckDkimPublicKeyTest, RejectsWhatIsNotAnRsaKey) {
  EXPECT_THAT(CheckDkimPublicKey("rsa", "QUJDREVG").status().message(),
              HasSubstr("not a DER public key"));
  EXPECT_THAT(CheckDkimPublicKey("rsa", kEd25519Spki).status().message(),
              HasSubstr("set k: ed25519"));
  EXPECT_THAT(CheckDkimPublicKey("rsa", kEcP256).status().message(),
              HasSubstr("not an RSA key"));
  EXPECT_THAT(CheckDkimPublicKey("rsa", kRsaPss).status().message(),
              HasSubstr("not an RSA key"));
  // A valid key followed by junk is not a key.
  std::string der;
  ASSERT_TRUE(absl::Base64Unescape(kRsa1024Pkcs1, &der));
  EXPECT_FALSE(
      CheckDkimPublicKey("rsa", absl::Base64Escape(der + "junk")).ok());
  ASSERT_TRUE(absl::Base64Unescape(kRsa1024, &der));
  EXPECT_FALSE(
      CheckDkimPublicKey("rsa", absl::Base64Escape(der + "junk")).ok());
}

TEST(CheckDkimPublicKeyTest, Ed25519IsTheRaw32Bytes) {
  EXPECT_EQ(*CheckDkimPublicKey("ed25519", kEd25519Raw), 256);
  EXPECT_EQ(CheckDkimPublicKey("ed25519", kEd25519Spki).status().message(),
            "Ed25519 key is 44 bytes; RFC 8463 wants the raw 32-byte public "
            "key; this is a SubjectPublicKeyInfo, use its last 32 bytes");
  EXPECT_EQ(
      CheckDkimPublicKey("ed25519", "QUJD").status().message(),
      "Ed25519 key is 3 bytes; RFC 8463 wants the raw 32-byte public key");
  EXPECT_THAT(CheckDkimPublicKey("ed25519", kRsa1024).status().message(),
              HasSubstr("set k: rsa"));
}

TEST(CheckDkimNotesTest, PrintableWithoutSemicolons) {
  EXPECT_TRUE(CheckDkimNotes("rotated 2026-01 by ops").ok());
  EXPECT_TRUE(CheckDkimNotes("a=3Db").ok());
  EXPECT_FALSE(CheckDkimNotes("a;b").ok());
  EXPECT_FALSE(CheckDkimNotes("a=b").ok());
  EXPECT_FALSE(CheckDkimNotes("a=3").ok());
  EXPECT_FALSE(CheckDkimNotes("tab\there").ok());
}

TEST(RenderDkimRecordTest, KeyWithAndWithoutOptionalTags) {
  DkimKeyTags key;
  key.public_key = "MIIBIjAN";
  EXPECT_EQ(RenderDkimRecord(key), "v=DKIM1; k=rsa; p=MIIBIjAN");
  key.hash = {"sha256", "sha1"};
  key.flags = {"y", "s"};
  key.service = "email";
  key.notes = "ops";
  EXPECT_EQ(RenderDkimRecord(key),
            "v=DKIM1; k=rsa; p=MIIBIjAN; h=sha256:sha1; t=y:s; s=email; n=ops");
  DkimKeyTags ed;
  ed.key_type = "ed25519";
  ed.public_key = kEd25519Raw;
  EXPECT_EQ(RenderDkimRecord(ed),
            absl::StrCat("v=DKIM1; k=ed25519; p=", kEd25519Raw));
}

TEST(DkimRecordTest, AKeyKeepsItsRecordAndItsPublicKey) {
  DkimKeyTags tags;
  tags.public_key = "MIIBIjAN";
  tags.hash = {"sha256"};
  DkimKey key = KeyOf(tags, 2048);
  EXPECT_EQ(key.kind, DkimKey::Kind::kKey);
  EXPECT_EQ(key.key_bits, 2048);
  EXPECT_EQ(key.text(), "v=DKIM1; k=rsa; p=MIIBIjAN; h=sha256");
  EXPECT_EQ(key.public_key(), "MIIBIjAN");
  tags.hash.clear();
  EXPECT_EQ(KeyOf(tags, 2048).public_key(), "MIIBIjAN");
}

// The model keeps a key's record, which writes it as it is served (TXT
// RDATA, strings of at most 255 octets), and its text and p= read back
// whole across them.
TEST(DkimRecordTest, AKeyIsKeptAsItsTxtRdata) {
  DkimKeyTags tags;
  for (int i = 0; i < 392; ++i) tags.public_key.push_back("ABCDEFGHIJ+/0123"[i % 16]);
  DkimKey key = KeyOf(tags, 2048);
  std::string text = absl::StrCat("v=DKIM1; k=rsa; p=", tags.public_key);
  ASSERT_TRUE(key.record);
  EXPECT_EQ(key.record->Bytes(), dnsd::TxtRdata(text));
  EXPECT_EQ(static_cast<uint8_t>(key.record->Bytes()[0]), 255);
  EXPECT_EQ(key.text(), text);
  EXPECT_EQ(key.public_key(), tags.public_key);
}

TEST(DkimRecordTest, RevokedAndCname) {
  EXPECT_EQ(RevokedKey().kind, DkimKey::Kind::kRevoked);
  EXPECT_FALSE(RevokedKey().record);
  EXPECT_EQ(RevokedKey().target, nullptr);
  EXPECT_EQ(RevokedKey().text(), "");
  EXPECT_EQ(RevokedKey().public_key(), "");
  DkimKey cname = CnameKey("selector1-example-com._domainkey.example.onmicrosoft.com");
  EXPECT_EQ(cname.kind, DkimKey::Kind::kCname);
  EXPECT_EQ(cname.text(), "selector1-example-com._domainkey.example.onmicrosoft.com");
  EXPECT_EQ(cname.public_key(), "");
}

}  // namespace
}  // namespace dnsd::config
