// Reading DER public keys, for the DKIM key check (policy/dkim/dkim.h).
//
// Two readers. ParsePublicKey asks OpenSSL's full decoder, which knows every
// key type and gives the precise error. RsaKeyBits reads the one form nearly
// every DKIM key has, an RSA SubjectPublicKeyInfo (or a bare PKCS#1
// RSAPublicKey), by walking its DER octets in place: no allocation, no
// copy of the modulus, no OpenSSL. OpenSSL 3.0's decoder looks its
// providers up under global locks (half the load time at 100k domain files
// read on every core); its generic ASN.1 parser, used here before, still
// made an object per element and copied the modulus (about a fifth of the
// CPU of reading a domain file at start; 3.4-3.8 µs a 2048-bit key
// against 60-80 ns now, bench/dkim_key_bench).
//
// The fast reader only ever accepts; anything it does not recognise goes to
// the full decoder. It takes strict DER only (shortest-form definite
// lengths, one-octet tags, minimal integers, nothing trailing), a subset of
// what OpenSSL takes, and a differential test holds it to the full
// decoder's verdict. Thread-safe: no state.
#ifndef DNSD_POLICY_DKIM_PUBLIC_KEY_H_
#define DNSD_POLICY_DKIM_PUBLIC_KEY_H_

#include <memory>
#include <optional>

#include "absl/strings/string_view.h"
#include "openssl/evp.h"

namespace dnsd::config {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

// A SubjectPublicKeyInfo, or failing that a PKCS#1 RSAPublicKey; either way
// the whole input must be the key. Null if it is neither.
PkeyPtr ParsePublicKey(absl::string_view der);

// The modulus size of `der` if it is, in DER, an rsaEncryption
// SubjectPublicKeyInfo (parameters NULL or absent) or a PKCS#1
// RSAPublicKey, with positive modulus and exponent and nothing after it;
// nullopt otherwise (then ask ParsePublicKey, which may still take it).
std::optional<int> RsaKeyBits(absl::string_view der);

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_PUBLIC_KEY_H_
