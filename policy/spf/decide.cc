#include "policy/spf/decide.h"

#include <algorithm>
#include <cstring>

namespace dnsd::spf {
namespace {

// The wire bytes of labels [r.begin, r.end) of `name`, without a root.
absl::string_view RangeBytes(const wire::Name& name, LabelRange r) {
  size_t begin = name.label_offsets[r.begin];
  size_t end = r.end < name.label_count ? name.label_offsets[r.end] : name.size - 1;
  return name.view().substr(begin, end - begin);
}

bool Enabled(const DomainPolicy& d, uint32_t sender) {
  return std::find(d.senders.begin(), d.senders.end(), sender) != d.senders.end();
}

// The enabled sender whose known ranges hold `ip`, or -1.
int SenderByRange(const MacroZone& p, const DomainPolicy& d, const IpAddress& ip) {
  int found = -1;
  p.sender_ranges.Lookup(ip, [&](absl::Span<const uint32_t> ids) {
    for (uint32_t id : ids) {
      if (Enabled(d, id)) {
        found = static_cast<int>(id);
        return true;
      }
    }
    return false;
  });
  return found;
}

int SenderByHelo(const MacroZone& p, const DomainPolicy& d, absl::string_view helo) {
  int found = -1;
  p.helo.Lookup(helo, [&](uint32_t id) {
    if (!Enabled(d, id)) return false;
    found = static_cast<int>(id);
    return true;
  });
  return found;
}

bool InNetblock(const DomainPolicy& d, const IpAddress& ip) {
  for (const IpPrefix& prefix : d.netblocks) {
    if (prefix.Contains(ip)) return true;
  }
  return false;
}

const DomainPolicy* DomainOf(const MacroZone& p, const wire::Name& name, const MacroName& m,
                             const DomainGuess* guess) {
  if (!m.domain_known) return nullptr;
  if (guess != nullptr && !guess->empty() && guess->range.begin == m.domain.begin &&
      guess->range.end == m.domain.end) {
    return FindDomain(p, guess->key());
  }
  absl::string_view bytes = RangeBytes(name, m.domain);
  char wire[wire::kMaxNameSize];
  if (bytes.size() + 1 > sizeof(wire)) return nullptr;
  std::memcpy(wire, bytes.data(), bytes.size());
  wire[bytes.size()] = '\0';
  return FindDomain(p, absl::string_view(wire, bytes.size() + 1));
}

void ApplyRules(const MacroZone& p, const wire::Name& name, Decision* d) {
  const MacroName& m = d->name;
  if (d->domain == nullptr) {
    d->rule = Rule::kUnknownDomain;
    d->answer = p.unknown_domain;
    return;
  }
  const DomainPolicy& domain = *d->domain;
  if (domain.blocked) {
    d->rule = Rule::kBlocked;
    d->answer = p.blocked;
    return;
  }
  if (m.ip_known) {
    if (InNetblock(domain, m.ip)) {
      d->rule = Rule::kNetblock;
      d->ip_answer = true;
      return;
    }
    if (int s = SenderByRange(p, domain, m.ip); s >= 0) {
      d->rule = Rule::kSenderRange;
      d->sender = s;
      if (p.senders[s].answer_by_include) d->answer = p.senders[s].include_answer;
      else d->ip_answer = true;
      return;
    }
  }
  if (m.helo_known) {
    if (int s = SenderByHelo(p, domain, RangeBytes(name, m.helo)); s >= 0) {
      d->rule = Rule::kSenderHelo;
      d->sender = s;
      d->answer = p.senders[s].include_answer;
      return;
    }
  }
  if (!m.ip_known) {
    d->rule = Rule::kTruncated;
    d->flattened_answer = true;
    return;
  }
  if (!domain.terms.empty()) {
    d->rule = Rule::kTerms;
    d->terms_answer = true;
    return;
  }
  d->rule = Rule::kDefault;
  d->answer = p.Fallback(domain);
}

}  // namespace

const char* RuleName(Rule rule) {
  switch (rule) {
    case Rule::kNotAMacroName: return "not_a_macro_name";
    case Rule::kUnknownDomain: return "unknown_domain";
    case Rule::kBlocked: return "blocked";
    case Rule::kNetblock: return "netblock";
    case Rule::kSenderRange: return "sender_range";
    case Rule::kSenderHelo: return "sender_helo";
    case Rule::kTerms: return "terms";
    case Rule::kDefault: return "default";
    case Rule::kTruncated: return "truncated";
  }
  return "unknown";
}

const DomainPolicy* FindDomain(const MacroZone& p, absl::string_view domain) {
  return FindDomain(p, MacroZone::DomainMap::Hash(domain));
}

const DomainPolicy* FindDomain(const MacroZone& p, const MacroZone::DomainMap::Key& key) {
  if (const DomainPolicy* const* d = p.domains.Find(key); d != nullptr) return *d;
  absl::string_view domain = key.bytes;
  // Walk up: a parent governs its subdomains only with include_subdomains.
  while (domain.size() > 1) {
    domain.remove_prefix(static_cast<uint8_t>(domain[0]) + 1);
    if (const DomainPolicy* const* d = p.domains.Find(domain); d != nullptr) {
      return (*d)->include_subdomains ? *d : nullptr;
    }
  }
  return nullptr;
}

Decision Decide(const MacroZone& p, const wire::Name& name, const DomainGuess* guess) {
  Decision best;
  // A <domain>._nspf name that has no record of its own belongs to a domain
  // we do not serve; customers include it directly, so it gets rule 1's
  // answer rather than NODATA, which an include turns into permerror.
  if (name.label_count > p.nspf_labels &&
      name.Suffix(name.label_count - p.nspf_labels) == p.nspf) {
    best.rule = Rule::kUnknownDomain;
    best.answer = p.unknown_domain;
    return best;
  }
  NameLabels labels{&name, name.label_count - p.zone_labels};
  // The domain a reading names depends only on where its labels begin (and
  // end, which the template fixes): look each one up once, however many
  // readings share it, so a long ambiguous name costs one walk per label,
  // not one per reading.
  struct Memo {
    LabelRange range;
    const DomainPolicy* domain;
  };
  Memo memo[wire::kMaxLabels];
  int memo_count = 0;
  auto domain_of = [&](const MacroName& m) -> const DomainPolicy* {
    if (!m.domain_known) return nullptr;
    for (int i = 0; i < memo_count; ++i) {
      if (memo[i].range.begin == m.domain.begin && memo[i].range.end == m.domain.end) {
        return memo[i].domain;
      }
    }
    const DomainPolicy* d = DomainOf(p, name, m, guess);
    if (memo_count < static_cast<int>(wire::kMaxLabels)) memo[memo_count++] = {m.domain, d};
    return d;
  };
  // Best complete and best cut reading, each preferring a configured domain,
  // then a known IP.
  Decision complete, cut;
  int complete_score = -1, cut_score = -1;
  MatchQueryName(p.tmpl, labels, [&](const MacroName& m) {
    const DomainPolicy* domain = domain_of(m);
    int score = (domain != nullptr ? 2 : 0) + (m.ip_known ? 1 : 0);
    Decision& d = m.complete ? complete : cut;
    int& best_score = m.complete ? complete_score : cut_score;
    if (score > best_score) {
      best_score = score;
      d.name = m;
      d.domain = domain;
    }
  });
  if (complete_score < 0 && cut_score < 0) return best;
  // A cut through an IPv6 address can leave four nibbles that read as a
  // whole IPv4 address ("7.1.0.7"). When both readings are governed by the
  // same domain, the cut reading's answer, the domain's flattened record, is
  // right for either client; a targeted answer might not be.
  bool ambiguous = cut_score >= 0 && complete_score >= 0 && cut.name.ip_cut &&
                   cut.domain == complete.domain && cut.domain != nullptr;
  best = (complete_score >= 0 && !ambiguous) ? complete : cut;
  ApplyRules(p, name, &best);
  return best;
}

}  // namespace dnsd::spf
