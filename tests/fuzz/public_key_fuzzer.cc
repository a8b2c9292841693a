// libFuzzer target for the fast DER reader of DKIM RSA keys
// (policy/dkim/public_key.h), fuzzed against OpenSSL's full decoder: whatever
// RsaKeyBits accepts, ParsePublicKey must accept as an RSA key of the same
// size. The fast reader exists only for speed; it must never be more lenient.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "policy/dkim/public_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string der(reinterpret_cast<const char*>(data), size);
  std::optional<int> fast = dnsd::config::RsaKeyBits(der);
  if (!fast) return 0;
  dnsd::config::PkeyPtr key = dnsd::config::ParsePublicKey(der);
  int full = 0;
  if (key != nullptr && EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
    full = EVP_PKEY_get_bits(key.get());
  }
  if (full != *fast) {
    std::fprintf(stderr, "RsaKeyBits says %d bits, the full decoder %d\n", *fast, full);
    std::abort();
  }
  return 0;
}
