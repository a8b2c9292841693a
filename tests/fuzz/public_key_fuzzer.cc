// libFuzzer target for the fast DER reader of DKIM RSA keys
// (policy/dkim/public_key.h), fuzzed against OpenSSL's full decoder: whatever
// RsaKeyBits accepts, ParsePublicKey must accept as an RSA key of the same
// size, and the input must be exactly how OpenSSL writes that key (the fast
// reader takes DER only: no other length forms, padding or trailing octets).
// The fast reader exists only for speed; it must never be more lenient.
//
// The same octets as a key's DER, in base64, are also a DKIM record held as
// DER (policy/dkim/dkim_record.h): it must write the octets its text makes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/escaping.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/dkim_record.h"
#include "policy/dkim/public_key.h"
#include "policy/dkim/public_key_testing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string der(reinterpret_cast<const char*>(data), size);
  dnsd::config::DkimKeyTags tags;
  tags.public_key = absl::Base64Escape(der);
  tags.hash = {"sha256"};
  if (!der.empty() && dnsd::config::DkimRecordOf(tags)->Bytes() !=
                          dnsd::TxtRdata(dnsd::config::RenderDkimRecord(tags))) {
    std::fprintf(stderr, "a record held as DER writes other octets than its text\n");
    std::abort();
  }
  std::optional<int> fast = dnsd::config::RsaKeyBits(der);
  if (!fast) return 0;
  dnsd::config::PkeyPtr key = dnsd::config::ParsePublicKey(der);
  int full = dnsd::config::testing::RsaBits(key.get());
  if (full != *fast) {
    std::fprintf(stderr, "RsaKeyBits says %d bits, the full decoder %d\n", *fast, full);
    std::abort();
  }
  if (!dnsd::config::testing::IsOpenSslRsaEncoding(der, key.get())) {
    std::fprintf(stderr, "RsaKeyBits read %d bits from what is not OpenSSL's DER of the key\n",
                 *fast);
    std::abort();
  }
  return 0;
}
