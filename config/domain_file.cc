// One customer domain, domains/<domain>.yaml: ReadDomainFile,
// CheckDomainFile, and LoadDomainFile, which is both.
#include "config/domain_file.h"

#include <algorithm>
#include <atomic>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "config/dmarc.h"
#include "config/domain_sections.h"
#include "config/field_readers.h"
#include "config/loader.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/spf_budget.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kDomainKeys[] = {
    "domain", "mode", "include_subdomains", "dmarc_delegation", "spf",
    "dmarc",  "dkim"};
constexpr absl::string_view kModes[] = {"monitor", "enforce", "blocked"};
constexpr absl::string_view kDelegations[] = {"ns", "cname"};

std::optional<Mode> ReadMode(YamlReader& r, const Value& value) {
  std::optional<std::string> mode = r.OneOf(value, kModes);
  if (!mode) return std::nullopt;
  if (*mode == "enforce") return Mode::kEnforce;
  if (*mode == "blocked") return Mode::kBlocked;
  return Mode::kMonitor;
}

// A name dnsd will serve for this domain must exist in the DNS: at most
// 253 characters.
void CheckServedName(YamlReader& r, const DomainConfig& d,
                     absl::string_view suffix, absl::string_view what) {
  size_t length = d.domain.size() + 1 + suffix.size();
  if (length <= kMaxNameLength) return;
  r.Error(d.pos,
          absl::StrCat("the domain's ", what, " ", d.domain, ".", suffix,
                       " would be ", length, " characters; the limit is 253"));
}

// The domain against the provider's own names: it must not sit inside the
// zones dnsd synthesises, and the names it adds under them must fit.
void CheckAgainstProvider(YamlReader& r, const DomainConfig& d,
                          const ProviderSettings& provider) {
  for (const std::string* zone : {&provider.spf_zone, &provider.dmarc_zone}) {
    if (!zone->empty() && IsAtOrBelow(d.domain, *zone)) {
      r.Error(d.pos, absl::StrCat("domain ", Quoted(d.domain),
                                  " is inside the provider's zone ", *zone));
    }
  }
  if (d.dmarc_delegation == DmarcDelegation::kCname &&
      !provider.dmarc_zone.empty()) {
    CheckServedName(r, d, provider.dmarc_zone, "DMARC CNAME target");
  }
  if (!provider.report_domain.empty() &&
      RuaPointsAtProvider(d.dmarc, provider.report_domain)) {
    CheckServedName(r, d,
                    absl::StrCat("_report._dmarc.", provider.report_domain),
                    "report authorisation name");
  }
}

// Everything that needs only the file.
void ReadDomainValue(YamlReader& r, const Value& root, DomainConfig& d,
                     SpfPositions& spf_positions) {
  std::optional<Fields> f = r.Map(root, kDomainKeys);
  if (!f) return;
  const Value* domain = r.Require(*f, "domain");
  if (domain != nullptr) {
    d.pos = domain->pos;
    if (auto name = ReadDomainName(r, *domain)) d.domain = *name;
  }
  std::optional<Mode> mode = Mode::kMonitor;
  const Value* mode_value = f->Get("mode");
  if (mode_value != nullptr) mode = ReadMode(r, *mode_value);
  if (mode) d.mode = *mode;
  if (const Value* v = f->Get("include_subdomains")) {
    if (auto b = r.Bool(*v)) d.include_subdomains = *b;
  }
  if (const Value* v = f->Get("dmarc_delegation")) {
    if (r.OneOf(*v, kDelegations) == "cname") {
      d.dmarc_delegation = DmarcDelegation::kCname;
    }
  }
  if (const Value* v = f->Get("spf")) {
    d.spf = ReadSpfSection(r, *v, &spf_positions);
  }
  if (const Value* v = f->Get("dmarc")) {
    d.dmarc = ReadDmarcSection(r, *v, mode);
  } else if (mode == Mode::kEnforce) {
    r.ValueError(*mode_value, "enforce needs a dmarc section with p");
  }
  d.dmarc = EffectiveDmarcPolicy(d.mode, d.dmarc);
  if (const Value* v = f->Get("dkim"))
    d.dkim = ReadDkimSection(r, *v, d.domain);
}

// Reads are numbered across the process: no two reads of any file, in any
// ConfigState, share a version.
uint64_t NextRead() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

}  // namespace

ReadDomain ReadDomainFile(const std::string& path) {
  ReadDomain read;
  read.domain.file = path;
  read.domain.version = NextRead();
  read.errors = ReadYamlFile(path, [&](YamlReader& reader, const Value& root) {
    ReadDomainValue(reader, root, read.domain, read.spf_positions);
  });
  return read;
}

std::vector<Diagnostic> CheckDomainFile(const ReadDomain& read, const Catalog& catalog,
                                        const ProviderSettings& provider) {
  const DomainConfig& d = read.domain;
  YamlReader r(d.file);
  CheckSenderIds(r, d.spf, read.spf_positions, catalog);
  if (!d.domain.empty()) {
    CheckAgainstProvider(r, d, provider);
    CheckSpfBudget(r, d, read.spf_positions, catalog, provider);
  }
  return r.TakeErrors();
}

Loaded<DomainConfig> LoadDomainFile(const std::string& path,
                                    const Catalog& catalog,
                                    const ProviderSettings& provider) {
  ReadDomain read = ReadDomainFile(path);
  Loaded<DomainConfig> loaded;
  loaded.errors = std::move(read.errors);
  std::vector<Diagnostic> checked = CheckDomainFile(read, catalog, provider);
  loaded.errors.insert(loaded.errors.end(), checked.begin(), checked.end());
  SortDiagnostics(loaded.errors);  // in file order, as if both steps were one
  if (loaded.errors.empty()) loaded.value = std::move(read.domain);
  return loaded;
}

}  // namespace dnsd::config
