// The fast RSA reader against OpenSSL's full decoder: whatever the fast one
// accepts, the full one must accept as an RSA key of the same size. Checked
// on the test keys, on keys generated here, and on thousands of mutations
// of them (bytes flipped, lengths changed, cut short, extended).
#include "policy/dkim/public_key.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "policy/dkim/test_keys.h"
#include "gtest/gtest.h"
#include "openssl/rsa.h"
#include "openssl/x509.h"

namespace dnsd::config {
namespace {

std::string Der(const char* base64) {
  std::string der;
  EXPECT_TRUE(absl::Base64Unescape(base64, &der));
  return der;
}

// A fresh RSA key of `bits`, as SubjectPublicKeyInfo DER.
std::string GeneratedSpki(unsigned bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  EXPECT_NE(key, nullptr);
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key, &out);
  std::string der(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  EVP_PKEY_free(key);
  return der;
}

// The verdict the fast reader must agree with: an RSA key's bits, or 0.
int FullDecoderBits(const std::string& der) {
  PkeyPtr key = ParsePublicKey(der);
  if (key == nullptr || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) return 0;
  return EVP_PKEY_get_bits(key.get());
}

std::vector<std::string> Keys() {
  using namespace testing;
  std::vector<std::string> keys = {Der(kRsa512), Der(kRsa1024), Der(kRsa1024Pkcs1),
                                   Der(kRsa2048), Der(kRsa8192)};
  for (unsigned bits : {1024u, 1031u, 2048u, 3072u}) keys.push_back(GeneratedSpki(bits));
  return keys;
}

TEST(RsaKeyBits, ReadsEveryRsaKeyAsTheFullDecoderDoes) {
  for (const std::string& der : Keys()) {
    std::optional<int> fast = RsaKeyBits(der);
    ASSERT_TRUE(fast.has_value()) << absl::Base64Escape(der);
    EXPECT_EQ(*fast, FullDecoderBits(der));
  }
  EXPECT_EQ(RsaKeyBits(GeneratedSpki(1031)), 1031);
}

TEST(RsaKeyBits, LeavesOtherKeysToTheFullDecoder) {
  using namespace testing;
  for (const char* other : {kEd25519Spki, kEcP256, kRsaPss}) {
    EXPECT_FALSE(RsaKeyBits(Der(other)).has_value()) << other;
  }
  EXPECT_FALSE(RsaKeyBits("").has_value());
  EXPECT_FALSE(RsaKeyBits(Der(kRsa2048) + std::string(1, '\0')).has_value());
}

TEST(RsaKeyBits, NeverAcceptsWhatTheFullDecoderRefuses) {
  std::mt19937 random(20261122);
  int accepted = 0, tried = 0;
  for (const std::string& key : Keys()) {
    for (int i = 0; i < 1500; ++i) {
      std::string der = key;
      switch (random() % 4) {
        case 0:  // a byte anywhere, most often in the headers
          der[random() % std::min<size_t>(der.size(), i % 2 ? der.size() : 40)] =
              static_cast<char>(random());
          break;
        case 1:
          der.resize(random() % der.size());
          break;
        case 2:
          der.push_back(static_cast<char>(random()));
          break;
        case 3:  // a bit flipped in the first 30 octets: tags, lengths, OID
          der[random() % 30] ^= static_cast<char>(1 << (random() % 8));
          break;
      }
      ++tried;
      std::optional<int> fast = RsaKeyBits(der);
      if (!fast) continue;
      ++accepted;
      EXPECT_EQ(*fast, FullDecoderBits(der)) << absl::Base64Escape(der);
    }
  }
  // Mutations in the modulus leave a valid key: the comparison above ran.
  EXPECT_GT(accepted, 100) << "of " << tried;
}

}  // namespace
}  // namespace dnsd::config
