#include "config/diagnostic.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace dnsd::config {

FileName::FileName(absl::string_view name) {
  // A path longer than 4 GiB is not one; keep what fits rather than fail.
  const size_t size = std::min<size_t>(name.size(), UINT32_MAX - sizeof(Shared) - 1);
  void* raw = ::operator new(sizeof(Shared) + size + 1);
  shared_ = new (raw) Shared{{1}, static_cast<uint32_t>(size)};
  char* chars = static_cast<char*>(raw) + sizeof(Shared);
  std::memcpy(chars, name.data(), size);
  chars[size] = '\0';
}

void FileName::Free(Shared* shared) {
  shared->~Shared();
  ::operator delete(shared);
}

std::string FormatDiagnostic(const Diagnostic& d) {
  absl::string_view level = d.severity == Severity::kWarning ? "warning: " : "";
  if (d.pos.line == 0) return absl::StrCat(d.pos.file.str(), ": ", level, d.message);
  return absl::StrCat(d.pos.file.str(), ":", d.pos.line, ":", d.pos.column, ": ", level, d.message);
}

size_t CountErrors(const std::vector<Diagnostic>& diagnostics) {
  return std::count_if(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

size_t CountWarnings(const std::vector<Diagnostic>& diagnostics) {
  return diagnostics.size() - CountErrors(diagnostics);
}

void MoveWarnings(std::vector<Diagnostic>& diagnostics, std::vector<Diagnostic>& warnings) {
  auto first = std::stable_partition(diagnostics.begin(), diagnostics.end(),
                                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
  warnings.insert(warnings.end(), std::make_move_iterator(first),
                  std::make_move_iterator(diagnostics.end()));
  diagnostics.erase(first, diagnostics.end());
}

void SortDiagnostics(std::vector<Diagnostic>& diagnostics) {
  auto before = [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.file, a.pos.line, a.pos.column) <
           std::tie(b.pos.file, b.pos.line, b.pos.column);
  };
  // Collected file by file in path order, they mostly are already.
  if (std::is_sorted(diagnostics.begin(), diagnostics.end(), before)) return;
  std::stable_sort(diagnostics.begin(), diagnostics.end(), before);
}

}  // namespace dnsd::config
