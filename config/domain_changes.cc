#include "config/domain_changes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dnsd::config {

namespace {

// `Before` is a DomainList or DomainVersions: items with .domain and .version.
template <typename Before>
DomainChanges DiffOf(const Before& before, const DomainList& after) {
  DomainChanges out;
  size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    // The same read of a file (versions are never reused): unchanged,
    // without comparing names (a reload of a million domains changes a few).
    if (i < before.size() && j < after.size() && before[i].version != 0 &&
        before[i].version == after[j].version) {
      ++i, ++j;
      continue;
    }
    if (j == after.size() || (i < before.size() && before[i].domain < after[j].domain)) {
      out.removed.push_back(before[i++].domain);
    } else if (i == before.size() || after[j].domain < before[i].domain) {
      out.added.push_back(after[j++].domain);
    } else {
      // A version is one read of the file; 0 (built in code) is never equal.
      if (before[i].version != after[j].version || after[j].version == 0) {
        out.changed.push_back(after[j].domain);
      }
      ++i, ++j;
    }
  }
  return out;
}

}  // namespace

DomainVersions VersionsOf(const DomainList& domains) {
  DomainVersions out;
  out.reserve(domains.size());
  for (const DomainConfig& d : domains) out.push_back({d.domain, d.version});
  return out;
}

DomainChanges Diff(const DomainList& before, const DomainList& after) {
  return DiffOf(before, after);
}

DomainChanges Diff(const DomainVersions& before, const DomainList& after) {
  return DiffOf(before, after);
}

std::string Summary(const DomainChanges& changes, size_t names) {
  std::vector<std::string> parts;
  auto add = [&](const char* what, const std::vector<absl::string_view>& list) {
    if (list.empty()) return;
    size_t shown = std::min(list.size(), names);
    std::string part = absl::StrCat(
        what, " ", absl::StrJoin(list.begin(), list.begin() + shown, ", "));
    if (list.size() > shown) absl::StrAppend(&part, " (+", list.size() - shown, " more)");
    parts.push_back(std::move(part));
  };
  add("changed", changes.changed);
  add("added", changes.added);
  add("removed", changes.removed);
  return absl::StrJoin(parts, "; ");
}

}  // namespace dnsd::config
