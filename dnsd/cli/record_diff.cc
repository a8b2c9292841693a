#include "dnsd/cli/record_diff.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace dnsd::cli {
namespace {

// The lines of `from` left over once each line of `take` is taken out once.
std::vector<std::string> Minus(const std::vector<std::string>& from,
                               const std::vector<std::string>& take) {
  absl::flat_hash_map<std::string, int> count;
  for (const std::string& line : take) ++count[line];
  std::vector<std::string> rest;
  for (const std::string& line : from) {
    auto it = count.find(line);
    if (it != count.end() && it->second > 0) {
      --it->second;
    } else {
      rest.push_back(line);
    }
  }
  return rest;
}

}  // namespace

LinesDiff DiffLines(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  return LinesDiff{Minus(before, after), Minus(after, before)};
}

std::vector<DomainDiff> DiffDomains(const DomainRecords& before, const DomainRecords& after) {
  std::vector<DomainDiff> out;
  static const std::vector<std::string> kNone;
  auto b = before.begin();
  auto a = after.begin();
  // One walk down both maps, in name order.
  while (b != before.end() || a != after.end()) {
    DomainDiff d;
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      d = DomainDiff{b->first, DomainDiff::Kind::kRemoved, DiffLines(b->second, kNone)};
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      d = DomainDiff{a->first, DomainDiff::Kind::kAdded, DiffLines(kNone, a->second)};
      ++a;
    } else {
      d = DomainDiff{a->first, DomainDiff::Kind::kChanged, DiffLines(b->second, a->second)};
      ++a;
      ++b;
      if (d.lines.empty()) continue;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string FormatLinesDiff(const std::string& title, const LinesDiff& diff) {
  std::string out = absl::StrCat("== ", title, "\n");
  for (const std::string& line : diff.removed) absl::StrAppend(&out, "- ", line, "\n");
  for (const std::string& line : diff.added) absl::StrAppend(&out, "+ ", line, "\n");
  return out;
}

std::string FormatDomainDiffs(const std::vector<DomainDiff>& diffs) {
  std::string out;
  for (const DomainDiff& d : diffs) {
    const char* mark = d.kind == DomainDiff::Kind::kAdded     ? " (added)"
                       : d.kind == DomainDiff::Kind::kRemoved ? " (removed)"
                                                              : "";
    out += FormatLinesDiff(d.domain + mark, d.lines);
  }
  return out;
}

}  // namespace dnsd::cli
