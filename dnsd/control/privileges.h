// Giving up privileges once the listening sockets are bound.
//
// Started as root, `dnsd serve` binds its ports and then becomes the
// configured account for good: supplementary groups cleared, then the
// group, then the user (real, effective and saved IDs), no capabilities
// left in any set, and a check that root cannot be regained. Started as
// another user with capabilities (systemd's AmbientCapabilities=
// CAP_NET_BIND_SERVICE, or file capabilities), it drops those once bound.
// The sockets it has are all it needs: nothing in dnsd binds, chroots or
// reads privileged files later.
//
// Both calls act on the calling thread's credentials only where the kernel
// keeps them per thread (capabilities), so they must run before any other
// thread exists; they check that and refuse otherwise.
#ifndef DNSD_CONTROL_PRIVILEGES_H_
#define DNSD_CONTROL_PRIVILEGES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dnsd {

// What to do about privileges at start-up.
enum class PrivilegePlan {
  kNothing,            // not root, no capabilities
  kDropCapabilities,   // not root, but holding capabilities
  kSwitchUser,         // root with a `user` to become
  kKeepRoot,           // root, no `user`, and --allow-root
  kRefuse,             // root, no `user`, no --allow-root
};

PrivilegePlan PlanPrivileges(bool root, bool has_capabilities, bool user_configured,
                             bool allow_root);

struct Account {
  std::string user, group;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks up "name" (its primary group) or "name:group" in the passwd and
// group databases.
absl::StatusOr<Account> LookUpAccount(const std::string& spec);

// True if this thread holds any capability in its permitted or effective set.
bool HoldsCapabilities();

// Sets PR_SET_NO_NEW_PRIVS: no program this process could be made to
// execute gains privileges from setuid bits or file capabilities. Threads
// started afterwards inherit it.
absl::Status ForbidNewPrivileges();

// REQUIRES: root, single-threaded. Becomes `account` irrevocably.
absl::Status SwitchUser(const Account& account);

// REQUIRES: single-threaded. Empties every capability set (bounding and
// ambient included, where permitted).
absl::Status DropCapabilities();

}  // namespace dnsd

#endif  // DNSD_CONTROL_PRIVILEGES_H_
