#include "policy/spf/nspf.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/protocol/base/status_macros.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/spf/template.h"

namespace dnsd::config {
namespace {

// Each record of an _nspf chain stays small enough for a 1232-octet UDP
// answer (the default EDNS payload); at most kMaxParts records keep the
// chain, plus the customer's include and ours, within RFC 7208 §4.6.4's 10
// look-ups.
constexpr size_t kUdpAnswer = 1232;
constexpr size_t kMaxParts = 7;

// The TXT text that fits a UDP answer owned by `owner` (text form): header,
// question, the record's pointer and fixed fields, RDATA length octets for
// up to four character-strings, and the OPT record.
size_t TextBudget(const std::string& owner) {
  size_t question = owner.size() + 2 + 4;
  size_t room = kUdpAnswer - 12 - question - 2 - 10 - 11;
  // Every 255 octets of text (or part of them) take one length octet.
  return room - (room + 255) / 256;
}

const char* AllTerm(const DomainConfig& d) {
  return d.mode == Mode::kBlocked || d.spf.all == AllQualifier::kFail ? "-all" : "~all";
}

}  // namespace

std::string NspfRelativeName(size_t i, absl::string_view domain) {
  return i == 0 ? absl::StrCat(domain, "._nspf") : absl::StrCat(domain, "._nspf", i + 1);
}

std::string NspfPartName(size_t i, absl::string_view domain, absl::string_view zone) {
  return absl::StrCat(NspfRelativeName(i, domain), ".", zone);
}

absl::StatusOr<std::vector<std::string>> FlattenedSpf(const DomainConfig& d,
                                                       const Catalog& catalog,
                                                       absl::string_view spf_zone,
                                                       const RefreshedRanges* refreshed) {
  const std::string all = AllTerm(d);
  if (d.mode == Mode::kBlocked) return std::vector<std::string>{"v=spf1 -all"};
  // A prefix's term is a function of it, and two prefixes never write the
  // same term: the prefixes themselves tell the duplicates, unformatted.
  std::vector<const IpPrefix*> prefixes;
  absl::flat_hash_set<IpPrefix> seen;
  auto add = [&](const IpPrefix& p) {
    if (seen.insert(p).second) prefixes.push_back(&p);
  };
  for (const IpPrefix& p : d.spf.netblocks) add(p);
  for (const std::string& id : d.spf.senders) {
    if (const Sender* s = catalog.Find(id); s != nullptr) {
      for (const IpPrefix& p : RangesInUse(*s, refreshed)) add(p);
    }
  }
  std::vector<std::string> records;
  std::string text = "v=spf1";
  // The room of the part being filled, and what its link to the next part
  // takes; both change only when a part is closed.
  size_t budget = 0, link = 0;
  auto open_part = [&] {
    size_t i = records.size();
    budget = TextBudget(NspfPartName(i, d.domain, spf_zone));
    link = absl::StrCat(" include:", NspfPartName(i + 1, d.domain, spf_zone), " ", all).size();
  };
  open_part();
  std::string term;
  for (const IpPrefix* p : prefixes) {
    term.assign(p->is_v4() ? "ip4:" : "ip6:");
    AppendIpPrefix(*p, term);
    if (text.size() + 1 + term.size() + link > budget && text != "v=spf1") {
      absl::StrAppend(&text, " include:", NspfPartName(records.size() + 1, d.domain, spf_zone),
                      " ", all);
      records.push_back(std::exchange(text, "v=spf1"));
      open_part();
    }
    absl::StrAppend(&text, " ", term);
  }
  absl::StrAppend(&text, " ", all);
  records.push_back(std::move(text));
  if (records.size() > kMaxParts) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "netblocks and sender ranges need ", records.size(),
        " chained _nspf records; at most ", kMaxParts,
        " keep a receiver within 10 DNS look-ups"));
  }
  return records;
}

}  // namespace dnsd::config
