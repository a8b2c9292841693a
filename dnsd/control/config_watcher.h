// Watches the configuration files with inotify(7) and calls back once the
// writing has settled: editors and deploy tools write a file in several
// steps (truncate, write, rename), and one reload after the last step is
// what the operator meant. Runs on the control io_context.
#ifndef DNSD_CONTROL_CONFIG_WATCHER_H_
#define DNSD_CONTROL_CONFIG_WATCHER_H_

#include <array>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/status/status.h"

namespace dnsd {

class ConfigWatcher {
 public:
  ConfigWatcher(boost::asio::io_context& io, std::chrono::milliseconds settle,
                std::function<void()> on_change);

  // Watches the folders holding these paths (files are replaced by rename,
  // so watching the file itself would lose track of it).
  absl::Status Watch(const std::vector<std::string>& folders);

 private:
  void Read();

  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer settle_timer_;
  std::chrono::milliseconds settle_;
  std::function<void()> on_change_;
  std::array<char, 8192> buffer_;
};

}  // namespace dnsd

#endif  // DNSD_CONTROL_CONFIG_WATCHER_H_
