#include "dnsd/control/systemd_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

// One line: a newline would start another assignment.
std::string StatusLine(const std::string& status) {
  std::string line = status;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return absl::StrCat("STATUS=", line);
}

bool Send(const std::string& message) { return sd_notify(0, message.c_str()) > 0; }

}  // namespace

bool NotifyReady(const std::string& status) {
  return Send(absl::StrCat("READY=1\n", StatusLine(status)));
}

bool NotifyReloading(const std::string& status) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t usec = static_cast<uint64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  return Send(absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", usec, "\n", StatusLine(status)));
}

bool NotifyStopping() { return Send("STOPPING=1\nSTATUS=stopping"); }

bool NotifyStatus(const std::string& status) { return Send(StatusLine(status)); }

bool NotifyStarting(const std::string& status, int seconds) {
  return Send(absl::StrCat("EXTEND_TIMEOUT_USEC=", int64_t{seconds} * 1000000, "\n",
                           StatusLine(status)));
}

}  // namespace dnsd
