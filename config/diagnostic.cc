#include "config/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace dnsd::config {

std::string FormatDiagnostic(const Diagnostic& d) {
  if (d.pos.line == 0) return absl::StrCat(d.pos.file, ": ", d.message);
  return absl::StrCat(d.pos.file, ":", d.pos.line, ":", d.pos.column, ": ",
                      d.message);
}

}  // namespace dnsd::config
