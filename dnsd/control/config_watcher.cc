#include "dnsd/control/config_watcher.h"

#include <sys/inotify.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dnsd {

ConfigWatcher::ConfigWatcher(boost::asio::io_context& io, std::chrono::milliseconds settle,
                             std::function<void()> on_change)
    : inotify_(io, inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      settle_timer_(io),
      settle_(settle),
      on_change_(std::move(on_change)) {}

absl::Status ConfigWatcher::Watch(const std::vector<std::string>& folders) {
  constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                               IN_DELETE | IN_ATTRIB;
  for (const std::string& folder : folders) {
    if (inotify_add_watch(inotify_.native_handle(), folder.c_str(), kEvents) < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot watch ", folder, ": ", std::strerror(errno)));
    }
  }
  Read();
  return absl::OkStatus();
}

void ConfigWatcher::Read() {
  inotify_.async_read_some(boost::asio::buffer(buffer_),
                           [this](const boost::system::error_code& ec, size_t) {
                             if (ec) return;
                             // Any event restarts the settle time.
                             settle_timer_.expires_after(settle_);
                             settle_timer_.async_wait([this](const boost::system::error_code& e) {
                               if (!e) on_change_();
                             });
                             Read();
                           });
}

}  // namespace dnsd
