// ReadDmarcSection: the `dmarc:` part of a domain file (RFC 9989 §4.7).
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "policy/dmarc/dmarc.h"
#include "policy/dmarc/dmarc_reader.h"
#include "config/quote.h"
#include "config/timeline.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kDmarcKeys[] = {
    "p",   "sp",  "np",  "pct", "rua",          "ruf",      "adkim",    "aspf",    "fo",
    "ri",  "rf",  "psd", "t",   "rfc7489_tags", "schedule", "ttl_ramp", "ramp_ttl"};
constexpr absl::string_view kStepKeys[] = {"at", "p", "sp", "np", "t", "pct"};
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

// What becomes of a tag RFC 9989 made historic, for its warning.
std::string Historic(bool rfc7489_tags) {
  return rfc7489_tags ? "; published for RFC 7489 receivers (rfc7489_tags: false leaves it out)"
                      : "; left out of the record (rfc7489_tags: false)";
}

// pct, ri and rf (RFC 9989 §C.5.2): receivers that follow RFC 9989 ignore
// them, so what they ask for no longer happens everywhere.
void WarnHistoric(YamlReader& r, const Fields& f, bool rfc7489_tags) {
  constexpr struct {
    absl::string_view tag, why;
  } kHistoric[] = {
      {"pct", "pct is historic in RFC 9989: its receivers apply p to all failing mail; "
              "t: y replaces pct: 0"},
      {"ri", "ri is historic in RFC 9989: its receivers send aggregate reports at least daily"},
      {"rf", "rf is historic in RFC 9989: failure reports are always AFRF"},
  };
  for (const auto& h : kHistoric) {
    if (const Value* v = f.Get(h.tag)) r.Warning(v->pos, absl::StrCat(h.why, Historic(rfc7489_tags)));
  }
}

std::vector<std::string> ReadUris(YamlReader& r, const Value& value, bool rfc7489_tags,
                                  std::vector<SourcePos>& positions) {
  std::vector<std::string> uris;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return uris;
  // Exactly as long as the list: these vectors are kept for every domain.
  uris.reserve(items->size());
  positions.reserve(positions.size() + items->size());
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  for (StringItem& item : *items) {
    absl::Status status = CheckDmarcUri(item.text);
    if (!status.ok()) {
      r.Error(item.pos, std::string(status.message()));
    } else if (!seen.insert(item.text).second) {
      r.Error(item.pos, absl::StrCat(Quoted(item.text), " is listed twice"));
    } else {
      if (absl::string_view size = DmarcUriSizeLimit(item.text); !size.empty()) {
        r.Warning(item.pos, absl::StrCat("the size limit ", Quoted(size),
                                         " is obsolete in RFC 9989: its receivers ignore it",
                                         Historic(rfc7489_tags)));
      }
      uris.push_back(std::move(item.text));
      positions.push_back(item.pos);
    }
  }
  return uris;
}

void ReadReporting(YamlReader& r, const Fields& f, DmarcPolicy& d) {
  if (const Value* v = f.Get("rua")) d.rua = ReadUris(r, *v, d.rfc7489_tags, d.positions.rua);
  if (const Value* v = f.Get("ruf")) d.ruf = ReadUris(r, *v, d.rfc7489_tags, d.positions.ruf);
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

std::optional<int64_t> ReadDuration(YamlReader& r, const Value& value) {
  std::optional<std::string> text = r.String(value);
  if (!text) return std::nullopt;
  absl::StatusOr<int64_t> seconds = ParseDurationSeconds(*text);
  if (!seconds.ok()) {
    r.ValueError(value, seconds.status().message());
    return std::nullopt;
  }
  return *seconds;
}

// One step of `schedule:`; nullopt when it cannot be applied at all.
std::optional<DmarcStep> ReadStep(YamlReader& r, const Value& value, std::optional<Mode> mode,
                                  bool rfc7489_tags) {
  std::optional<Fields> f = r.Map(value, kStepKeys);
  if (!f) return std::nullopt;
  DmarcStep step;
  step.pos = value.pos;
  const Value* at = r.Require(*f, "at");
  if (at == nullptr) return std::nullopt;
  std::optional<std::string> text = r.String(*at);
  if (!text) return std::nullopt;
  absl::StatusOr<UtcSeconds> when = ParseUtc(*text);
  if (!when.ok()) {
    r.ValueError(*at, when.status().message());
    return std::nullopt;
  }
  step.at = *when;
  if (const Value* v = f->Get("p")) step.p = ReadPolicy(r, *v, mode);
  if (const Value* v = f->Get("sp")) step.sp = ReadPolicy(r, *v, mode);
  if (const Value* v = f->Get("np")) step.np = ReadPolicy(r, *v, mode);
  if (const Value* v = f->Get("t")) step.t = ReadFlag(r, *v, kYesNo);
  if (const Value* v = f->Get("pct")) {
    if (auto pct = r.Integer(*v, 0, 100)) step.pct = static_cast<int>(*pct);
  }
  if (!f->Get("p") && !f->Get("sp") && !f->Get("np") && !f->Get("t") && !f->Get("pct")) {
    r.Error(value.pos, "a schedule step changes nothing; give at least one of p, sp, np, t, pct");
    return std::nullopt;
  }
  WarnHistoric(r, *f, rfc7489_tags);
  return step;
}

// `schedule:` and its TTL ramp (DmarcPolicy::schedule). Mode monitor
// publishes none at every step (ReadPolicy says so of a stronger one);
// mode blocked publishes reject whatever a step says.
void ReadSchedule(YamlReader& r, const Fields& f, std::optional<Mode> mode, DmarcPolicy& d) {
  if (const Value* v = f.Get("ttl_ramp")) {
    if (auto seconds = ReadDuration(r, *v)) d.ttl_ramp = *seconds;
  }
  if (const Value* v = f.Get("ramp_ttl")) {
    if (auto seconds = ReadDuration(r, *v)) {
      if (*seconds > 86400) {
        r.ValueError(*v, "is longer than a day; the ramp's TTL is meant to be short (60s)");
      } else {
        d.ramp_ttl = static_cast<uint32_t>(*seconds);
      }
    }
  }
  const Value* value = f.Get("schedule");
  if (value == nullptr) return;
  std::optional<std::vector<Value>> items = r.List(*value);
  if (!items) return;
  if (mode == Mode::kBlocked && !items->empty()) {
    r.Warning(value->pos, "mode blocked publishes p=reject at every step; the schedule is "
                          "kept but changes nothing until the mode does");
  }
  for (const Value& item : *items) {
    std::optional<DmarcStep> step = ReadStep(r, item, mode, d.rfc7489_tags);
    if (!step) continue;
    if (step->t == 'y' && mode == Mode::kBlocked) {
      r.Error(step->pos, "mode blocked publishes p=reject for every receiver; a step with "
                         "t: y would ask them to quarantine instead; remove t");
      continue;
    }
    if (!d.schedule.empty() && step->at <= d.schedule.back().at) {
      r.Error(step->pos, absl::StrCat("step at ", FormatUtc(step->at),
                                      " must come after the step before it (",
                                      FormatUtc(d.schedule.back().at), ")"));
      continue;
    }
    d.schedule.push_back(*std::move(step));
  }
}

}  // namespace

DmarcPolicy ReadDmarcSection(YamlReader& reader, const Value& value,
                             std::optional<Mode> mode) {
  DmarcPolicy d;
  d.positions.section = value.pos;
  std::optional<Fields> f = reader.Map(value, kDmarcKeys);
  if (!f) return d;
  if (const Value* v = f->Get("rfc7489_tags")) {
    if (auto b = reader.Bool(*v)) d.rfc7489_tags = *b;
  }
  const Value* p =
      mode == Mode::kEnforce ? reader.Require(*f, "p") : f->Get("p");
  if (p != nullptr) {
    d.positions.p = p->pos;
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
  if (const Value* v = f->Get("t")) {
    d.t = ReadFlag(reader, *v, kYesNo);
    // RFC 9989 §4.7: t=y asks receivers to apply one level less than p.
    if (d.t == 'y' && mode == Mode::kBlocked) {
      reader.ValueError(*v, "mode blocked publishes p=reject for every receiver; t: y would "
                            "ask them to quarantine instead; remove t");
    }
  }
  WarnHistoric(reader, *f, d.rfc7489_tags);
  ReadSchedule(reader, *f, mode, d);
  return d;
}

}  // namespace dnsd::config
