#include "absl/strings/string_view.h"
#include "dnsd/protocol/base/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace dnsd {

namespace {

// "2026-12-02T09:05:01.123Z ": RFC 3339, UTC, to the millisecond.
std::string Timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    now.time_since_epoch()).count() % 1000;
  std::tm utc;
  gmtime_r(&seconds, &utc);
  char text[80];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

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
  // The journal stamps every line itself.
  std::string line = absl::StrCat(journal ? prefix : Timestamp(), "dnsd: ", journal ? "" : prefix,
                                  message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace dnsd
