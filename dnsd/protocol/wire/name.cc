#include "absl/strings/string_view.h"
#include "dnsd/protocol/wire/name.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dnsd::wire {

void Name::IndexLabels() {
  label_count = 0;
  for (size_t pos = 0; pos < size && data[pos] != 0; pos += data[pos] + 1) {
    label_offsets[label_count++] = static_cast<uint8_t>(pos);
  }
}

void LowerCase(const Name& in, Name* out) {
  // Eight octets at a time: an octet is folded when it lies in 'A'..'Z'
  // (both sums below set its top bit only within those bounds, and octets
  // of 0x80 and above are left alone). Length octets are < 64, so folding
  // never touches them.
  constexpr uint64_t kOnes = 0x0101010101010101;
  size_t i = 0;
  for (; i + 8 <= in.size; i += 8) {
    uint64_t w;
    std::memcpy(&w, in.data + i, 8);
    uint64_t low7 = w & (0x7F * kOnes);
    uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;
    uint64_t above_z = low7 + (0x80 - 'Z' - 1) * kOnes;
    uint64_t upper = at_least_a & ~above_z & ~w & (0x80 * kOnes);
    w |= upper >> 2;  // 0x80 >> 2 == 'a' - 'A'
    std::memcpy(out->data + i, &w, 8);
  }
  for (; i < in.size; ++i) {
    uint8_t c = in.data[i];
    out->data[i] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
  }
  out->size = in.size;
  out->label_count = in.label_count;
  std::copy(in.label_offsets, in.label_offsets + in.label_count, out->label_offsets);
}

absl::StatusOr<std::string> NameFromText(absl::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  std::string wire;
  if (!text.empty()) {
    for (absl::string_view label : absl::StrSplit(text, '.')) {
      if (label.empty() || label.size() > kMaxLabelSize) {
        return absl::InvalidArgumentError(absl::StrCat("bad label in name '", text, "'"));
      }
      wire.push_back(static_cast<char>(label.size()));
      wire.append(absl::AsciiStrToLower(label));
    }
  }
  wire.push_back('\0');
  if (wire.size() > kMaxNameSize) {
    return absl::InvalidArgumentError(absl::StrCat("name '", text, "' is longer than 255 octets"));
  }
  return wire;
}

std::string NameToText(absl::string_view wire) {
  std::string text;
  size_t pos = 0;
  while (pos < wire.size() && wire[pos] != 0) {
    size_t len = static_cast<uint8_t>(wire[pos]);
    for (size_t i = pos + 1; i <= pos + len && i < wire.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(wire[i]);
      if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '*') {
        text.push_back(static_cast<char>(c));
      } else {
        absl::StrAppend(&text, "\\", c / 100, (c / 10) % 10, c % 10);
      }
    }
    text.push_back('.');
    pos += len + 1;
  }
  return text.empty() ? "." : text;
}

bool IsSubdomain(absl::string_view name, absl::string_view ancestor) {
  if (ancestor.size() > name.size()) return false;
  // Walk name's labels until what remains has ancestor's length: comparing
  // only at label boundaries keeps "xexample.com" out of "example.com".
  size_t pos = 0;
  while (pos < name.size() && name.size() - pos > ancestor.size()) {
    pos += static_cast<uint8_t>(name[pos]) + 1;
  }
  return pos <= name.size() && name.size() - pos == ancestor.size() &&
         name.substr(pos) == ancestor;
}

int CountLabels(absl::string_view wire) {
  int count = 0;
  for (size_t pos = 0; pos < wire.size() && wire[pos] != 0;
       pos += static_cast<uint8_t>(wire[pos]) + 1) {
    ++count;
  }
  return count;
}

}  // namespace dnsd::wire
