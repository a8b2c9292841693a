// ReadSpfSection and CheckSenderIds: the `spf:` part of a domain file.
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "config/did_you_mean.h"
#include "policy/spf/spf_reader.h"
#include "config/field_readers.h"
#include "config/quote.h"
#include "policy/spf/terms_answer.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kSpfKeys[] = {"senders", "netblocks", "terms",
                                          "all", "published_lookups"};
constexpr absl::string_view kAllQualifiers[] = {"softfail", "fail"};

// One mechanism, as the terms rule will serve it (RFC 7208 §4.6.1, §5; see
// policy/spf/terms_answer.h for what is refused and why).
absl::Status CheckSpfTerm(absl::string_view term) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("SPF term ", Quoted(term), " ", why));
  };
  if (term.empty()) return absl::InvalidArgumentError("an SPF term is empty");
  for (char c : term) {
    if (c == ' ' || c == '\t')
      return bad("has a space; list each term separately");
    if (c < 0x21 || c > 0x7e) return bad("must be printable ASCII");
  }
  std::string lower = absl::AsciiStrToLower(term);
  if (lower == "v=spf1") return bad("is added by dnsd; leave it out");
  absl::string_view bare = lower;
  if (bare.find_first_of("+-~?") == 0) bare.remove_prefix(1);
  if (bare == "all") return bad("is set by spf.all (softfail | fail)");
  if (absl::StartsWith(lower, "redirect=")) {
    return bad("cannot be used: a redirect replaces the whole record");
  }
  if (auto compiled = spf::CompileTerm(term); !compiled.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SPF term ", Quoted(term), ": ", compiled.status().message()));
  }
  return absl::OkStatus();
}

std::vector<std::string> ReadSenders(YamlReader& r, const Value& value,
                                     std::vector<SourcePos>& positions) {
  std::vector<std::string> senders;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return senders;
  // Exactly as long as the list: these vectors are kept for every domain.
  senders.reserve(items->size());
  positions.reserve(positions.size() + items->size());
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (StringItem& item : *items) {
    if (!seen.insert(item.text).second) {
      r.Error(item.pos,
              absl::StrCat("sender ", Quoted(item.text), " is listed twice"));
    } else {
      senders.push_back(std::move(item.text));
      positions.push_back(item.pos);
    }
  }
  return senders;
}

std::vector<std::string> ReadTerms(YamlReader& r, const Value& value,
                                   std::vector<SourcePos>& positions) {
  std::vector<std::string> terms;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return terms;
  terms.reserve(items->size());
  positions.reserve(positions.size() + items->size());
  for (StringItem& item : *items) {
    absl::Status status = CheckSpfTerm(item.text);
    if (!status.ok()) {
      r.Error(item.pos, std::string(status.message()));
    } else {
      terms.push_back(std::move(item.text));
      positions.push_back(item.pos);
    }
  }
  return terms;
}

}  // namespace

SpfSection ReadSpfSection(YamlReader& reader, const Value& value) {
  SpfSection spf;
  SpfPositions* positions = &spf.positions;
  positions->section = value.pos;
  std::optional<Fields> f = reader.Map(value, kSpfKeys);
  if (!f) return spf;
  if (const Value* v = f->Get("senders")) {
    spf.senders = ReadSenders(reader, *v, positions->senders);
  }
  if (const Value* v = f->Get("netblocks")) {
    spf.netblocks = ReadPrefixList(reader, *v, Family::kAny);
  }
  if (const Value* v = f->Get("terms")) {
    spf.terms = ReadTerms(reader, *v, positions->terms);
  }
  // The customer's include of dnsd costs one look-up of the ten (RFC 7208
  // §4.6.4), so at most nine are left for the rest of their record.
  if (const Value* v = f->Get("published_lookups")) {
    positions->published_lookups = v->pos;
    if (auto n = reader.Integer(*v, 0, 9)) {
      spf.published_lookups = static_cast<int>(*n);
    }
  }
  if (const Value* v = f->Get("all")) {
    if (reader.OneOf(*v, kAllQualifiers) == "fail") {
      spf.all = AllQualifier::kFail;
    }
  }
  return spf;
}

namespace {

// Letters and digits only, lower case: "Google Workspace", "google-workspace"
// and "GoogleWorkspace" are one name.
std::string Squeezed(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// The hint for an unknown sender id: the sender whose display name or an
// alias it is ("gsuite", "Microsoft 365"), else the id within two edits.
std::string SenderHint(absl::string_view id, const Catalog& catalog,
                       absl::Span<const absl::string_view> ids) {
  std::string word = Squeezed(id);
  for (const Sender& sender : catalog.senders) {
    if (Squeezed(sender.id) == word) break;  // the id itself, mistyped: below
    bool named = !word.empty() && Squeezed(sender.name) == word;
    for (const std::string& alias : sender.aliases) named |= Squeezed(alias) == word;
    if (named) {
      return absl::StrCat("; did you mean ", Quoted(sender.id), " (", sender.name, ")?");
    }
  }
  return DidYouMean(id, ids);
}

}  // namespace

void CheckSenderIds(YamlReader& reader, const SpfSection& spf, const Catalog& catalog) {
  const SpfPositions& positions = spf.positions;
  std::vector<absl::string_view> ids;
  for (size_t i = 0; i < spf.senders.size() && i < positions.senders.size(); ++i) {
    const std::string& id = spf.senders[i];
    if (catalog.Find(id) != nullptr) continue;
    if (ids.empty()) {
      for (const Sender& sender : catalog.senders) ids.push_back(sender.id);
    }
    reader.Error(positions.senders[i], absl::StrCat("unknown sender ", Quoted(id),
                                                    SenderHint(id, catalog, ids)));
  }
}

}  // namespace dnsd::config
