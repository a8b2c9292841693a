#include "policy/dkim/dkim.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/protocol/zone/rrset.h"
#include "policy/dkim/dkim_record.h"
#include "policy/dkim/public_key.h"
#include "config/quote.h"
#include "openssl/evp.h"
#include "openssl/objects.h"

namespace dnsd::config {

namespace {

constexpr int kMinRsaBits = 1024;  // RFC 8301 §3.2
constexpr int kMaxRsaBits = 4096;
constexpr size_t kEd25519KeyBytes = 32;  // RFC 8463 §4.2

// RFC 4648 §4's alphabet: each octet's 6-bit value, or -1 if it is not in
// the alphabet. One look-up per character of every key in every file.
constexpr std::array<int8_t, 256> kBase64Values = [] {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 26; ++i) {
    values['A' + i] = static_cast<int8_t>(i);
    values['a' + i] = static_cast<int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i) values['0' + i] = static_cast<int8_t>(52 + i);
  values['+'] = 62;
  values['/'] = 63;
  return values;
}();

int Base64Value(char c) { return kBase64Values[static_cast<unsigned char>(c)]; }

// How many characters of the alphabet `text` starts with. Pointers, not
// string indexing: a key's every character passes through this loop.
size_t AlphabetPrefix(absl::string_view text) {
  const unsigned char* begin = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = begin + text.size();
  const unsigned char* p = begin;
  while (p != end && kBase64Values[*p] >= 0) ++p;
  return static_cast<size_t>(p - begin);
}

absl::Status CheckRsaBits(int bits) {
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return absl::InvalidArgumentError(
        absl::StrCat("RSA key is ", bits, " bits; DKIM needs ", kMinRsaBits,
                     " to ", kMaxRsaBits));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> CheckRsaKey(const std::string& der) {
  // Nearly every key takes the fast path; the rest get the full decoder's
  // verdict and its precise error (policy/dkim/public_key.h).
  if (std::optional<int> bits = RsaKeyBits(der)) {
    if (absl::Status st = CheckRsaBits(*bits); !st.ok()) return st;
    return *bits;
  }
  PkeyPtr key = ParsePublicKey(der);
  if (key == nullptr && der.size() == kEd25519KeyBytes) {
    return absl::InvalidArgumentError(
        "p is 32 bytes, a raw Ed25519 key (RFC 8463), not an RSA key; set k: ed25519");
  }
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        "p is not a DER public key (SubjectPublicKeyInfo or RSAPublicKey)");
  }
  int id = EVP_PKEY_get_base_id(key.get());
  if (id == EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(
        "p holds an Ed25519 key; set k: ed25519 and give the raw 32 bytes");
  }
  if (id != EVP_PKEY_RSA) {
    const char* name = OBJ_nid2sn(id);
    return absl::InvalidArgumentError(
        absl::StrCat("p holds a ", name != nullptr ? name : "non-RSA",
                     " key, not an RSA key (rsaEncryption)"));
  }
  int bits = EVP_PKEY_get_bits(key.get());
  if (absl::Status st = CheckRsaBits(bits); !st.ok()) return st;
  return bits;
}

absl::StatusOr<int> CheckEd25519Key(const std::string& raw) {
  if (raw.size() == kEd25519KeyBytes) return 256;
  std::string hint;
  PkeyPtr key = ParsePublicKey(raw);
  if (key != nullptr && EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519) {
    hint = "; this is a SubjectPublicKeyInfo, use its last 32 bytes";
  } else if (key != nullptr &&
             EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
    hint = "; this is an RSA key, set k: rsa";
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Ed25519 key is ", raw.size(),
                   " bytes; RFC 8463 wants the raw 32-byte public key", hint));
}

}  // namespace

absl::StatusOr<std::string> CleanBase64(std::string text) {
  // Nearly every key is the alphabet then its padding, nothing else: one
  // pass over it finds that, and nothing needs squeezing or searching.
  bool plain = text.find_first_not_of('=', AlphabetPrefix(text)) == std::string::npos;
  if (!plain) {
    // Squeezed in place: the caller's copy becomes the key, with no second.
    size_t kept = 0;
    for (char c : text) {
      if (!absl::ascii_isspace(static_cast<unsigned char>(c))) text[kept++] = c;
    }
    text.resize(kept);
  }
  const std::string& clean = text;
  if (clean.empty()) return absl::InvalidArgumentError("p is empty");
  size_t padding = clean.size() - clean.find_last_not_of('=') - 1;
  for (size_t i = 0; !plain && i + padding < clean.size(); ++i) {
    if (Base64Value(clean[i]) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "p is not base64: ", Quoted(absl::string_view(&clean[i], 1)),
          " at character ", i + 1));
    }
  }
  if (padding > 2 || clean.size() % 4 != 0) {
    return absl::InvalidArgumentError(
        "p is not base64: its length with '=' padding must be a multiple of 4");
  }
  // RFC 4648 §3.5: the bits the padding leaves over, the last two of the
  // character before "=" or the last four before "==", must be zero. Read
  // off that one character instead of decoding and encoding the key again.
  if (padding > 0 && (Base64Value(clean[clean.size() - padding - 1]) & (padding == 1 ? 0x3 : 0xf))) {
    return absl::InvalidArgumentError(
        "p is not base64: the bits before the '=' padding must be zero");
  }
  return text;
}

absl::StatusOr<int> CheckDkimPublicKey(absl::string_view key_type,
                                       absl::string_view base64) {
  std::string bytes;
  if (!absl::Base64Unescape(base64, &bytes)) {
    return absl::InvalidArgumentError("p is not base64");
  }
  if (key_type == "rsa") return CheckRsaKey(bytes);
  if (key_type == "ed25519") return CheckEd25519Key(bytes);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown key type ", Quoted(key_type)));
}

absl::Status CheckDkimNotes(absl::string_view notes) {
  for (size_t i = 0; i < notes.size(); ++i) {
    char c = notes[i];
    bool hex_escape =
        c == '=' && i + 2 < notes.size() &&
        absl::ascii_isxdigit(static_cast<unsigned char>(notes[i + 1])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(notes[i + 2]));
    if ((c >= 0x20 && c <= 0x7e && c != ';' && c != '=') || hex_escape)
      continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "n ", Quoted(notes), " contains ", Quoted(absl::string_view(&c, 1)),
        "; notes are printable ASCII, with ';' written =3B and '=' as =3D"));
  }
  return absl::OkStatus();
}

std::string RenderDkimRecord(const DkimKeyTags& key) {
  std::string out = absl::StrCat("v=DKIM1; k=", key.key_type, "; p=", key.public_key);
  if (!key.hash.empty()) absl::StrAppend(&out, "; h=", absl::StrJoin(key.hash, ":"));
  if (!key.flags.empty()) absl::StrAppend(&out, "; t=", absl::StrJoin(key.flags, ":"));
  if (!key.service.empty()) absl::StrAppend(&out, "; s=", key.service);
  if (!key.notes.empty()) absl::StrAppend(&out, "; n=", key.notes);
  return out;
}

DkimKey KeyOf(const DkimKeyTags& tags, int key_bits, KeyHeap heap) {
  DkimKey key;
  key.kind = DkimKey::Kind::kKey;
  key.key_bits = key_bits;
  key.record = DkimRecordOf(tags, heap);
  return key;
}

DkimKey CnameKey(std::string target) {
  DkimKey key;
  key.kind = DkimKey::Kind::kCname;
  key.target = std::make_shared<const std::string>(std::move(target));
  return key;
}

DkimKey RevokedKey() {
  DkimKey key;
  key.kind = DkimKey::Kind::kRevoked;
  return key;
}

std::string DkimKey::text() const {
  if (kind == Kind::kCname && target != nullptr) return *target;
  if (kind != Kind::kKey || !record) return "";
  // The character-strings joined, as receivers join them (RFC 6376 §3.6.2.2).
  std::string rdata = record->Bytes();
  std::string out;
  out.reserve(rdata.size());
  absl::string_view rest = rdata;
  while (!rest.empty()) {
    size_t n = std::min<size_t>(static_cast<uint8_t>(rest[0]), rest.size() - 1);
    absl::StrAppend(&out, rest.substr(1, n));
    rest.remove_prefix(1 + n);
  }
  return out;
}

std::string DkimKey::public_key() const {
  if (kind != Kind::kKey) return "";
  std::string record = text();
  absl::string_view rest = record;
  size_t at = rest.find("; p=");
  if (at == absl::string_view::npos) return "";
  rest.remove_prefix(at + 4);
  return std::string(rest.substr(0, rest.find(';')));
}

}  // namespace dnsd::config
