#include "policy/dkim/public_key.h"

#include <bit>
#include <cstddef>

#include "openssl/decoder.h"
#include "openssl/err.h"
#include "openssl/x509.h"

namespace dnsd::config {
namespace {

// Identifier octets (X.690 §8.1.2): universal class, low tag numbers, so one
// octet each; SEQUENCE is constructed, the others primitive.
constexpr unsigned char kInteger = 0x02;
constexpr unsigned char kBitString = 0x03;
constexpr unsigned char kNull = 0x05;
constexpr unsigned char kObjectIdentifier = 0x06;
constexpr unsigned char kSequence = 0x30;

// The contents octets of rsaEncryption, 1.2.840.113549.1.1.1 (RFC 8017
// Appendix C). An OID has one DER encoding, so comparing octets is exact.
constexpr absl::string_view kRsaEncryption("\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9);

// No real key comes near this; past it the full decoder answers, and the
// bit count below cannot overflow.
constexpr size_t kMaxIntegerOctets = 64 * 1024;

unsigned char Octet(absl::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }

// Takes one DER element with identifier octet `tag` off the front of `in`
// and sets `contents` to its contents octets. False, leaving `in` as it was
// (callers give up then), unless the length is definite and in its shortest
// form (X.690 §10.1) and no longer than what is left: so no indefinite
// length (0x80), no long form for a length under 128, no leading zero
// length octet. OpenSSL's decoders take all of those; they go to it.
bool TakeElement(absl::string_view& in, unsigned char tag, absl::string_view& contents) {
  if (in.size() < 2 || Octet(in, 0) != tag) return false;
  size_t length = Octet(in, 1);
  size_t header = 2;
  if (length >= 0x80) {
    size_t octets = length - 0x80;  // 0 is the indefinite form
    if (octets == 0 || octets > 4 || in.size() < header + octets) return false;
    length = 0;
    for (size_t i = 0; i < octets; ++i) length = length << 8 | Octet(in, header + i);
    if (Octet(in, header) == 0 || length < 0x80) return false;  // not the shortest form
    header += octets;
  }
  if (in.size() - header < length) return false;
  contents = in.substr(header, length);
  in.remove_prefix(header + length);
  return true;
}

// The bits of a positive INTEGER's value from its contents octets (X.690
// §8.3: two's complement, in the fewest octets). 0, meaning "not for the
// fast path", for zero, a negative value, an empty or padded encoding
// (OpenSSL's INTEGER parser refuses the last two) or a huge one.
int PositiveIntegerBits(absl::string_view contents) {
  if (contents.empty() || contents.size() > kMaxIntegerOctets) return 0;
  if (Octet(contents, 0) >= 0x80) return 0;  // negative
  if (Octet(contents, 0) == 0) {
    // A leading zero octet is there only to keep the next one's high bit
    // from reading as a sign; a lone 0 is zero.
    if (contents.size() == 1 || Octet(contents, 1) < 0x80) return 0;
    contents.remove_prefix(1);
  }
  return static_cast<int>(8 * (contents.size() - 1)) +
         std::bit_width(static_cast<unsigned>(Octet(contents, 0)));
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
// (RFC 8017 Appendix A.1.1), the whole of `der`.
std::optional<int> Pkcs1Bits(absl::string_view der) {
  absl::string_view key, modulus, exponent;
  if (!TakeElement(der, kSequence, key) || !der.empty() ||
      !TakeElement(key, kInteger, modulus) || !TakeElement(key, kInteger, exponent) ||
      !key.empty()) {
    return std::nullopt;
  }
  int bits = PositiveIntegerBits(modulus);
  if (bits == 0 || PositiveIntegerBits(exponent) == 0) return std::nullopt;
  return bits;
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
// subjectPublicKey BIT STRING } (RFC 5280 §4.1), the whole of `der`;
// algorithm rsaEncryption with NULL or no parameters (RFC 3279 §2.3.1),
// the bit string whole octets holding an RSAPublicKey.
std::optional<int> SpkiBits(absl::string_view der) {
  absl::string_view spki, algorithm, key, oid, null;
  if (!TakeElement(der, kSequence, spki) || !der.empty() ||
      !TakeElement(spki, kSequence, algorithm) || !TakeElement(spki, kBitString, key) ||
      !spki.empty() || !TakeElement(algorithm, kObjectIdentifier, oid) || oid != kRsaEncryption) {
    return std::nullopt;
  }
  if (!algorithm.empty() &&
      (!TakeElement(algorithm, kNull, null) || !null.empty() || !algorithm.empty())) {
    return std::nullopt;
  }
  // The first octet counts the unused bits of the last one (X.690 §8.6.2).
  if (key.empty() || key[0] != 0) return std::nullopt;
  return Pkcs1Bits(key.substr(1));
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

PkeyPtr ParsePublicKey(absl::string_view der) {
  const unsigned char* data = Bytes(der);
  const unsigned char* p = data;
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (key != nullptr && p == data + der.size()) return key;
  key.reset();
  EVP_PKEY* raw = nullptr;
  OSSL_DECODER_CTX* ctx = OSSL_DECODER_CTX_new_for_pkey(
      &raw, "DER", "type-specific", "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  p = data;
  size_t left = der.size();
  if (ctx != nullptr && OSSL_DECODER_from_data(ctx, &p, &left) == 1 && left == 0) {
    key.reset(raw);
  } else {
    EVP_PKEY_free(raw);
  }
  OSSL_DECODER_CTX_free(ctx);
  // Failed attempts leave errors queued; they must not leak into the next
  // caller of OpenSSL on this thread.
  ERR_clear_error();
  return key;
}

std::optional<int> RsaKeyBits(absl::string_view der) {
  if (std::optional<int> bits = SpkiBits(der)) return bits;
  return Pkcs1Bits(der);
}

}  // namespace dnsd::config
