// Two configurations' records, domain by domain, compared: what `dnsd diff`
// prints. Plain functions over text lines; thread-compatible.
#ifndef DNSD_CLI_RECORD_DIFF_H_
#define DNSD_CLI_RECORD_DIFF_H_

#include <map>
#include <string>
#include <vector>

namespace dnsd::cli {

// Each domain's records, one a line (zone-file text), by domain name.
using DomainRecords = std::map<std::string, std::vector<std::string>>;

struct LinesDiff {
  std::vector<std::string> removed;  // in the order of `before`
  std::vector<std::string> added;    // in the order of `after`
  bool empty() const { return removed.empty() && added.empty(); }
};

struct DomainDiff {
  enum class Kind { kChanged, kAdded, kRemoved };
  std::string domain;
  Kind kind = Kind::kChanged;
  LinesDiff lines;
};

// The lines of `before` that `after` lacks, and the other way round, as
// multisets: order alone is no difference.
LinesDiff DiffLines(const std::vector<std::string>& before, const std::vector<std::string>& after);

// Every domain whose records differ, is added or is removed, by name.
std::vector<DomainDiff> DiffDomains(const DomainRecords& before, const DomainRecords& after);

// "== <title>" then "- line" for each removed, "+ line" for each added.
std::string FormatLinesDiff(const std::string& title, const LinesDiff& diff);
// Each domain as FormatLinesDiff, the title marked " (added)" or " (removed)".
std::string FormatDomainDiffs(const std::vector<DomainDiff>& diffs);

}  // namespace dnsd::cli

#endif  // DNSD_CLI_RECORD_DIFF_H_
