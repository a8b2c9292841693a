// The folders one load reads, resolved once at its start.
//
// A configuration delivered as a whole (deploy/git-sync/: a fresh checkout
// per commit, then one symlink swapped to it) changes every file at once.
// A load that followed the symlink anew for each file it opens could read
// the server file of one commit and domain files of the next. So a load
// pins each folder it reads: the symlinks in its path are resolved once
// (realpath), and every file of that load is opened under the result. The
// next load resolves again and sees the new commit, whole.
//
// Only the opening uses the resolved path: files keep their configured
// names in diagnostics, in the status page and as ConfigState's keys, so
// the same domain file in the next commit is the same file.
//
// Folder links only: a folder whose files are each a symlink (a Kubernetes
// ConfigMap's `name -> ..data/name`) still follows each file's link when it
// is opened. Thread-compatible; const methods may be called from any thread.
#ifndef DNSD_CONFIG_PINNED_FOLDERS_H_
#define DNSD_CONFIG_PINNED_FOLDERS_H_

#include <string>
#include <utility>
#include <vector>

namespace dnsd::config {

class PinnedFolders {
 public:
  // Resolves `folder` now, unless a folder pinned before holds it. A folder
  // that cannot be resolved (it does not exist) is not pinned: its files
  // are opened by their configured paths, and fail there as they would.
  void Pin(const std::string& folder);
  // Where to open `path`: under the folder it lies in as that folder was
  // resolved, or `path` itself outside every pinned folder.
  std::string ReadPath(const std::string& path) const;

 private:
  // (configured, resolved): absolute, lexically normal, no trailing '/'.
  std::vector<std::pair<std::string, std::string>> pins_;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_PINNED_FOLDERS_H_
