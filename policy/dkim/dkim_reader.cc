// ReadDkimSection: the `dkim:` part of a domain file, selector by selector.
#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/dkim/dkim.h"
#include "policy/dkim/dkim_reader.h"
#include "config/field_readers.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/timeline.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kSelectorKeys[] = {"k", "p",     "h",       "t",    "s",     "n",
                                               "cname", "revoked", "from", "until", "retain"};
constexpr absl::string_view kKeyOnlyKeys[] = {"k", "h", "t", "s", "n"};
constexpr absl::string_view kKeyTypes[] = {"rsa", "ed25519"};
constexpr absl::string_view kHashes[] = {"sha256", "sha1"};
constexpr absl::string_view kFlags[] = {"y", "s"};
constexpr absl::string_view kServices[] = {"email", "*"};

// h=, t= and s= lists: each value from `choices`, none twice.
std::vector<std::string> ReadChoiceList(
    YamlReader& r, const Value& value,
    absl::Span<const absl::string_view> choices) {
  std::vector<std::string> out;
  std::optional<std::vector<Value>> items = r.List(value);
  if (!items) return out;
  out.reserve(items->size());
  for (const Value& item : *items) {
    std::optional<std::string> choice = r.OneOf(item, choices);
    if (!choice) continue;
    if (std::find(out.begin(), out.end(), *choice) != out.end()) {
      r.ValueError(item, absl::StrCat(Quoted(*choice), " is listed twice"));
      continue;
    }
    out.push_back(*std::move(choice));
  }
  return out;
}

// What people paste instead of the base64 key: a PEM file, or the whole
// TXT record a vendor showed them. Nothing of it is quoted back: it may be
// a private key.
std::optional<std::string> PastedInsteadOfKey(absl::string_view text) {
  if (absl::StrContains(text, "PRIVATE KEY")) {
    return "is a private key: never publish it; give the public key "
           "(openssl pkey -pubout -outform DER | base64 -w0), and replace this key if it was shared";
  }
  if (absl::StrContains(text, "-----BEGIN")) {
    return "is a PEM block; give only the base64 lines between its -----BEGIN and -----END "
           "lines";
  }
  if (absl::StrContains(text, "v=DKIM1") ||
      (absl::StrContains(text, ";") && absl::StrContains(text, "p="))) {
    std::string fix = "is a whole DKIM record (v=DKIM1; ...); give only the value of its p= tag";
    if (absl::StrContains(text, "k=ed25519")) absl::StrAppend(&fix, ", and k: ed25519");
    return fix;
  }
  return std::nullopt;
}

// Returns the key's size in bits, or 0 if it did not read.
int ReadPublicKey(YamlReader& r, const Fields& f, const Value& p, DkimKeyTags& key) {
  if (const Value* v = f.Get("k")) {
    if (auto type = r.OneOf(*v, kKeyTypes)) key.key_type = *type;
  }
  std::optional<std::string> text = r.String(p);
  if (!text) return 0;
  if (text->empty()) {
    r.ValueError(p, "is empty; to revoke a key write revoked: true");
    return 0;
  }
  if (std::optional<std::string> pasted = PastedInsteadOfKey(*text)) {
    r.ValueError(p, *pasted);
    return 0;
  }
  absl::StatusOr<std::string> clean = CleanBase64(*std::move(text));
  absl::StatusOr<int> bits =
      clean.ok() ? CheckDkimPublicKey(key.key_type, *clean) : clean.status();
  if (!bits.ok()) {
    r.ValueError(p, bits.status().message());
    return 0;
  }
  key.public_key = *std::move(clean);
  // RFC 8301 §3.2: signers MUST use at least 1024 bits and SHOULD use 2048;
  // a shorter key is served, with a warning.
  if (key.key_type == "rsa" && *bits < 2048) {
    r.ValueWarning(p, absl::StrCat("an RSA key of ", *bits,
                                   " bits is weak; publish a 2048-bit key under a new selector"));
  }
  return *bits;
}

void ReadKeyTags(YamlReader& r, const Fields& f, DkimKeyTags& key) {
  if (const Value* v = f.Get("h")) key.hash = ReadChoiceList(r, *v, kHashes);
  if (const Value* v = f.Get("t")) key.flags = ReadChoiceList(r, *v, kFlags);
  if (const Value* v = f.Get("s")) {
    key.service = absl::StrJoin(ReadChoiceList(r, *v, kServices), ":");
  }
  if (const Value* v = f.Get("n")) {
    std::optional<std::string> notes = r.String(*v);
    absl::Status status = notes ? CheckDkimNotes(*notes) : absl::OkStatus();
    if (!status.ok()) r.ValueError(*v, status.message());
    if (notes && status.ok()) key.notes = *notes;
  }
}

// Exactly one of p, cname and revoked says what the selector is.
void ReadSelectorBody(YamlReader& r, const Fields& f, absl::string_view name, KeyHeap heap,
                      DkimKey& key) {
  const Value* p = f.Get("p");
  const Value* cname = f.Get("cname");
  const Value* revoked = f.Get("revoked");
  int kinds = (p != nullptr) + (cname != nullptr) + (revoked != nullptr);
  if (kinds != 1) {
    r.Error(f.pos(),
            absl::StrCat("selector ", Quoted(name),
                         kinds == 0 ? " needs one of" : " takes only one of",
                         " p (a key), cname or revoked: true"));
    return;
  }
  if (p != nullptr) {
    DkimKeyTags tags;
    int bits = ReadPublicKey(r, f, *p, tags);
    ReadKeyTags(r, f, tags);
    key = KeyOf(tags, bits, heap);
    return;
  }
  for (absl::string_view tag : kKeyOnlyKeys) {
    if (const Value* v = f.Get(tag)) {
      r.ValueError(*v, "applies only to a selector with a key (p)");
    }
  }
  if (cname != nullptr) {
    std::optional<std::string> target = ReadDomainName(r, *cname);
    key = CnameKey(target ? *std::move(target) : std::string());
    return;
  }
  key = RevokedKey();
  if (r.Bool(*revoked) == false) {
    r.ValueError(*revoked, "false says nothing; remove it, or give p or cname");
  }
}

std::optional<UtcSeconds> ReadTime(YamlReader& r, const Value* value) {
  if (value == nullptr) return std::nullopt;
  std::optional<std::string> text = r.String(*value);
  if (!text) return std::nullopt;
  absl::StatusOr<UtcSeconds> t = ParseUtc(*text);
  if (!t.ok()) {
    r.ValueError(*value, t.status().message());
    return std::nullopt;
  }
  return *t;
}

// from, until and retain: the selector's rotation (DkimSchedule).
void ReadSchedule(YamlReader& r, const Fields& f, DkimSchedule& schedule) {
  schedule.from = ReadTime(r, f.Get("from"));
  schedule.until = ReadTime(r, f.Get("until"));
  const Value* until = f.Get("until");
  if (schedule.from && schedule.until && *schedule.until <= *schedule.from) {
    r.ValueError(*until, absl::StrCat("must come after from (", FormatUtc(*schedule.from), ")"));
    schedule.until.reset();
  }
  const Value* retain = f.Get("retain");
  if (retain == nullptr) return;
  if (until == nullptr) {
    r.ValueError(*retain, "applies only with until: how long the revoked key stays published");
    return;
  }
  if (std::optional<std::string> text = r.String(*retain)) {
    absl::StatusOr<int64_t> seconds = ParseDurationSeconds(*text);
    if (seconds.ok()) {
      schedule.retain = *seconds;
    } else {
      r.ValueError(*retain, seconds.status().message());
    }
  }
}

void ReadSelector(YamlReader& r, const Entry& entry, absl::string_view domain, KeyHeap heap,
                  DkimSelector& selector) {
  selector.pos = entry.key_pos;
  absl::StatusOr<std::string> name = NormalizeDkimSelector(entry.key);
  if (!name.ok()) {
    r.Error(entry.key_pos, std::string(name.status().message()));
  } else {
    selector.selector = *name;
    size_t full =
        name->size() + absl::string_view("._domainkey.").size() + domain.size();
    if (!domain.empty() && full > kMaxNameLength) {
      r.Error(entry.key_pos,
              absl::StrCat("selector ", Quoted(*name), " makes a name of ",
                           full, " characters; the limit is 253"));
    }
  }
  if (std::optional<Fields> f = r.Map(entry.value, kSelectorKeys)) {
    ReadSelectorBody(r, *f, entry.key, heap, selector.key);
    ReadSchedule(r, *f, selector.schedule);
  }
}

}  // namespace

std::vector<DkimSelector> ReadDkimSection(YamlReader& reader,
                                          const Value& value,
                                          absl::string_view domain, KeyHeap heap) {
  std::vector<DkimSelector> selectors;
  std::optional<std::vector<Entry>> entries = reader.Entries(value);
  if (!entries) return selectors;
  // Exactly as many as listed: a selector is ~140 bytes, kept for every domain.
  selectors.reserve(entries->size());
  // Two keys that normalise to one selector ("S1" and "s1."); hashed, so a
  // file with many selectors checks in linear time. A selector that did not
  // read (empty) is never a duplicate.
  absl::flat_hash_set<std::string> seen;
  for (const Entry& entry : *entries) {
    DkimSelector selector;
    ReadSelector(reader, entry, domain, heap, selector);
    if (!selector.selector.empty() && !seen.insert(selector.selector).second) {
      reader.Error(entry.key_pos,
                   absl::StrCat("selector ", Quoted(selector.selector),
                                " is listed twice"));
      continue;
    }
    selectors.push_back(std::move(selector));
  }
  std::sort(selectors.begin(), selectors.end(),
            [](const DkimSelector& a, const DkimSelector& b) {
              return a.selector < b.selector;
            });
  return selectors;
}

}  // namespace dnsd::config
