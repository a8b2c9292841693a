#include "dnsd/control/config_watcher.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "dnsd/protocol/base/log.h"

namespace dnsd {
namespace {

// The same mask for every watch: a folder can also be another folder's
// parent, and inotify_add_watch on an inode already watched replaces its
// mask rather than adding to it.
constexpr uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                             IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
// The watched inode is gone from its path, or the kernel dropped the watch
// (IN_IGNORED follows IN_DELETE_SELF, and an unmount).
constexpr uint32_t kSelfGone = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT;

}  // namespace

ConfigWatcher::ConfigWatcher(boost::asio::io_context& io, std::chrono::milliseconds settle,
                             std::function<void(const WatchedChanges&)> on_change)
    : inotify_(io, inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      settle_timer_(io),
      settle_(settle),
      on_change_(std::move(on_change)) {}

absl::Status ConfigWatcher::Watch(const std::vector<std::string>& folders) {
  for (const std::string& folder : folders) {
    // Absolute now, so that the paths mean the same if the working folder
    // changes; not canonical, so that a symlink is followed afresh each time.
    std::filesystem::path path = std::filesystem::absolute(folder).lexically_normal();
    if (!path.has_filename() && path.has_relative_path()) path = path.parent_path();
    Folder f;
    f.path = path.string();
    f.name = path.filename().string();
    if (path.has_relative_path()) f.parent = path.parent_path().string();
    f.wd = AddWatch(f.path);
    if (f.wd < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot watch ", folder, ": ", std::strerror(errno)));
    }
    if (!f.parent.empty()) {
      f.parent_wd = AddWatch(f.parent);
      if (f.parent_wd < 0) {
        LogWarning("cannot watch %s (%s): if %s is replaced, reload with SIGHUP", f.parent,
                   std::strerror(errno), f.path);
      }
    }
    folders_.push_back(std::move(f));
  }
  Read();
  return absl::OkStatus();
}

int ConfigWatcher::AddWatch(const std::string& path) {
  return inotify_add_watch(inotify_.native_handle(), path.c_str(), kEvents | IN_ONLYDIR);
}

void ConfigWatcher::Read() {
  inotify_.async_read_some(
      boost::asio::buffer(buffer_), [this](const boost::system::error_code& ec, size_t size) {
        if (ec) return;
        if (Handle(buffer_.data(), size)) {
          // Any change restarts the settle time.
          settle_timer_.expires_after(settle_);
          settle_timer_.async_wait([this](const boost::system::error_code& e) {
            if (e) return;
            WatchedChanges changes = std::move(pending_);
            pending_ = WatchedChanges();
            std::sort(changes.paths.begin(), changes.paths.end());
            changes.paths.erase(std::unique(changes.paths.begin(), changes.paths.end()),
                                changes.paths.end());
            on_change_(changes);
          });
        }
        Read();
      });
}

bool ConfigWatcher::Handle(const char* data, size_t size) {
  bool changed = false;
  bool resolve = false;
  for (size_t at = 0; at + sizeof(inotify_event) <= size;) {
    const auto* e = reinterpret_cast<const inotify_event*>(data + at);
    at += sizeof(inotify_event) + e->len;
    if (e->mask & IN_Q_OVERFLOW) {  // events were lost: assume the worst
      changed = resolve = pending_.everything = true;
      continue;
    }
    // A name is NUL-padded to `len`.
    const char* name = e->len > 0 ? e->name : "";
    for (const Folder& f : folders_) {
      if (f.wd >= 0 && e->wd == f.wd) {
        changed = true;  // anything inside a watched folder
        if (e->mask & kSelfGone) {
          resolve = pending_.everything = true;
        } else if (*name == '\0' || pending_.paths.size() >= kMaxPaths) {
          pending_.everything = true;
        } else {
          pending_.paths.push_back(absl::StrCat(f.path, "/", name));
        }
      }
      if (f.parent_wd >= 0 && e->wd == f.parent_wd &&
          ((e->mask & kSelfGone) || f.name == name)) {
        // The folder's name was moved, removed or made in its parent, or
        // the parent itself was replaced: the path may name another folder.
        changed = resolve = pending_.everything = true;
      }
    }
  }
  if (resolve) Resolve();
  return changed;
}

void ConfigWatcher::Resolve() {
  absl::flat_hash_set<int> before;
  for (const Folder& f : folders_) before.insert({f.wd, f.parent_wd});
  absl::flat_hash_set<int> now;
  for (Folder& f : folders_) {
    int wd = AddWatch(f.path);
    if (wd != f.wd) {
      pending_.replaced = true;  // another folder, or none, is at the path now
      if (wd >= 0) {
        LogInfo("config watcher: %s was replaced; watching the new folder", f.path);
      } else {
        LogWarning("config watcher: %s is gone (%s); watching %s for it to come back", f.path,
                   std::strerror(errno), f.parent.empty() ? "nothing" : f.parent);
      }
    }
    f.wd = wd;
    if (!f.parent.empty()) f.parent_wd = AddWatch(f.parent);
    now.insert({f.wd, f.parent_wd});
  }
  // A folder moved away keeps its inode and so its watch: drop it, so that
  // edits to the old folder no longer cause reloads.
  for (int wd : before) {
    if (wd >= 0 && !now.contains(wd)) inotify_rm_watch(inotify_.native_handle(), wd);
  }
}

}  // namespace dnsd
