// One customer domain, domains/<domain>.yaml: ReadDomainFile,
// CheckDomainFile, and LoadDomainFile, which is both.
#include "config/domain_file.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "config/bytes_digest.h"
#include "config/family.h"
#include "config/field_readers.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kDomainKeys[] = {"domain", "mode", "include_subdomains"};
constexpr absl::string_view kModes[] = {"monitor", "enforce", "blocked"};

// The keys a domain file may have: its own, each family's section and the
// families' other top-level keys.
std::vector<absl::string_view> DomainKeys() {
  std::vector<absl::string_view> keys(std::begin(kDomainKeys), std::end(kDomainKeys));
  for (const RecordFamily* family : Families()) {
    if (!family->section().empty()) keys.push_back(family->section());
    absl::Span<const absl::string_view> own = family->domain_keys();
    keys.insert(keys.end(), own.begin(), own.end());
  }
  return keys;
}

std::optional<Mode> ReadMode(YamlReader& r, const Value& value) {
  std::optional<std::string> mode = r.OneOf(value, kModes);
  if (!mode) return std::nullopt;
  if (*mode == "enforce") return Mode::kEnforce;
  if (*mode == "blocked") return Mode::kBlocked;
  return Mode::kMonitor;
}

// The domain must not sit inside the zones dnsd synthesises for everyone.
void CheckAgainstProvider(YamlReader& r, const DomainConfig& d,
                          const ProviderSettings& provider) {
  // The report authorisations too: _dmarc.<domain> there would be a second
  // v=DMARC1 record at one of their names.
  std::string reports =
      provider.report_domain.empty() ? "" : absl::StrCat("_report._dmarc.", provider.report_domain);
  std::vector<const std::string*> zones = {&provider.spf_zone, &provider.dmarc_zone, &reports};
  for (const auto& [key, zone] : provider.family_zones) zones.push_back(&zone);
  for (const std::string* zone : zones) {
    if (!zone->empty() && IsAtOrBelow(d.domain, *zone)) {
      r.Error(d.pos(), absl::StrCat("domain ", Quoted(d.domain),
                                  " is inside the provider's zone ", *zone));
    }
  }
}

// domains/<domain>.yaml: a file named for another domain is easily edited
// for the wrong customer.
void WarnFileName(YamlReader& r, const Value& domain_value, absl::string_view domain) {
  std::string base = std::filesystem::path(std::string(r.file())).filename().string();
  absl::string_view stem = base;
  if (!absl::ConsumeSuffix(&stem, ".yaml")) absl::ConsumeSuffix(&stem, ".yml");
  if (absl::EqualsIgnoreCase(stem, domain)) return;
  r.ValueWarning(domain_value, absl::StrCat("the file is named ", Quoted(base), ", not ",
                                            Quoted(absl::StrCat(domain, ".yaml")),
                                            ": rename it after the domain it configures"));
}

// Everything that needs only the file.
void ReadDomainValue(YamlReader& r, const Value& root, DomainConfig& d) {
  std::optional<Fields> f = r.Map(root, DomainKeys());
  if (!f) return;
  const Value* domain = r.Require(*f, "domain");
  if (domain != nullptr) {
    d.set_pos(domain->pos);
    if (auto name = ReadDomainName(r, *domain)) {
      d.domain = *name;
      WarnFileName(r, *domain, d.domain);
    }
  }
  std::optional<Mode> mode = Mode::kMonitor;
  const Value* mode_value = f->Get("mode");
  if (mode_value != nullptr) mode = ReadMode(r, *mode_value);
  if (mode) d.mode = *mode;
  if (const Value* v = f->Get("include_subdomains")) {
    if (auto b = r.Bool(*v)) d.include_subdomains = *b;
  }
  DomainContext context{*f, mode, mode_value};
  for (const RecordFamily* family : Families()) {
    const Value* section = family->section().empty() ? nullptr : f->Get(family->section());
    family->Read(r, section, context, d);
  }
}

// Reads are numbered across the process: no two reads of any file, in any
// ConfigState, share a version.
std::atomic<uint64_t> next_read{1};

uint64_t NextRead() { return next_read.fetch_add(1); }

}  // namespace

namespace {

enum class ReadOutcome { kNew, kSame };

// What a read is compared with: the bytes of the file's last read, and
// what that read shares with a new one (null once its model is released),
// or else what the served compile of its domain does (may be null).
struct LastRead {
  const ReadStamp* stamp = nullptr;
  const DomainConfig* model = nullptr;
  const CompiledDomain* served = nullptr;
  // The same bytes are read again into the same model (its version kept)
  // instead of being taken as unchanged.
  bool model_if_same = false;
};

// A file that names no domain is not served: a warning about how it would
// be served only adds noise to its error (another program's file, copied
// in by mistake, was told to add a DMARC rua).
void DropWarnings(std::vector<Diagnostic>& diagnostics) {
  std::erase_if(diagnostics,
                [](const Diagnostic& d) { return d.severity == Severity::kWarning; });
}

// Reads `path` into `read`. kSame, `read` left unfinished unless
// `last.model_if_same`, when the file holds the bytes `last` was read from.
ReadOutcome ReadInto(const FileName& path, const std::string& read_from, const LastRead& last,
                     ReadDomain& read) {
  read.domain.file = path;
  YamlReader reader(read.domain.file, read_from);
  bool same = false;
  try {
    // The file's text and its YAML tree live only in this block.
    if (std::optional<std::string> text = reader.ReadText()) {
      read.bytes = text->size();
      read.digest = BytesDigest(*text);
      same = last.stamp != nullptr && last.stamp->bytes == read.bytes &&
             last.stamp->digest == read.digest;
      if (same && !last.model_if_same) return ReadOutcome::kSame;
      if (std::optional<Value> root = reader.Parse(*text)) {
        ReadDomainValue(reader, *root, read.domain);
        if (last.model != nullptr) {
          for (const RecordFamily* family : Families()) {
            family->ShareUnchanged(*last.model, read.domain);
          }
        } else if (last.served != nullptr) {
          for (const RecordFamily* family : Families()) {
            family->ShareServed(*last.served, read.domain);
          }
        }
      }
    }
  } catch (const std::exception& e) {
    // As ReadYamlFile: a bug or memory exhaustion must not take the server down.
    reader.Error(SourcePos{path},
                 absl::StrCat("internal error reading the file: ", Printable(e.what())));
  }
  read.domain.version = same ? last.stamp->version : NextRead();
  std::vector<Diagnostic> errors = reader.TakeErrors();
  if (read.domain.domain.empty()) DropWarnings(errors);
  if (!errors.empty()) {
    SortDiagnostics(errors);  // stable: merged with the checks' and sorted again, the same order
    read.errors = KeepDiagnostics(std::move(errors));  // kept for as long as the read
  }
  return same ? ReadOutcome::kSame : ReadOutcome::kNew;
}

}  // namespace

uint64_t ReadVersionsGiven() { return next_read.load() - 1; }

void ReserveReadVersions(uint64_t through) {
  uint64_t next = next_read.load();
  while (next <= through && !next_read.compare_exchange_weak(next, through + 1)) {
  }
}

ReadDomain ReadDomainFile(const FileName& path, const std::string& read_from) {
  ReadDomain read;
  ReadInto(path, read_from, LastRead{}, read);
  return read;
}

std::shared_ptr<const ReadDomain> RereadDomainFile(const FileName& path,
                                                   std::shared_ptr<const ReadDomain> previous,
                                                   const std::string& read_from) {
  auto read = std::make_shared<ReadDomain>();
  LastRead last;
  ReadStamp stamp;
  if (previous != nullptr && previous->domain.file == path) {
    stamp = previous->stamp();
    last.stamp = &stamp;
  }
  if (previous != nullptr) last.model = &previous->domain;
  if (ReadInto(path, read_from, last, *read) == ReadOutcome::kSame) return previous;
  return read;
}

Reread RereadReleased(const FileName& path, const ReadStamp& last_read, bool model_if_same,
                      const std::string& read_from, const CompiledDomain* served) {
  auto read = std::make_shared<ReadDomain>();
  LastRead last{&last_read, nullptr, served, model_if_same};
  bool same = ReadInto(path, read_from, last, *read) == ReadOutcome::kSame;
  if (same && !model_if_same) read = nullptr;
  return {std::move(read), same};
}

std::vector<Diagnostic> CheckDomainFile(const ReadDomain& read, const Catalog& catalog,
                                        const ProviderSettings& provider) {
  const DomainConfig& d = read.domain;
  YamlReader r(d.file);  // its positions share the file's name
  if (!d.domain.empty()) CheckAgainstProvider(r, d, provider);
  for (const RecordFamily* family : Families()) family->Check(r, d, catalog, provider);
  std::vector<Diagnostic> found = r.TakeErrors();
  if (d.domain.empty()) DropWarnings(found);
  return found;
}

Loaded<DomainConfig> LoadDomainFile(const std::string& path,
                                    const Catalog& catalog,
                                    const ProviderSettings& provider) {
  ReadDomain read = ReadDomainFile(path);
  Loaded<DomainConfig> loaded;
  if (read.errors != nullptr) loaded.errors.assign(read.errors->begin(), read.errors->end());
  std::vector<Diagnostic> checked = CheckDomainFile(read, catalog, provider);
  loaded.errors.insert(loaded.errors.end(), checked.begin(), checked.end());
  SortDiagnostics(loaded.errors);  // in file order, as if both steps were one
  MoveWarnings(loaded.errors, loaded.warnings);
  if (loaded.ok()) loaded.value = std::move(read.domain);
  return loaded;
}

}  // namespace dnsd::config
