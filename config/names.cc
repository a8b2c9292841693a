#include "config/names.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "config/quote.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/wire/name.h"

namespace dnsd::config {

namespace {

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

absl::Status CheckLabel(absl::string_view label, absl::string_view name,
                        absl::string_view what) {
  if (label.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", Quoted(name), " has an empty label"));
  }
  if (label.size() > kMaxLabelLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", Quoted(name), " has a label of ", label.size(),
                     " characters; the limit is 63"));
  }
  for (char c : label) {
    if (IsNameChar(c)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        what, " ", Quoted(name), " contains ", Quoted(absl::string_view(&c, 1)),
        "; only letters, digits, '-' and '_' are allowed"));
  }
  return absl::OkStatus();
}

// The checks both kinds of name share. `text` has no trailing dot left.
absl::StatusOr<std::string> CheckName(absl::string_view text,
                                      absl::string_view original,
                                      absl::string_view what) {
  if (text.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  }
  if (text.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", Quoted(original), " is ", text.size(),
                     " characters long; the limit is 253"));
  }
  for (absl::string_view label : absl::StrSplit(text, '.')) {
    absl::Status status = CheckLabel(label, original, what);
    if (!status.ok()) return status;
  }
  return absl::AsciiStrToLower(text);
}

}  // namespace

absl::StatusOr<std::string> NormalizeDomainName(absl::string_view text) {
  absl::string_view name = text;
  if (absl::EndsWith(name, ".")) name.remove_suffix(1);
  return CheckName(name, text, "domain name");
}

absl::StatusOr<std::string> NormalizeDkimSelector(absl::string_view text) {
  if (absl::EndsWith(text, ".")) {
    return absl::InvalidArgumentError(
        absl::StrCat("selector ", Quoted(text),
                     " ends with a dot; selectors are relative "
                     "to _domainkey.<domain>"));
  }
  return CheckName(text, text, "selector");
}

bool IsAtOrBelow(absl::string_view name, absl::string_view parent) {
  if (name.size() == parent.size()) return name == parent;
  return name.size() > parent.size() && absl::EndsWith(name, parent) &&
         name[name.size() - parent.size() - 1] == '.';
}

absl::StatusOr<std::string> Prepend(absl::string_view label_text,
                                    absl::string_view base) {
  DNSD_ASSIGN_OR_RETURN(std::string prefix, wire::NameFromText(label_text));
  prefix.pop_back();  // drop its root label
  std::string name = absl::StrCat(prefix, base);
  if (name.size() > wire::kMaxNameSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        label_text, ".", wire::NameToText(base), " is longer than 255 octets"));
  }
  return name;
}

}  // namespace dnsd::config
