#include "policy/mta_sts/mta_sts_policy.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "config/names.h"
#include "config/quote.h"
#include "openssl/evp.h"

namespace dnsd::mta_sts {

namespace {

using config::Quoted;

// §3.1: sts-id = 1*32(ALPHA / DIGIT).
constexpr size_t kIdLength = 32;

absl::Status MxError(absl::string_view pattern, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("mx pattern ", Quoted(pattern), " ", why));
}

bool IsAllDigits(absl::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_isdigit(c); });
}

// `name` is a pattern without its "*." and one trailing dot; returns why it
// is not an RFC 5321 §4.1.2 Domain, or OK.
absl::Status CheckHostName(absl::string_view name) {
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
        c == '.') {
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      return absl::InvalidArgumentError(
          "is not ASCII; write an international name as its A-label "
          "(xn--...), as RFC 8461 §3.2 requires");
    }
    return absl::InvalidArgumentError(
        absl::StrCat("contains ", Quoted(absl::string_view(&c, 1)),
                     "; host names are letters, digits, '-' and '.'"));
  }
  // NormalizeDomainName would take a second trailing dot as the root's.
  if (absl::EndsWith(name, ".")) {
    return absl::InvalidArgumentError("ends in an empty label");
  }
  absl::StatusOr<std::string> normalized = config::NormalizeDomainName(name);
  if (!normalized.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("is not a valid name: ", normalized.status().message()));
  }
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.front() == '-' || label.back() == '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "has the label ", Quoted(label), ", which starts or ends with '-'"));
    }
  }
  if (IsAllDigits(name.substr(name.rfind('.') + 1))) {
    return absl::InvalidArgumentError(
        "is an IP address; patterns match MX host names (RFC 8461 §4.1)");
  }
  return absl::OkStatus();
}

// Fetched once: with the legacy EVP_sha256(), OpenSSL 3 looks the
// algorithm up in its provider store again on every digest.
const EVP_MD* Sha256() {
  static const EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return kSha256;
}

}  // namespace

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kEnforce:
      return "enforce";
    case Mode::kTesting:
      return "testing";
    case Mode::kNone:
      return "none";
  }
  return "none";  // not reached: the switch covers every Mode
}

absl::StatusOr<std::string> NormalizeMxPattern(absl::string_view pattern) {
  absl::string_view name = pattern;
  const bool wildcard = absl::StartsWith(name, "*.");
  if (wildcard) name.remove_prefix(2);
  // §4.1: "*" may only match "the entire left-most label".
  if (absl::StrContains(name, '*')) {
    return MxError(pattern,
                   "may have a wildcard only as its whole leftmost label, as "
                   "in *.example.net (RFC 8461 §4.1)");
  }
  if (absl::EndsWith(name, ".")) name.remove_suffix(1);
  if (name.empty()) {
    return MxError(pattern, wildcard ? "has no name after '*.'" : "is empty");
  }
  absl::Status status = CheckHostName(name);
  if (!status.ok()) return MxError(pattern, status.message());
  // A single label is no MX host, and "*.com" would let any name in .com
  // pass as the domain's MX.
  if (!absl::StrContains(name, '.')) {
    return MxError(pattern,
                   wildcard ? "must have a whole domain after '*.', such as "
                              "*.example.net"
                            : "is not fully qualified; write the whole name, "
                              "such as mail.example.com");
  }
  // The names a wildcard matches are at least "x." longer.
  if (wildcard && name.size() + 2 > config::kMaxNameLength) {
    return MxError(
        pattern,
        absl::StrCat("matches only names over ", config::kMaxNameLength,
                     " characters long; shorten the domain"));
  }
  return absl::StrCat(wildcard ? "*." : "", absl::AsciiStrToLower(name));
}

absl::Status CheckMaxAge(int64_t max_age) {
  if (max_age >= 0 && max_age <= kMaxMaxAge) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("max_age ", max_age, " must be from 0 to ", kMaxMaxAge,
                   " seconds (a year; RFC 8461 §3.2)"));
}

absl::Status CheckPolicy(const Policy& policy) {
  absl::Status status = CheckMaxAge(policy.max_age);
  if (!status.ok()) return status;
  if (policy.mx.empty() && policy.mode != Mode::kNone) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mode ", ModeName(policy.mode),
        " needs at least one mx pattern; only mode none may have none "
        "(RFC 8461 §3.2)"));
  }
  absl::flat_hash_set<absl::string_view> seen;  // linear, however long the list
  for (const std::string& mx : policy.mx) {
    absl::StatusOr<std::string> normalized = NormalizeMxPattern(mx);
    if (!normalized.ok()) return normalized.status();
    if (*normalized != mx) {
      return MxError(
          mx, absl::StrCat("is not normalised; write ", Quoted(*normalized)));
    }
    if (!seen.insert(mx).second) {
      return MxError(mx, "is listed twice");
    }
  }
  return absl::OkStatus();
}

std::string PolicyText(const Policy& policy) {
  std::string text =
      absl::StrCat("version: STSv1\r\nmode: ", ModeName(policy.mode), "\r\n");
  for (const std::string& mx : policy.mx) {
    absl::StrAppend(&text, "mx: ", mx, "\r\n");
  }
  absl::StrAppend(&text, "max_age: ", policy.max_age, "\r\n");
  return text;
}

std::string PolicyId(const Policy& policy) {
  const std::string text = PolicyText(policy);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const EVP_MD* sha256 = Sha256();
  const bool digested = sha256 != nullptr &&
                        EVP_Digest(text.data(), text.size(), digest, &size,
                                   sha256, nullptr) == 1 &&
                        size * 2 >= kIdLength;
  if (!digested) {
    // Only a broken OpenSSL installation gets here. Any other id would no
    // longer change exactly when the policy does, so there is none to give.
    std::fputs("dnsd: OpenSSL cannot compute SHA-256 for an MTA-STS id\n",
               stderr);
    std::abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), kIdLength / 2));
}

std::string RenderStsRecord(absl::string_view id) {
  return absl::StrCat("v=STSv1; id=", id);
}

}  // namespace dnsd::mta_sts
