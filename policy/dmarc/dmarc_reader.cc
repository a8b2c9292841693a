// ReadDmarcSection: the `dmarc:` part of a domain file (RFC 7489 §6.3).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "policy/dmarc/dmarc.h"
#include "policy/dmarc/dmarc_reader.h"
#include "config/quote.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kDmarcKeys[] = {
    "p",    "sp", "np", "pct", "rua", "ruf", "adkim",
    "aspf", "fo", "ri", "rf",  "psd", "t"};
constexpr absl::string_view kPolicies[] = {"none", "quarantine", "reject"};
constexpr absl::string_view kAlignments[] = {"r", "s"};
constexpr absl::string_view kReportFormats[] = {"afrf"};
constexpr absl::string_view kPsdValues[] = {"y", "n", "u"};
constexpr absl::string_view kYesNo[] = {"y", "n"};

std::optional<char> ReadFlag(YamlReader& r, const Value& value,
                             absl::Span<const absl::string_view> choices) {
  std::optional<std::string> text = r.OneOf(value, choices);
  if (!text) return std::nullopt;
  return (*text)[0];
}

// p, sp or np. Monitor mode publishes none: anything stronger in the file
// is a mistake about the mode, not about the policy.
std::optional<std::string> ReadPolicy(YamlReader& r, const Value& value,
                                      std::optional<Mode> mode) {
  std::optional<std::string> policy = r.OneOf(value, kPolicies);
  if (policy && *policy != "none" && mode == Mode::kMonitor) {
    r.ValueError(value,
                 absl::StrCat("mode monitor publishes none, not ", *policy,
                              "; use mode: enforce to publish ", *policy));
  }
  return policy;
}

std::vector<std::string> ReadUris(YamlReader& r, const Value& value) {
  std::vector<std::string> uris;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return uris;
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (StringItem& item : *items) {
    absl::Status status = CheckDmarcUri(item.text);
    if (!status.ok()) {
      r.Error(item.pos, std::string(status.message()));
    } else if (!seen.insert(item.text).second) {
      r.Error(item.pos, absl::StrCat(Quoted(item.text), " is listed twice"));
    } else {
      uris.push_back(std::move(item.text));
    }
  }
  return uris;
}

void ReadReporting(YamlReader& r, const Fields& f, DmarcPolicy& d) {
  if (const Value* v = f.Get("rua")) d.rua = ReadUris(r, *v);
  if (const Value* v = f.Get("ruf")) d.ruf = ReadUris(r, *v);
  if (const Value* v = f.Get("fo")) {
    std::optional<std::string> fo = r.String(*v);
    absl::Status status = fo ? CheckDmarcFo(*fo) : absl::OkStatus();
    if (!status.ok()) r.ValueError(*v, status.message());
    if (fo && status.ok()) d.fo = *fo;
  }
  if (const Value* v = f.Get("ri")) {
    if (auto ri = r.Integer(*v, 0, UINT32_MAX))
      d.ri = static_cast<uint32_t>(*ri);
  }
  if (const Value* v = f.Get("rf")) d.rf = r.OneOf(*v, kReportFormats);
}

}  // namespace

DmarcPolicy ReadDmarcSection(YamlReader& reader, const Value& value,
                             std::optional<Mode> mode) {
  DmarcPolicy d;
  std::optional<Fields> f = reader.Map(value, kDmarcKeys);
  if (!f) return d;
  const Value* p =
      mode == Mode::kEnforce ? reader.Require(*f, "p") : f->Get("p");
  if (p != nullptr) {
    if (auto policy = ReadPolicy(reader, *p, mode)) d.p = *policy;
  }
  if (const Value* v = f->Get("sp")) d.sp = ReadPolicy(reader, *v, mode);
  if (const Value* v = f->Get("np")) d.np = ReadPolicy(reader, *v, mode);
  if (const Value* v = f->Get("pct")) {
    if (auto pct = reader.Integer(*v, 0, 100)) d.pct = static_cast<int>(*pct);
  }
  if (const Value* v = f->Get("adkim"))
    d.adkim = ReadFlag(reader, *v, kAlignments);
  if (const Value* v = f->Get("aspf"))
    d.aspf = ReadFlag(reader, *v, kAlignments);
  ReadReporting(reader, *f, d);
  if (const Value* v = f->Get("psd")) d.psd = ReadFlag(reader, *v, kPsdValues);
  if (const Value* v = f->Get("t")) d.t = ReadFlag(reader, *v, kYesNo);
  return d;
}

}  // namespace dnsd::config
