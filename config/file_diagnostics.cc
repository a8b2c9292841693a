#include "config/file_diagnostics.h"

#include <utility>

namespace dnsd::config {

std::vector<Diagnostic> Merged(std::vector<Diagnostic> general, const FileDiagnosticsList& files) {
  for (const FileDiagnostics& f : files) {
    general.insert(general.end(), f.list->begin(), f.list->end());
  }
  SortDiagnostics(general);
  return general;
}

size_t CountErrors(const FileDiagnosticsList& files) {
  size_t n = 0;
  for (const FileDiagnostics& f : files) n += CountErrors(*f.list);
  return n;
}

size_t CountWarnings(const FileDiagnosticsList& files) {
  size_t n = 0;
  for (const FileDiagnostics& f : files) n += CountWarnings(*f.list);
  return n;
}

}  // namespace dnsd::config
