#include "policy/bimi/bimi_reader.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/names.h"
#include "config/quote.h"
#include "policy/bimi/bimi_record.h"

namespace dnsd::config {
namespace {

constexpr absl::string_view kSelectorKeys[] = {"l", "a"};

// A URL field; "" when absent, nullopt when wrong (the error recorded).
std::optional<std::string> ReadUrl(YamlReader& r, const Fields& f, absl::string_view key,
                                   absl::Status (*check)(absl::string_view)) {
  const Value* v = f.Get(key);
  if (v == nullptr) return "";
  std::optional<std::string> url = r.String(*v);
  if (!url) return std::nullopt;
  if (absl::Status status = check(*url); !status.ok()) {
    r.ValueError(*v, status.message());
    return std::nullopt;
  }
  return url;
}

void ReadSelector(YamlReader& r, const Entry& entry, BimiSelector& s) {
  s.pos = entry.key_pos;
  if (absl::StatusOr<std::string> name = NormalizeDkimSelector(entry.key); name.ok()) {
    s.selector = *std::move(name);
  } else {
    r.Error(entry.key_pos, absl::StrCat("BIMI selector: ", name.status().message()));
  }
  std::optional<Fields> f = r.Map(entry.value, kSelectorKeys);
  if (!f) return;
  std::optional<std::string> l = ReadUrl(r, *f, "l", bimi::CheckLogoUrl);
  std::optional<std::string> a = ReadUrl(r, *f, "a", bimi::CheckEvidenceUrl);
  if (!l || !a) return;  // said already; the pair is judged only when both read
  s.l = *std::move(l);
  s.a = *std::move(a);
  if (absl::Status status = bimi::CheckAssertion(s.l, s.a); !status.ok()) {
    r.Error(f->pos(), absl::StrCat("selector ", Quoted(s.selector), ": ", status.message()));
  }
}

}  // namespace

BimiSection ReadBimiSection(YamlReader& reader, const Value& value) {
  BimiSection section;
  std::optional<std::vector<Entry>> entries = reader.Entries(value);
  if (!entries) return section;
  if (entries->empty()) reader.ValueError(value, "lists no selector; write default: {l: …}");
  for (const Entry& entry : *entries) {
    BimiSelector s;
    ReadSelector(reader, entry, s);
    if (s.selector.empty()) continue;
    section.selectors.push_back(std::move(s));
  }
  std::sort(section.selectors.begin(), section.selectors.end(),
            [](const BimiSelector& a, const BimiSelector& b) { return a.selector < b.selector; });
  return section;
}

void CheckBimiNeedsEnforcement(YamlReader& reader, const Value& at, const DmarcPolicy& dmarc) {
  std::string why;
  if (dmarc.p != "quarantine" && dmarc.p != "reject") {
    why = absl::StrCat("its DMARC policy is p=", dmarc.p.empty() ? "none" : dmarc.p);
  } else if (dmarc.pct && *dmarc.pct < 100) {
    why = absl::StrCat("its DMARC policy applies to pct=", *dmarc.pct, " only");
  } else if (dmarc.sp == "none") {
    why = "its DMARC policy has sp=none";
  } else if (dmarc.t == 'y') {
    // RFC 9989 §4.7: t=y asks receivers to apply one level less than p.
    why = "its DMARC policy is in test mode (t=y)";
  }
  if (why.empty()) return;
  reader.ValueError(at, absl::StrCat("BIMI needs the domain at DMARC enforcement (p=quarantine "
                                     "or reject, pct 100, sp not none, not t=y), and ",
                                     why, "; receivers would ignore the logo"));
}

}  // namespace dnsd::config
