#include "policy/spf/spf_budget.h"

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "policy/spf/nspf.h"
#include "config/quote.h"

namespace dnsd::config {
namespace {

using spf::TermTemplate;
using spf::MacroToken;
using spf::TermKind;

// The target of a term without macros, lower case, no trailing dot.
std::optional<std::string> LiteralTarget(const TermTemplate& term) {
  std::string target;
  for (const MacroToken& token : term.spec) {
    if (token.kind != MacroToken::Kind::kLiteral) return std::nullopt;
    target += token.text;
  }
  if (!target.empty() && target.back() == '.') target.pop_back();
  return absl::AsciiStrToLower(target);
}

std::string Plural(int n, absl::string_view word) {
  return absl::StrCat(n, " ", word, n == 1 ? "" : "s");
}

// "1 for the customer's include of dnsd and 3 for the rest of their record
// (spf.published_lookups)".
std::string CustomerPart(const DomainConfig& d) {
  std::string text = "1 for the customer's include of dnsd";
  if (d.spf.published_lookups > 0) {
    absl::StrAppend(&text, " and ", d.spf.published_lookups,
                    " for the rest of their record (spf.published_lookups)");
  }
  return text;
}

std::string OverLookups(const DomainConfig& d, int answer) {
  int total = 1 + d.spf.published_lookups + answer;
  return absl::StrCat("; with ", CustomerPart(d), " a receiver makes ", total,
                      " DNS-querying look-ups, over the ", kMaxDnsTerms, " of RFC 7208 §4.6.4");
}

void CheckSenders(YamlReader& r, const DomainConfig& d, const SpfPositions& positions,
                  const Catalog& catalog) {
  int room = kMaxDnsTerms - 1 - d.spf.published_lookups;
  for (size_t i = 0; i < d.spf.senders.size() && i < positions.senders.size(); ++i) {
    const Sender* s = catalog.Find(d.spf.senders[i]);
    // Rule 5 hands out the include for a HELO match, rule 4 for a range
    // match in include mode.
    if (s == nullptr || (s->answer != SenderAnswer::kInclude && s->helo.empty())) continue;
    LookupCost cost = SenderCost(*s);
    if (cost.lookups <= room) continue;
    r.Error(positions.senders[i],
            absl::StrCat("sender ", Quoted(s->id), ": dnsd's answer include:", s->include,
                         " costs ", Plural(cost.lookups, "look-up"),
                         cost.assumed ? " (assumed: the catalog gives no `lookups` for it)"
                                      : " (the catalog's `lookups`)",
                         OverLookups(d, cost.lookups)));
  }
}

void CheckTerms(YamlReader& r, const DomainConfig& d, const SpfPositions& positions,
                const Catalog& catalog, const ProviderSettings& provider) {
  int room = kMaxDnsTerms - 1 - d.spf.published_lookups;
  // %{d} and %{h} are parts of a query name under the SPF zone.
  size_t max_name = 253 - std::min<size_t>(253, provider.spf_zone.size() + 1);
  int lookups = 0, voids = 0;
  bool assumed = false;
  size_t size = std::string("v=spf1 ~all").size();
  bool lookups_reported = false, voids_reported = false, size_reported = false;
  for (size_t i = 0; i < d.spf.terms.size() && i < positions.terms.size(); ++i) {
    const std::string& text = d.spf.terms[i];
    auto term = spf::CompileTerm(text);
    if (!term.ok()) continue;  // reported by ReadSpfSection
    const SourcePos& pos = positions.terms[i];
    if (term->kind == TermKind::kInclude && LiteralTarget(*term) == d.domain) {
      r.Error(pos, absl::StrCat("SPF term ", Quoted(text),
                                " includes the domain's own record, which includes "
                                "dnsd's answer: a loop"));
    }
    LookupCost cost = TermCost(*term, catalog);
    lookups += cost.lookups;
    voids += cost.voids;
    assumed = assumed || cost.assumed;
    if (!lookups_reported && lookups > room) {
      lookups_reported = true;
      r.Error(pos, absl::StrCat("SPF term ", Quoted(text), ": the terms answer costs ",
                                Plural(lookups, "look-up"),
                                " up to here (a, mx, ptr and exists 1 each, an include what its "
                                "catalog entry says",
                                assumed ? absl::StrCat(", else ", kAssumedIncludeLookups,
                                                       " assumed")
                                        : "",
                                ")", OverLookups(d, lookups)));
    }
    if (!voids_reported && voids > kMaxVoidLookups) {
      voids_reported = true;
      r.Error(pos, absl::StrCat("SPF term ", Quoted(text), ": the terms answer can make ",
                                Plural(voids, "void look-up"),
                                " up to here (a, mx, ptr and exists each count when they find "
                                "nothing), over the ",
                                kMaxVoidLookups, " of RFC 7208 §4.6.4"));
    }
    size += 1 + spf::WorstCaseTermLength(*term, max_name);
    if (!size_reported && size > spf::kMaxTermsText) {
      size_reported = true;
      r.Error(pos, absl::StrCat("SPF term ", Quoted(text), ": the terms answer can grow to ",
                                size, " octets up to here (%{d} and %{h} counted at ", max_name,
                                " octets each, %{i} at 63); at most ", spf::kMaxTermsText,
                                " fit a 1232-octet UDP answer"));
    }
  }
}

// Rule 8's answer, include:<d>._nspf.<zone>, walks the whole chain.
void CheckFlattened(YamlReader& r, const DomainConfig& d, const SpfPositions& positions,
                    const Catalog& catalog, const ProviderSettings& provider) {
  if (provider.spf_zone.empty()) return;
  size_t parts = 0;
  WithNspfSource(d, catalog, provider.spf_zone, /*refreshed=*/nullptr,
                 [&](const spf::NspfSource& source) { parts = spf::CountNspfParts(source); });
  // A chain too long to build is served as "?all": one look-up.
  int cost = parts > 0 ? static_cast<int>(parts) : 1;
  if (1 + d.spf.published_lookups + cost <= kMaxDnsTerms) return;
  r.Error(positions.published_lookups.value_or(positions.section),
          absl::StrCat("the answer for a query whose IP was cut off, include:", d.domain,
                       "._nspf.", provider.spf_zone, ", costs ", Plural(cost, "look-up"),
                       " (one per record of its chain)", OverLookups(d, cost)));
}

}  // namespace

LookupCost SenderCost(const Sender& sender) {
  LookupCost cost;
  cost.lookups = sender.lookups.value_or(kAssumedIncludeLookups);
  cost.voids = sender.void_lookups.value_or(kAssumedIncludeVoids);
  cost.assumed = !sender.lookups.has_value();
  return cost;
}

LookupCost TermCost(const TermTemplate& term, const Catalog& catalog) {
  switch (term.kind) {
    case TermKind::kInclude: {
      if (std::optional<std::string> target = LiteralTarget(term)) {
        for (const Sender& s : catalog.senders) {
          if (s.include == *target) return SenderCost(s);
        }
      }
      return {kAssumedIncludeLookups, kAssumedIncludeVoids, true};
    }
    case TermKind::kA:
    case TermKind::kMx:
    case TermKind::kPtr:
    case TermKind::kExists:
      return {1, 1, false};
    default:
      return {};
  }
}

void CheckSpfBudget(YamlReader& reader, const DomainConfig& domain,
                    const Catalog& catalog, const ProviderSettings& provider) {
  const SpfPositions& positions = domain.spf.positions;
  if (domain.mode == Mode::kBlocked) return;
  CheckSenders(reader, domain, positions, catalog);
  CheckTerms(reader, domain, positions, catalog, provider);
  CheckFlattened(reader, domain, positions, catalog, provider);
}

}  // namespace dnsd::config
