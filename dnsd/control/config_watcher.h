// Watches the configuration files with inotify(7) and calls back once the
// writing has settled: editors and deploy tools write a file in several
// steps (truncate, write, rename), and one reload after the last step is
// what the operator meant. Runs on the control io_context.
//
// A watch follows an inode, not a path: once a watched folder is renamed
// away (`mv domains domains.old`, rsync --delay-updates, a git checkout, a
// Kubernetes ConfigMap's symlink swap), its watch reports the old folder's
// edits and never the new one's. So each folder's parent is watched for the
// folder's name too, and whenever a folder or its parent is moved, deleted
// or made again, every path is resolved anew: the watch moves to whatever
// folder the path now names, and the old folder is no longer watched.
#ifndef DNSD_CONTROL_CONFIG_WATCHER_H_
#define DNSD_CONTROL_CONFIG_WATCHER_H_

#include <sys/inotify.h>

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

// What changed while the writing settled: the paths of the entries that
// changed in the watched folders, so that a reload reads those and no
// other (no stat of every file); or, when the events cannot say (a folder
// replaced, the kernel's queue overflowed, too many names), `everything`.
//
// `replaced`: a watched folder's path names another folder, or none, than
// it did (a configuration swap: a git checkout's symlink, a ConfigMap's),
// as Resolve() finds after the events that call for it or lost events.
// The files changed together then, and the reload publishes them
// together; files edited in place one by one may go out in parts.
struct WatchedChanges {
  bool everything = false;
  bool replaced = false;
  std::vector<std::string> paths;  // folder path + "/" + entry name, sorted, unique
};

class ConfigWatcher {
 public:
  // More changed names than this in one settle period: the reload looks
  // at every file instead, which is then cheaper than a list.
  static constexpr size_t kMaxPaths = 10000;

  ConfigWatcher(boost::asio::io_context& io, std::chrono::milliseconds settle,
                std::function<void(const WatchedChanges&)> on_change);

  // Watches the folders holding these paths (files are replaced by rename,
  // so watching the file itself would lose track of it), and each folder's
  // parent for the folder's own name. An error if a folder cannot be
  // watched at all; a parent that cannot be watched is only logged (a
  // replaced folder then goes unnoticed until SIGHUP).
  absl::Status Watch(const std::vector<std::string>& folders);

 private:
  struct Folder {
    std::string path;    // absolute, not resolved: symlinks are followed anew
    std::string parent;  // empty for "/"
    std::string name;    // the last component of `path`
    int wd = -1;         // -1 while nothing is at `path`
    int parent_wd = -1;
  };

  void Read();
  // Returns true if the events call for a reload.
  bool Handle(const char* data, size_t size);
  // Watches what each path names now; drops the watches no path names.
  void Resolve();
  int AddWatch(const std::string& path);

  boost::asio::posix::stream_descriptor inotify_;
  boost::asio::steady_timer settle_timer_;
  std::chrono::milliseconds settle_;
  std::function<void(const WatchedChanges&)> on_change_;
  std::vector<Folder> folders_;
  WatchedChanges pending_;  // since the last call of on_change_
  alignas(inotify_event) std::array<char, 8192> buffer_;
};

}  // namespace dnsd

#endif  // DNSD_CONTROL_CONFIG_WATCHER_H_
