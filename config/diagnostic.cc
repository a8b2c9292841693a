#include "config/diagnostic.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace dnsd::config {

FileName::FileName(absl::string_view name) {
  // A path longer than 4 GiB is not one; keep what fits rather than fail.
  const size_t size = std::min<size_t>(name.size(), UINT32_MAX - sizeof(Shared) - 1);
  void* raw = ::operator new(sizeof(Shared) + size + 1);
  shared_ = new (raw) Shared{{1}, static_cast<uint32_t>(size)};
  char* chars = static_cast<char*>(raw) + sizeof(Shared);
  std::copy_n(name.data(), size, chars);  // an empty view may have no data: no memcpy
  chars[size] = '\0';
}

void FileName::Free(Shared* shared) {
  shared->~Shared();
  ::operator delete(shared);
}

namespace {

// Every text some SharedText holds, by its characters (a view of the
// entry's own). Never destroyed: texts may outlive static destruction.
struct TextTable {
  absl::Mutex mu;
  absl::flat_hash_map<absl::string_view, void*> entries ABSL_GUARDED_BY(mu);
};
TextTable& Texts() {
  static TextTable* table = new TextTable;
  return *table;
}

}  // namespace

SharedText::SharedText(absl::string_view text) {
  if (text.empty()) return;
  // A message longer than 4 GiB is not one; keep what fits.
  text = text.substr(0, UINT32_MAX - sizeof(Entry));
  TextTable& table = Texts();
  absl::MutexLock lock(&table.mu);
  auto it = table.entries.find(text);
  if (it != table.entries.end()) {
    auto* found = static_cast<Entry*>(it->second);
    // A count of 0 is an entry on its way out (Forget frees it): its text
    // gets a new entry here instead of being brought back.
    uint32_t refs = found->refs.load(std::memory_order_relaxed);
    while (refs != 0) {
      if (found->refs.compare_exchange_weak(refs, refs + 1, std::memory_order_relaxed)) {
        entry_ = found;
        return;
      }
    }
    table.entries.erase(it);
  }
  void* raw = ::operator new(sizeof(Entry) + text.size());
  entry_ = new (raw) Entry{{1}, static_cast<uint32_t>(text.size())};
  std::copy_n(text.data(), text.size(), static_cast<char*>(raw) + sizeof(Entry));
  table.entries.emplace(str(), entry_);
}

SharedText& SharedText::operator+=(absl::string_view more) {
  *this = SharedText(absl::StrCat(str(), more));
  return *this;
}

void SharedText::Forget(Entry* entry) {
  TextTable& table = Texts();
  {
    absl::MutexLock lock(&table.mu);
    // Unless a new entry for the same text has taken its place already.
    auto it = table.entries.find(absl::string_view(entry->chars(), entry->size));
    if (it != table.entries.end() && it->second == entry) table.entries.erase(it);
  }
  entry->~Entry();
  ::operator delete(entry);
}

size_t SharedText::Distinct() {
  TextTable& table = Texts();
  absl::MutexLock lock(&table.mu);
  return table.entries.size();
}

std::shared_ptr<const DiagnosticList> KeepDiagnostics(std::vector<Diagnostic> diagnostics) {
  return std::allocate_shared<const DiagnosticList>(
      KeptAllocator<DiagnosticList>(), std::make_move_iterator(diagnostics.begin()),
      std::make_move_iterator(diagnostics.end()));
}

std::string FormatDiagnostic(const Diagnostic& d) {
  absl::string_view level = d.severity == Severity::kWarning ? "warning: " : "";
  if (d.pos.line == 0) return absl::StrCat(d.pos.file.str(), ": ", level, d.message.str());
  return absl::StrCat(d.pos.file.str(), ":", d.pos.line, ":", d.pos.column, ": ", level, d.message.str());
}

size_t CountErrors(std::span<const Diagnostic> diagnostics) {
  return std::count_if(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

size_t CountWarnings(std::span<const Diagnostic> diagnostics) {
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
