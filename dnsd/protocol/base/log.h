// Line-oriented logging to stderr, where systemd's journal and container
// runtimes collect it. One fwrite per line, so lines never interleave.
// Control plane only: the query path does not log.
#ifndef DNSD_PROTOCOL_BASE_LOG_H_
#define DNSD_PROTOCOL_BASE_LOG_H_


#include "absl/strings/string_view.h"
#include "absl/strings/str_format.h"

namespace dnsd {

enum class LogLevel { kInfo, kWarning, kError };

void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void LogInfo(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kInfo, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogWarning(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kWarning, absl::StrFormat(format, args...));
}
template <typename... Args>
void LogError(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(LogLevel::kError, absl::StrFormat(format, args...));
}

}  // namespace dnsd

#endif  // DNSD_PROTOCOL_BASE_LOG_H_
