#include "absl/strings/string_view.h"
#include "dnsd/protocol/base/log.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace dnsd {

void LogLine(LogLevel level, absl::string_view message) {
  // Under systemd (which sets JOURNAL_STREAM), "<N>" prefixes carry the
  // priority (sd-daemon(3)); on a terminal a word does.
  static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  const char* prefix;
  switch (level) {
    case LogLevel::kInfo: prefix = journal ? "<6>" : ""; break;
    case LogLevel::kWarning: prefix = journal ? "<4>" : "warning: "; break;
    default: prefix = journal ? "<3>" : "error: "; break;
  }
  std::string line = absl::StrCat(journal ? prefix : "", "dnsd: ", journal ? "" : prefix,
                                  message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace dnsd
