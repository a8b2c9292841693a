// A configuration error tied to the place in a YAML file that caused it.
//
// `dnsd check` prints every diagnostic as "file:line:column: message", the
// form editors and CI logs turn into links.
#ifndef DNSD_CONFIG_DIAGNOSTIC_H_
#define DNSD_CONFIG_DIAGNOSTIC_H_

#include <optional>
#include <string>
#include <vector>

namespace dnsd::config {

struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

struct Diagnostic {
  SourcePos pos;
  std::string message;  // may end in "; did you mean 'x'?"
};

// "file:line:column: message" (or "file: message" without a position).
std::string FormatDiagnostic(const Diagnostic& d);

// In file order: by file, line, column; equal places keep their order.
void SortDiagnostics(std::vector<Diagnostic>& diagnostics);

// A value loaded from one file, or the reasons it could not be.
template <typename T>
struct Loaded {
  std::optional<T> value;  // set iff errors is empty
  std::vector<Diagnostic> errors;
  bool ok() const { return errors.empty(); }
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_DIAGNOSTIC_H_
