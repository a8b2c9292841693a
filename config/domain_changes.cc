#include "config/domain_changes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dnsd::config {

namespace {

// Items with .domain and .version: a list's heads (most of a serving
// dnsd's have released their model), or the served versions.
auto Items(const DomainList& list) { return list.heads(); }
const DomainVersions& Items(const DomainVersions& versions) { return versions; }
absl::string_view NameOf(const DomainHead& head) { return head.domain; }
absl::string_view NameOf(const CompiledDomain& compiled) { return compiled.domain(); }

// `Before` is a DomainList or DomainVersions.
template <typename Before>
DomainChanges DiffOf(const Before& before_list, const DomainList& after_list) {
  DomainChanges out;
  const auto& before = Items(before_list);
  auto after = Items(after_list);
  auto i = before.begin();
  auto j = after.begin();
  while (i != before.end() || j != after.end()) {
    // The same read of a file (versions are never reused): unchanged,
    // without comparing names (a reload of a million domains changes a few).
    if (i != before.end() && j != after.end() && i->version != 0 && i->version == j->version) {
      ++i, ++j;
      continue;
    }
    if (j == after.end() || (i != before.end() && NameOf(*i) < j->domain)) {
      out.removed.emplace_back(NameOf(*i++));
    } else if (i == before.end() || j->domain < NameOf(*i)) {
      out.added.push_back((j++)->domain);
    } else {
      // A version is one read of the file; 0 (built in code) is never equal.
      if (i->version != j->version || j->version == 0) out.changed.push_back(j->domain);
      ++i, ++j;
    }
  }
  return out;
}


}  // namespace

DomainChanges ChangesOf(const DomainDelta& delta) {
  DomainChanges out;
  out.added.assign(delta.added.begin(), delta.added.end());
  out.removed.assign(delta.removed.begin(), delta.removed.end());
  out.changed.assign(delta.changed.begin(), delta.changed.end());
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
