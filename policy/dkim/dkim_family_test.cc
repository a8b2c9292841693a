// The DKIM family through a domain file: the warnings of the `dkim:`
// section at line:column.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/dkim/test_keys.h"
#include "policy/testing/family_test.h"

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class DkimFamilyTest : public testing::FamilyTest {};

std::string WithKey(absl::string_view selector) {
  return absl::StrCat("domain: example.com\nmode: enforce\ndmarc: {p: quarantine}\ndkim:\n",
                      selector, "\n");
}

// RFC 8301 §3.2: at least 1024 bits, 2048 recommended.
TEST_F(DkimFamilyTest, RsaKeyUnder2048BitsWarnsAndIsServed) {
  std::string yaml = WithKey(absl::StrCat("  s1: {p: \"", testing::kRsa1024, "\"}"));
  Loaded<DomainConfig> loaded = Load(yaml, "example.com.yaml");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.value->dkim.selectors[0].key.key_bits, 1024);
  EXPECT_THAT(Warnings(yaml, "example.com.yaml"),
              ElementsAre("5:11: dkim.s1.p: an RSA key of 1024 bits is weak; publish a 2048-bit "
                          "key under a new selector"));
  EXPECT_THAT(Warnings(WithKey(absl::StrCat("  s1: {p: \"", testing::kRsa2048, "\"}")),
                       "example.com.yaml"),
              IsEmpty());
  EXPECT_THAT(Warnings(WithKey(absl::StrCat("  s1: {k: ed25519, p: \"", testing::kEd25519Raw, "\"}")),
                       "example.com.yaml"),
              IsEmpty());
}

// A PEM file, a vendor's whole TXT record, or an Ed25519 key without k:
// each error names the fix, and quotes nothing of what was pasted.
TEST_F(DkimFamilyTest, PastedPemRecordOrEd25519KeyNamesTheFix) {
  auto error_for = [&](absl::string_view selector) {
    std::vector<std::string> errors = Errors(WithKey(selector));
    EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
    return errors.empty() ? "" : errors[0];
  };
  EXPECT_EQ(error_for(absl::StrCat("  s1:\n    p: |\n      -----BEGIN PUBLIC KEY-----\n      ",
                                   testing::kRsa2048, "\n      -----END PUBLIC KEY-----")),
            "6:8: dkim.s1.p: is a PEM block; give only the base64 lines between its -----BEGIN "
            "and -----END lines");
  std::string private_key = error_for(
      "  s1:\n    p: |\n      -----BEGIN PRIVATE KEY-----\n      MC4CAQAwBQYDK2VwBCIEIsecret\n"
      "      -----END PRIVATE KEY-----");
  EXPECT_THAT(private_key, ::testing::HasSubstr("is a private key: never publish it"));
  EXPECT_THAT(private_key, ::testing::Not(::testing::HasSubstr("secret")));
  EXPECT_EQ(error_for(absl::StrCat("  s1: {p: \"v=DKIM1; k=rsa; p=", testing::kRsa2048, "\"}")),
            "5:11: dkim.s1.p: is a whole DKIM record (v=DKIM1; ...); give only the value of its "
            "p= tag");
  EXPECT_EQ(error_for(absl::StrCat("  s1: {p: \"k=ed25519; p=", testing::kEd25519Raw, "\"}")),
            "5:11: dkim.s1.p: is a whole DKIM record (v=DKIM1; ...); give only the value of its "
            "p= tag, and k: ed25519");
  EXPECT_EQ(error_for(absl::StrCat("  s1: {p: \"", testing::kEd25519Raw, "\"}")),
            "5:11: dkim.s1.p: p is 32 bytes, a raw Ed25519 key (RFC 8463), not an RSA key; set "
            "k: ed25519");
}

}  // namespace
}  // namespace dnsd::config
