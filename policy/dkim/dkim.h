// DKIM key records (RFC 6376 §3.6.1, Ed25519 per RFC 8463): checking the
// public key a domain file carries and rendering the TXT record.
//
// A key is checked by decoding it, not by looking at it: base64 must be
// strict, an RSA key must parse as DER and be 1024 to 4096 bits, an Ed25519
// key must be the raw 32 bytes. Thread-safe: no state.
#ifndef DNSD_POLICY_DKIM_DKIM_H_
#define DNSD_POLICY_DKIM_DKIM_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/model.h"

namespace dnsd::config {

// Removes whitespace (YAML folded strings may carry it) and checks what is
// left is strict base64 (RFC 4648 §4): its alphabet, '=' padding to a
// multiple of four, zero bits in the padding. Returns the cleaned text, in
// `text`'s own buffer (move a string in to spare a copy).
absl::StatusOr<std::string> CleanBase64(std::string text);

// Decodes `base64` (already cleaned) as a key of `key_type` ("rsa" or
// "ed25519") and returns its size in bits. RSA keys may be a DER
// SubjectPublicKeyInfo or a bare PKCS#1 RSAPublicKey, as dkimpy accepts.
absl::StatusOr<int> CheckDkimPublicKey(absl::string_view key_type,
                                       absl::string_view base64);

// n= notes are a qp-section (RFC 6376 §3.6.1): printable ASCII and spaces;
// ';' and a '=' that does not start a "=XX" hex escape would break the
// record.
absl::Status CheckDkimNotes(absl::string_view notes);

// The TXT record text of a key: "v=DKIM1; k=rsa; p=<base64>" followed by
// h=, t=, s= and n= when set.
std::string RenderDkimRecord(const DkimKeyTags& tags);

// The three kinds of DkimKey.
DkimKey KeyOf(const DkimKeyTags& tags, int key_bits, KeyHeap heap = KeyHeap::kKept);
DkimKey CnameKey(std::string target);
DkimKey RevokedKey();

}  // namespace dnsd::config

#endif  // DNSD_POLICY_DKIM_DKIM_H_
