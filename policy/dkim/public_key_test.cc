// The fast RSA reader against OpenSSL's full decoder: whatever the fast one
// accepts, the full one must accept as an RSA key of the same size, and it
// must be the key's one DER encoding. Checked on the test keys, on keys
// OpenSSL generates and writes here (modulus sizes from 1 to 4200 bits),
// on keys written by hand with one part wrong (lengths not in their
// shortest form, indefinite lengths, padded, negative or zero integers,
// other OIDs and parameters, unused bits, trailing octets, other tags), and
// on thousands of random mutations.
#include "policy/dkim/public_key.h"

#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "openssl/rsa.h"
#include "policy/dkim/public_key_testing.h"
#include "policy/dkim/test_keys.h"

namespace dnsd::config {
namespace {

using testing::Encoding;
using testing::FullDecoderBits;
using testing::IsOpenSslRsaEncoding;
using testing::KeyFromNumbers;
using testing::RsaBits;

std::string Der(const char* base64) {
  std::string der;
  EXPECT_TRUE(absl::Base64Unescape(base64, &der));
  return der;
}

// A fresh RSA key of `bits`, made once per size for the whole binary.
EVP_PKEY* GeneratedKey(unsigned bits) {
  static auto* keys = new std::map<unsigned, PkeyPtr>();
  PkeyPtr& key = (*keys)[bits];
  if (key == nullptr) key.reset(EVP_RSA_gen(bits));
  EXPECT_NE(key, nullptr) << bits;
  return key.get();
}

std::string Spki(const EVP_PKEY* key) { return Encoding(i2d_PUBKEY, key); }
std::string Pkcs1(const EVP_PKEY* key) { return Encoding(i2d_PublicKey, key); }

// A number of exactly `bits` bits (big-endian, no leading zero octet).
std::string RandomNumber(int bits, std::mt19937& random) {
  std::string n((bits + 7) / 8, '\0');
  for (char& c : n) c = static_cast<char>(random());
  int top = bits % 8 == 0 ? 8 : bits % 8;
  n[0] = static_cast<char>((n[0] & ((1 << top) - 1)) | (1 << (top - 1)));
  return n;
}

// A number parameter of `key`, big-endian.
std::string Magnitude(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1);
  std::string out(BN_num_bytes(bn), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// --- Keys written by hand, so that each part can be written wrong. ---

enum class Length {
  kShortest,     // DER
  kLongForm,     // the long form even for a short length: 81 05
  kLeadingZero,  // the long form with a zero octet first: 82 00 05, 83 00 01 0a
  kIndefinite,   // 80, contents, end-of-contents 00 00
};

std::string Element(absl::string_view tag, absl::string_view contents, Length form) {
  std::string out(tag);
  if (form == Length::kIndefinite) return absl::StrCat(out, "\x80", contents, std::string(2, '\0'));
  std::string octets;
  for (size_t n = contents.size(); n > 0; n >>= 8) octets.insert(0, 1, static_cast<char>(n & 0xff));
  if (form == Length::kShortest && contents.size() < 0x80) {
    out.push_back(static_cast<char>(contents.size()));
  } else {
    if (form == Length::kLeadingZero || octets.empty()) octets.insert(0, 1, '\0');
    out.push_back(static_cast<char>(0x80 | octets.size()));
    out += octets;
  }
  return out + std::string(contents);
}

// The INTEGER contents DER gives a non-negative magnitude.
std::string IntegerOf(const std::string& magnitude) {
  return static_cast<unsigned char>(magnitude[0]) >= 0x80 ? std::string(1, '\0') + magnitude
                                                           : magnitude;
}

constexpr char kRsaEncryptionOid[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";

// Every part of an RSA SubjectPublicKeyInfo, as DER writes it unless a test
// changes one.
struct Shape {
  std::string n, e;  // INTEGER contents
  std::string spki_tag = "\x30", algorithm_tag = "\x30", oid_tag = "\x06", bits_tag = "\x03",
              key_tag = "\x30", n_tag = "\x02", e_tag = "\x02";
  Length spki = Length::kShortest, algorithm = Length::kShortest, oid = Length::kShortest,
         bits = Length::kShortest, key = Length::kShortest, n_length = Length::kShortest,
         e_length = Length::kShortest;
  std::string oid_contents = kRsaEncryptionOid;
  std::string parameters = std::string("\x05\x00", 2);  // the whole element; "" for none
  std::string unused_bits = std::string(1, '\0');       // the BIT STRING's first octet
  // Octets after the last element of each level.
  std::string after_e, after_key, after_bits, after_spki;

  std::string Pkcs1() const {
    return Element(key_tag,
                   Element(n_tag, n, n_length) + Element(e_tag, e, e_length) + after_e, key) +
           after_key;
  }
  std::string Spki() const {
    std::string algorithm_id =
        Element(algorithm_tag, Element(oid_tag, oid_contents, oid) + parameters, algorithm);
    return Element(spki_tag,
                   algorithm_id + Element(bits_tag, unused_bits + Pkcs1(), bits) + after_bits,
                   spki) +
           after_spki;
  }
};

Shape ShapeOf(const EVP_PKEY* key) {
  Shape shape;
  shape.n = IntegerOf(Magnitude(key, OSSL_PKEY_PARAM_RSA_N));
  shape.e = IntegerOf(Magnitude(key, OSSL_PKEY_PARAM_RSA_E));
  return shape;
}

// One part written wrong; `pkcs1` if it applies to a bare RSAPublicKey too.
struct Mutation {
  const char* what;
  void (*change)(Shape&);
  bool pkcs1;
};

std::vector<Mutation> Mutations() {
  return {
      // Lengths that are not in their shortest form, or not definite
      // (X.690 §10.1). OpenSSL takes many of these; DER does not.
      {"SPKI length with a leading zero", [](Shape& s) { s.spki = Length::kLeadingZero; }},
      {"SPKI length indefinite", [](Shape& s) { s.spki = Length::kIndefinite; }},
      {"algorithm length long form", [](Shape& s) { s.algorithm = Length::kLongForm; }},
      {"algorithm length indefinite", [](Shape& s) { s.algorithm = Length::kIndefinite; }},
      {"OID length long form", [](Shape& s) { s.oid = Length::kLongForm; }},
      {"NULL length long form", [](Shape& s) { s.parameters = std::string("\x05\x81\x00", 3); }},
      {"NULL length indefinite", [](Shape& s) { s.parameters = "\x05\x80"; }},
      {"BIT STRING length with a leading zero", [](Shape& s) { s.bits = Length::kLeadingZero; }},
      {"BIT STRING length indefinite", [](Shape& s) { s.bits = Length::kIndefinite; }},
      {"RSAPublicKey length with a leading zero", [](Shape& s) { s.key = Length::kLeadingZero; },
       true},
      {"RSAPublicKey length indefinite", [](Shape& s) { s.key = Length::kIndefinite; }, true},
      {"modulus length with a leading zero", [](Shape& s) { s.n_length = Length::kLeadingZero; },
       true},
      {"exponent length long form", [](Shape& s) { s.e_length = Length::kLongForm; }, true},
      {"exponent length with a leading zero",
       [](Shape& s) { s.e_length = Length::kLeadingZero; }, true},
      // Integers: what OpenSSL's INTEGER parser refuses (padding, no
      // octets) and what the fast path never took (negative, zero).
      {"modulus negative",
       [](Shape& s) {
         if (s.n[0] == '\0') {
           s.n.erase(0, 1);  // the top octet's high bit now reads as the sign
         } else {
           s.n[0] = static_cast<char>(s.n[0] | 0x80);
         }
       },
       true},
      {"modulus padded", [](Shape& s) { s.n.insert(0, 1, '\0'); }, true},
      {"modulus zero", [](Shape& s) { s.n = std::string(1, '\0'); }, true},
      {"modulus empty", [](Shape& s) { s.n.clear(); }, true},
      {"modulus -1", [](Shape& s) { s.n = "\xff"; }, true},
      {"exponent padded", [](Shape& s) { s.e.insert(0, 1, '\0'); }, true},
      {"exponent zero", [](Shape& s) { s.e = std::string(1, '\0'); }, true},
      {"exponent empty", [](Shape& s) { s.e.clear(); }, true},
      {"exponent negative", [](Shape& s) { s.e = std::string("\x81\x00\x01", 3); }, true},
      {"exponent padded negative", [](Shape& s) { s.e = "\xff\x81"; }, true},
      // The algorithm.
      {"RSASSA-PSS", [](Shape& s) { s.oid_contents.back() = '\x0a'; }},
      {"md2WithRSAEncryption", [](Shape& s) { s.oid_contents.back() = '\x02'; }},
      {"an OID under rsaEncryption", [](Shape& s) { s.oid_contents += '\x01'; }},
      {"rsaEncryption cut short", [](Shape& s) { s.oid_contents.pop_back(); }},
      {"rsaEncryption padded", [](Shape& s) { s.oid_contents.insert(7, 1, '\x80'); }},
      {"id-ecPublicKey", [](Shape& s) { s.oid_contents = "\x2a\x86\x48\xce\x3d\x02\x01"; }},
      {"parameters an INTEGER", [](Shape& s) { s.parameters = std::string("\x02\x01\x00", 3); }},
      {"parameters an empty SEQUENCE", [](Shape& s) { s.parameters = std::string("\x30\x00", 2); }},
      {"parameters a NULL with contents", [](Shape& s) { s.parameters = "\x05\x01\x01"; }},
      {"parameters two NULLs", [](Shape& s) { s.parameters = std::string("\x05\x00\x05\x00", 4); }},
      {"parameters an empty OCTET STRING",
       [](Shape& s) { s.parameters = std::string("\x04\x00", 2); }},
      {"parameters a lone tag", [](Shape& s) { s.parameters = "\x05"; }},
      // The bit string.
      {"one unused bit", [](Shape& s) { s.unused_bits = "\x01"; }},
      {"seven unused bits", [](Shape& s) { s.unused_bits = "\x07"; }},
      {"eight unused bits", [](Shape& s) { s.unused_bits = "\x08"; }},
      {"no unused-bits octet", [](Shape& s) { s.unused_bits.clear(); }},
      // Something after the last element, at each level.
      {"an octet after the key", [](Shape& s) { s.after_spki = std::string(1, '\0'); }},
      {"a NULL after the bit string", [](Shape& s) { s.after_bits = std::string("\x05\x00", 2); }},
      {"an octet after the RSAPublicKey", [](Shape& s) { s.after_key = std::string(1, '\0'); },
       true},
      {"a third INTEGER", [](Shape& s) { s.after_e = "\x02\x01\x01"; }, true},
      {"end-of-contents after the exponent",
       [](Shape& s) { s.after_e = std::string(2, '\0'); }, true},
      // Tags: other types, the constructed and primitive forms swapped,
      // the high-tag-number form of a low tag (X.690 §8.1.2.4).
      {"SPKI a primitive SEQUENCE", [](Shape& s) { s.spki_tag = "\x10"; }},
      {"SPKI a SET", [](Shape& s) { s.spki_tag = "\x31"; }},
      {"SPKI tag in high-tag form", [](Shape& s) { s.spki_tag = "\x3f\x10"; }},
      {"algorithm a SET", [](Shape& s) { s.algorithm_tag = "\x31"; }},
      {"OID tag in high-tag form", [](Shape& s) { s.oid_tag = "\x1f\x06"; }},
      {"OID a RELATIVE-OID", [](Shape& s) { s.oid_tag = "\x0d"; }},
      {"BIT STRING constructed", [](Shape& s) { s.bits_tag = "\x23"; }},
      {"BIT STRING an OCTET STRING", [](Shape& s) { s.bits_tag = "\x04"; }},
      {"RSAPublicKey a primitive SEQUENCE", [](Shape& s) { s.key_tag = "\x10"; }, true},
      {"RSAPublicKey context-tagged", [](Shape& s) { s.key_tag = "\xa0"; }, true},
      {"modulus constructed", [](Shape& s) { s.n_tag = "\x22"; }, true},
      {"modulus an ENUMERATED", [](Shape& s) { s.n_tag = "\x0a"; }, true},
      {"exponent in high-tag form", [](Shape& s) { s.e_tag = "\x1f\x02"; }, true},
  };
}

// Keys with short lengths only (a 256-bit modulus: the whole SPKI under 128
// octets), with one- and two-octet lengths (4096 and 8192 bits), and
// OpenSSL-generated ones (a 4096-bit one takes seconds to make, so the
// large ones have random moduli).
std::vector<PkeyPtr> ShapeKeys() {
  std::mt19937 random(17);
  std::vector<PkeyPtr> keys;
  keys.push_back(KeyFromNumbers(RandomNumber(256, random), "\x03"));
  for (int bits : {4096, 8192}) {
    keys.push_back(KeyFromNumbers(RandomNumber(bits, random), std::string("\x01\x00\x01", 3)));
  }
  for (unsigned bits : {1024u, 1031u, 2048u}) {
    keys.push_back(PkeyPtr(EVP_PKEY_dup(GeneratedKey(bits))));
  }
  for (const PkeyPtr& key : keys) EXPECT_NE(key, nullptr);
  return keys;
}

TEST(RsaKeyBits, ReadsEveryRsaKeyAsTheFullDecoderDoes) {
  using namespace testing;
  std::vector<std::string> keys = {Der(kRsa512), Der(kRsa1024), Der(kRsa1024Pkcs1),
                                   Der(kRsa2048), Der(kRsa8192)};
  for (unsigned bits : {1024u, 1031u, 2048u, 3072u, 4096u}) {
    keys.push_back(Spki(GeneratedKey(bits)));
    keys.push_back(Pkcs1(GeneratedKey(bits)));
  }
  for (const std::string& der : keys) {
    std::optional<int> fast = RsaKeyBits(der);
    ASSERT_TRUE(fast.has_value()) << absl::Base64Escape(der);
    PkeyPtr full = ParsePublicKey(der);
    EXPECT_EQ(*fast, RsaBits(full.get()));
    EXPECT_TRUE(IsOpenSslRsaEncoding(der, full.get())) << absl::Base64Escape(der);
  }
  EXPECT_EQ(RsaKeyBits(Spki(GeneratedKey(1031))), 1031);
  EXPECT_EQ(RsaKeyBits(Pkcs1(GeneratedKey(4096))), 4096);
}

// Every modulus size from 1 to 2100 bits and every seventh to 4200, as
// OpenSSL writes the key: the top octet's every bit, and lengths either
// side of 128 and 256 at every level, with exponents of one to four octets.
TEST(RsaKeyBits, ReadsEveryModulusSizeOpenSslWrites) {
  std::mt19937 random(20261204);
  for (int bits = 1; bits <= 4200; bits += bits < 2100 ? 1 : 7) {
    std::string e = RandomNumber(1 + static_cast<int>(random() % 32), random);
    PkeyPtr key = KeyFromNumbers(RandomNumber(bits, random), e);
    ASSERT_NE(key, nullptr) << bits;
    for (const std::string& der : {Spki(key.get()), Pkcs1(key.get())}) {
      ASSERT_EQ(RsaKeyBits(der), bits) << absl::Base64Escape(der);
      ASSERT_EQ(FullDecoderBits(der), bits) << absl::Base64Escape(der);
    }
  }
}

TEST(RsaKeyBits, TakesParametersNullOrAbsent) {
  for (const PkeyPtr& key : ShapeKeys()) {
    Shape shape = ShapeOf(key.get());
    ASSERT_EQ(shape.Spki(), Spki(key.get())) << "the hand-written key is OpenSSL's";
    ASSERT_EQ(shape.Pkcs1(), Pkcs1(key.get()));
    int bits = EVP_PKEY_get_bits(key.get());
    EXPECT_EQ(RsaKeyBits(shape.Spki()), bits);
    EXPECT_EQ(RsaKeyBits(shape.Pkcs1()), bits);
    shape.parameters.clear();
    EXPECT_EQ(RsaKeyBits(shape.Spki()), bits);
    PkeyPtr full = ParsePublicKey(shape.Spki());
    EXPECT_EQ(RsaBits(full.get()), bits);
    EXPECT_TRUE(IsOpenSslRsaEncoding(shape.Spki(), full.get()));
  }
}

// Each part written wrong, one at a time: the fast reader declines every
// one (some are keys OpenSSL takes, e.g. most non-minimal lengths; the
// full decoder then decides, as the test below checks for all it does).
TEST(RsaKeyBits, TakesOnlyDer) {
  int full_accepts = 0, tried = 0;
  for (const PkeyPtr& key : ShapeKeys()) {
    int bits = EVP_PKEY_get_bits(key.get());
    for (const Mutation& m : Mutations()) {
      Shape shape = ShapeOf(key.get());
      m.change(shape);
      std::vector<std::pair<std::string, std::string>> forms = {{shape.Spki(), Spki(key.get())}};
      if (m.pkcs1) forms.emplace_back(shape.Pkcs1(), Pkcs1(key.get()));
      for (const auto& [der, unchanged] : forms) {
        ASSERT_NE(der, unchanged) << m.what << ": the mutation changed nothing";
        ++tried;
        EXPECT_EQ(RsaKeyBits(der), std::nullopt)
            << m.what << " (" << bits << " bits): " << absl::Base64Escape(der);
        full_accepts += FullDecoderBits(der) != 0;
      }
    }
  }
  // Not a requirement, a sign the mutations reach past OpenSSL's own
  // checks: it takes some of them (non-minimal lengths, parameters other
  // than NULL, octets after the RSAPublicKey in the bit string).
  EXPECT_GT(full_accepts, 0) << "of " << tried;
}

TEST(RsaKeyBits, LeavesOtherKeysToTheFullDecoder) {
  using namespace testing;
  for (const char* other : {kEd25519Spki, kEcP256, kRsaPss}) {
    EXPECT_FALSE(RsaKeyBits(Der(other)).has_value()) << other;
  }
  EXPECT_FALSE(RsaKeyBits("").has_value());
  EXPECT_FALSE(RsaKeyBits("\x30").has_value());
  EXPECT_FALSE(RsaKeyBits(std::string("\x30\x00", 2)).has_value());
  EXPECT_FALSE(RsaKeyBits(Der(kRsa2048) + std::string(1, '\0')).has_value());
}

// A random change to a key: what it does to the DER.
std::string Mutate(std::string der, std::mt19937& random) {
  size_t head = std::min<size_t>(der.size(), 40);  // the tags, lengths and OID
  switch (random() % 8) {
    case 0:  // an octet anywhere, most often in the headers
      der[random() % (random() % 2 ? der.size() : head)] = static_cast<char>(random());
      break;
    case 1:
      der.resize(random() % der.size());
      break;
    case 2:  // one to three octets after the key
      for (int i = 0, n = 1 + static_cast<int>(random() % 3); i < n; ++i) {
        der.push_back(static_cast<char>(random()));
      }
      break;
    case 3:
      der[random() % head] ^= static_cast<char>(1 << (random() % 8));
      break;
    case 4: {  // a length (or any header octet) one more or less
      char& c = der[random() % head];
      c = static_cast<char>(c + (random() % 2 ? 1 : -1));
      break;
    }
    case 5: {  // an octet that means something in a header
      static constexpr char kSpecial[] = {'\x00', '\x01', '\x7f', '\x80', '\x81', '\x82',
                                          '\x83', '\x84', '\x85', '\xff', '\x30', '\x02'};
      der[random() % head] = kSpecial[random() % sizeof(kSpecial)];
      break;
    }
    case 6:  // an octet inserted among the headers
      der.insert(random() % head, 1, static_cast<char>(random()));
      break;
    case 7:  // an octet taken out of the headers
      der.erase(random() % head, 1);
      break;
  }
  return der;
}

TEST(RsaKeyBits, NeverAcceptsWhatTheFullDecoderRefuses) {
  using namespace testing;
  std::mt19937 random(20261122);
  std::vector<std::string> keys = {Der(kRsa512), Der(kRsa1024), Der(kRsa1024Pkcs1), Der(kRsa2048),
                                   Der(kRsa8192)};
  for (const PkeyPtr& key : ShapeKeys()) {
    keys.push_back(Spki(key.get()));
    keys.push_back(Pkcs1(key.get()));
  }
  int accepted = 0, tried = 0;
  for (const std::string& key : keys) {
    for (int i = 0; i < 1000; ++i) {
      std::string der = Mutate(key, random);
      ++tried;
      std::optional<int> fast = RsaKeyBits(der);
      if (!fast) continue;
      ++accepted;
      PkeyPtr full = ParsePublicKey(der);
      EXPECT_EQ(*fast, RsaBits(full.get())) << absl::Base64Escape(der);
      EXPECT_TRUE(IsOpenSslRsaEncoding(der, full.get())) << absl::Base64Escape(der);
    }
  }
  // Mutations in the modulus leave a valid key: the comparison above ran.
  EXPECT_GT(accepted, 500) << "of " << tried;
  std::cout << accepted << " of " << tried << " mutations accepted\n";
}

}  // namespace
}  // namespace dnsd::config
