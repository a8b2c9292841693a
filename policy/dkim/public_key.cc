#include "policy/dkim/public_key.h"

#include <bit>

#include "openssl/asn1.h"
#include "openssl/decoder.h"
#include "openssl/err.h"
#include "openssl/obj_mac.h"
#include "openssl/objects.h"
#include "openssl/x509.h"

namespace dnsd::config {
namespace {

struct SequenceFree {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
using SequencePtr = std::unique_ptr<ASN1_SEQUENCE_ANY, SequenceFree>;
struct AlgorFree {
  void operator()(X509_ALGOR* a) const { X509_ALGOR_free(a); }
};

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

constexpr unsigned char kSequenceTag = 0x30;  // universal, constructed, 16

// A DER SEQUENCE of exactly two elements that is all of `der`. The tag is
// checked here: OpenSSL's generic parser also takes a primitive 0x10.
SequencePtr Pair(absl::string_view der) {
  if (der.empty() || static_cast<unsigned char>(der[0]) != kSequenceTag) return nullptr;
  const unsigned char* p = Bytes(der);
  SequencePtr seq(d2i_ASN1_SEQUENCE_ANY(nullptr, &p, static_cast<long>(der.size())));
  if (seq == nullptr || p != Bytes(der) + der.size() || sk_ASN1_TYPE_num(seq.get()) != 2) {
    return nullptr;
  }
  return seq;
}

// The bits of a non-negative INTEGER's value, read off its big-endian
// magnitude octets (what BN_num_bits would say, without making a BIGNUM of
// every key's modulus); 0 for zero.
int MagnitudeBits(const ASN1_INTEGER* integer) {
  const unsigned char* p = ASN1_STRING_get0_data(integer);
  int len = ASN1_STRING_length(integer);
  while (len > 0 && *p == 0) {
    ++p;
    --len;
  }
  return len == 0 ? 0 : 8 * (len - 1) + std::bit_width(static_cast<unsigned>(*p));
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
std::optional<int> Pkcs1Bits(absl::string_view der) {
  SequencePtr seq = Pair(der);
  if (seq == nullptr) return std::nullopt;
  const ASN1_TYPE* n = sk_ASN1_TYPE_value(seq.get(), 0);
  const ASN1_TYPE* e = sk_ASN1_TYPE_value(seq.get(), 1);
  // A negative integer keeps the INTEGER tag but not the string type.
  if (n->type != V_ASN1_INTEGER || e->type != V_ASN1_INTEGER ||
      ASN1_STRING_type(n->value.integer) != V_ASN1_INTEGER ||
      ASN1_STRING_type(e->value.integer) != V_ASN1_INTEGER) {
    return std::nullopt;
  }
  int modulus_bits = MagnitudeBits(n->value.integer);
  if (modulus_bits == 0 || MagnitudeBits(e->value.integer) == 0) return std::nullopt;
  return modulus_bits;
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
// subjectPublicKey BIT STRING }, algorithm rsaEncryption with NULL or no
// parameters (RFC 3279 §2.3.1), the bit string an RSAPublicKey.
std::optional<int> SpkiBits(absl::string_view der) {
  SequencePtr seq = Pair(der);
  if (seq == nullptr) return std::nullopt;
  const ASN1_TYPE* algorithm = sk_ASN1_TYPE_value(seq.get(), 0);
  const ASN1_TYPE* key = sk_ASN1_TYPE_value(seq.get(), 1);
  if (algorithm->type != V_ASN1_SEQUENCE || key->type != V_ASN1_BIT_STRING) return std::nullopt;
  const ASN1_STRING* encoded = algorithm->value.sequence;
  const unsigned char* p = ASN1_STRING_get0_data(encoded);
  const unsigned char* end = p + ASN1_STRING_length(encoded);
  if (p == end || *p != kSequenceTag) return std::nullopt;
  std::unique_ptr<X509_ALGOR, AlgorFree> alg(d2i_X509_ALGOR(nullptr, &p, end - p));
  if (alg == nullptr || p != end) return std::nullopt;
  const ASN1_OBJECT* oid = nullptr;
  int param_type = 0;
  X509_ALGOR_get0(&oid, &param_type, nullptr, alg.get());
  if (OBJ_obj2nid(oid) != NID_rsaEncryption ||
      (param_type != V_ASN1_NULL && param_type != V_ASN1_UNDEF)) {
    return std::nullopt;
  }
  const ASN1_BIT_STRING* bits = key->value.bit_string;
  if ((bits->flags & 0x07) != 0) return std::nullopt;  // unused bits in the last octet
  return Pkcs1Bits(absl::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(bits)),
                                     static_cast<size_t>(ASN1_STRING_length(bits))));
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
  std::optional<int> bits = SpkiBits(der);
  if (!bits) bits = Pkcs1Bits(der);
  ERR_clear_error();
  return bits;
}

}  // namespace dnsd::config
