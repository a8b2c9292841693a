// LoadCatalogFile: senders.yaml, the sending services customers enable.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/field_readers.h"
#include "config/loader.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kCatalogKeys[] = {"senders"};
constexpr absl::string_view kSenderKeys[] = {
    "name", "aliases", "include", "helo", "answer", "ranges", "lookups", "void_lookups"};
constexpr absl::string_view kRangesKeys[] = {"as_of", "from", "ip4", "ip6"};
constexpr absl::string_view kAnswers[] = {"ip", "include"};

// Ids are what domain files type, so they stay plain: [a-z0-9_-]+.
bool IsValidId(absl::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// YYYY-MM-DD, a real calendar day.
bool IsValidDate(absl::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      !absl::SimpleAtoi(text.substr(8, 2), &day)) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) {
    return false;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

// A HELO name, or "*." and a name for any name below it.
std::vector<std::string> ReadHeloPatterns(YamlReader& r, const Value& value) {
  std::vector<std::string> patterns;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return patterns;
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (const StringItem& item : *items) {
    absl::string_view text = item.text;
    bool wildcard = text.substr(0, 2) == "*.";
    if (wildcard) text.remove_prefix(2);
    absl::StatusOr<std::string> name = NormalizeDomainName(text);
    if (!name.ok()) {
      r.Error(item.pos, absl::StrCat("HELO pattern ", Quoted(item.text), ": ",
                                     name.status().message()));
      continue;
    }
    std::string pattern = wildcard ? absl::StrCat("*.", *name) : *name;
    if (!seen.insert(pattern).second) {
      r.Error(item.pos, absl::StrCat(Quoted(pattern), " is listed twice"));
      continue;
    }
    patterns.push_back(std::move(pattern));
  }
  return patterns;
}

void ReadRanges(YamlReader& r, const Value& value, SenderRanges& ranges) {
  std::optional<Fields> f = r.Map(value, kRangesKeys);
  if (!f) return;
  if (const Value* v = f->Get("as_of")) {
    std::optional<std::string> date = r.String(*v);
    if (date && !IsValidDate(*date)) {
      r.ValueError(*v, absl::StrCat("expected a date as YYYY-MM-DD, got ",
                                    Quoted(*date)));
    } else if (date) {
      ranges.as_of = *date;
    }
  }
  if (const Value* v = f->Get("from")) {
    if (std::optional<std::string> from = r.String(*v)) ranges.from = *from;
  }
  if (const Value* v = f->Get("ip4")) {
    ranges.prefixes = ReadPrefixList(r, *v, Family::kV4);
  }
  if (const Value* v = f->Get("ip6")) {
    std::vector<IpPrefix> v6 = ReadPrefixList(r, *v, Family::kV6);
    ranges.prefixes.insert(ranges.prefixes.end(), v6.begin(), v6.end());
  }
}

void ReadSender(YamlReader& r, const Entry& entry, Sender& sender) {
  sender.id = entry.key;
  sender.pos = entry.key_pos;
  if (!IsValidId(entry.key)) {
    r.Error(entry.key_pos,
            absl::StrCat("sender id ", Quoted(entry.key),
                         " must be lower-case letters, digits, '-' or '_'"));
  }
  std::optional<Fields> f = r.Map(entry.value, kSenderKeys);
  if (!f) return;
  if (const Value* v = r.Require(*f, "name")) {
    std::optional<std::string> name = r.String(*v);
    if (name && name->empty()) r.ValueError(*v, "must not be empty");
    if (name) sender.name = *name;
  }
  if (const Value* v = f->Get("aliases")) {
    if (auto items = r.StringList(*v)) {
      for (StringItem& item : *items) {
        if (item.text.empty()) {
          r.Error(item.pos, "an alias must not be empty");
        } else {
          sender.aliases.push_back(std::move(item.text));
        }
      }
    }
  }
  if (const Value* v = r.Require(*f, "include")) {
    if (auto include = ReadDomainName(r, *v)) sender.include = *include;
  }
  if (const Value* v = f->Get("helo")) sender.helo = ReadHeloPatterns(r, *v);
  if (const Value* v = f->Get("answer")) {
    std::optional<std::string> answer = r.OneOf(*v, kAnswers);
    if (answer == "include") sender.answer = SenderAnswer::kInclude;
  }
  if (const Value* v = f->Get("ranges")) ReadRanges(r, *v, sender.ranges);
  // RFC 7208 §4.6.4: an include that alone costs more than 10 look-ups, or
  // more than 2 void ones, is a permerror wherever it is used.
  if (const Value* v = f->Get("lookups")) {
    if (auto n = r.Integer(*v, 1, 10)) sender.lookups = static_cast<int>(*n);
  }
  if (const Value* v = f->Get("void_lookups")) {
    if (auto n = r.Integer(*v, 0, 2)) sender.void_lookups = static_cast<int>(*n);
  }
}

void ReadCatalog(YamlReader& r, const Value& root, Catalog& catalog) {
  std::optional<Fields> f = r.Map(root, kCatalogKeys);
  if (!f) return;
  const Value* senders = r.Require(*f, "senders");
  if (senders == nullptr) return;
  std::optional<std::vector<Entry>> entries = r.Entries(*senders);
  if (!entries) return;
  for (const Entry& entry : *entries) {
    Sender sender;
    ReadSender(r, entry, sender);
    catalog.senders.push_back(std::move(sender));
  }
  std::sort(catalog.senders.begin(), catalog.senders.end(),
            [](const Sender& a, const Sender& b) { return a.id < b.id; });
}

}  // namespace

Loaded<Catalog> LoadCatalogFile(const std::string& path, const std::string& read_from) {
  Catalog catalog;
  catalog.path = path;
  return LoadWith(path, std::move(catalog), ReadCatalog, read_from);
}

}  // namespace dnsd::config
