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

}  // namespace
}  // namespace dnsd::config
