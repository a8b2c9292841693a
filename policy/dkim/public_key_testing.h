// What the fast RSA key reader (public_key.h) is held to, for its test and
// its fuzz target: the full decoder's verdict, and OpenSSL's own DER for the
// key it read. Header-only; tests and fuzzers only.
#ifndef DNSD_POLICY_DKIM_PUBLIC_KEY_TESTING_H_
#define DNSD_POLICY_DKIM_PUBLIC_KEY_TESTING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "openssl/bn.h"
#include "openssl/core_names.h"
#include "openssl/crypto.h"
#include "openssl/objects.h"
#include "openssl/param_build.h"
#include "openssl/x509.h"
#include "policy/dkim/public_key.h"

namespace dnsd::config::testing {

// The bits of `key` if it is an RSA key; 0 for anything else, null included.
inline int RsaBits(const EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) return 0;
  return EVP_PKEY_get_bits(key);
}

// The full decoder's verdict: an RSA key's bits, or 0 for anything else.
inline int FullDecoderBits(absl::string_view der) { return RsaBits(ParsePublicKey(der).get()); }

// What an OpenSSL i2d function writes for `object` ("" if it fails).
template <typename T>
std::string Encoding(int (*i2d)(const T*, unsigned char**), const T* object) {
  unsigned char* der = nullptr;
  int length = i2d(object, &der);
  std::string out;
  if (length > 0 && der != nullptr) out.assign(reinterpret_cast<char*>(der), length);
  OPENSSL_free(der);
  return out;
}

// A public key OpenSSL takes from the given big-endian modulus and
// exponent; null if it does not. Nothing checks that the modulus is a
// product of two primes: neither reader looks, so any modulus tests their
// reading of sizes (and real keys of every size would take minutes).
inline PkeyPtr KeyFromNumbers(absl::string_view n, absl::string_view e) {
  auto bn = [](absl::string_view s) {
    return BN_bin2bn(reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()),
                     nullptr);
  };
  BIGNUM* bn_n = bn(n);
  BIGNUM* bn_e = bn(e);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    EVP_PKEY_free(key);
    key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  return PkeyPtr(key);
}

// True if `der` is exactly how OpenSSL writes `key` (what the full decoder
// read from it), an RSA key: a SubjectPublicKeyInfo with NULL parameters or
// none (RFC 3279 §2.3.1 allows both), or a bare RSAPublicKey. DER has one
// encoding per value, so whatever the fast reader takes must pass this: a
// key read from a non-minimal length, a padded integer or trailing octets
// would not.
inline bool IsOpenSslRsaEncoding(absl::string_view der, const EVP_PKEY* key) {
  if (RsaBits(key) == 0) return false;
  if (der == Encoding(i2d_PUBKEY, key)) return true;
  std::string pkcs1 = Encoding(i2d_PublicKey, key);
  if (der == pkcs1) return true;
  // The same key with the parameters left out.
  X509_PUBKEY* info = X509_PUBKEY_new();
  unsigned char* bits = static_cast<unsigned char*>(OPENSSL_memdup(pkcs1.data(), pkcs1.size()));
  bool same = false;
  if (info != nullptr && bits != nullptr &&
      X509_PUBKEY_set0_param(info, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_UNDEF, nullptr, bits,
                             static_cast<int>(pkcs1.size())) == 1) {
    same = der == Encoding(i2d_X509_PUBKEY, info);
  } else {
    OPENSSL_free(bits);
  }
  X509_PUBKEY_free(info);
  return same;
}

}  // namespace dnsd::config::testing

#endif  // DNSD_POLICY_DKIM_PUBLIC_KEY_TESTING_H_
