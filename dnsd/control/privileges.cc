#include "dnsd/control/privileges.h"

#include <dirent.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

struct CapSets {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
};

bool GetCaps(CapSets& out) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  auto join = [](uint32_t low, uint32_t high) { return uint64_t{high} << 32 | low; };
  out.effective = join(data[0].effective, data[1].effective);
  out.permitted = join(data[0].permitted, data[1].permitted);
  out.inheritable = join(data[0].inheritable, data[1].inheritable);
  return true;
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

// setuid(2) and friends change every thread (glibc relays them), but
// capabilities and prctl(2) settings are per thread: another thread would
// keep what this one drops.
absl::Status RequireSingleThread() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return absl::OkStatus();  // no /proc: nothing to check with
  int threads = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++threads;
  }
  closedir(dir);
  if (threads > 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "privileges must be dropped before any thread starts; ", threads, " are running"));
  }
  return absl::OkStatus();
}

int LastCapability() {
  int last = CAP_LAST_CAP;
  if (FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "r")) {
    if (std::fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP;
    std::fclose(f);
  }
  return last;
}

// Only with CAP_SETPCAP. The bounding set limits what executing a program
// could grant; emptying it is belt and braces next to PR_SET_NO_NEW_PRIVS.
absl::Status EmptyBoundingSet() {
  for (int cap = 0; cap <= LastCapability(); ++cap) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return ErrnoError(absl::StrCat("dropping capability ", cap, " from the bounding set"));
    }
  }
  return absl::OkStatus();
}

// Empties the ambient set and the thread's own sets.
absl::Status ClearCapabilities() {
  // EINVAL: a kernel before 4.3, without ambient capabilities.
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return ErrnoError("clearing the ambient capabilities");
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capset, &header, none) != 0) return ErrnoError("capset");
  return absl::OkStatus();
}

absl::Status VerifyNoCapabilities() {
  CapSets caps;
  if (!GetCaps(caps)) return ErrnoError("capget");
  if (caps.effective != 0 || caps.permitted != 0 || caps.inheritable != 0) {
    return absl::InternalError("capabilities are still held after dropping them");
  }
  return absl::OkStatus();
}

absl::Status VerifyAccount(const Account& account) {
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) {
    return ErrnoError("getresuid");
  }
  if (ruid != account.uid || euid != account.uid || suid != account.uid ||
      rgid != account.gid || egid != account.gid || sgid != account.gid) {
    return absl::InternalError("the user and group IDs did not all change");
  }
  if (getgroups(0, nullptr) != 0) {
    return absl::InternalError("supplementary groups are still set");
  }
  // The point of no return must really be one: root cannot come back.
  if (account.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    return absl::InternalError("root could be regained after dropping it");
  }
  if (account.gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
    return absl::InternalError("group root could be regained after dropping it");
  }
  return VerifyNoCapabilities();
}

}  // namespace

PrivilegePlan PlanPrivileges(bool root, bool has_capabilities, bool user_configured,
                             bool allow_root) {
  if (!root) return has_capabilities ? PrivilegePlan::kDropCapabilities : PrivilegePlan::kNothing;
  if (user_configured) return PrivilegePlan::kSwitchUser;
  return allow_root ? PrivilegePlan::kKeepRoot : PrivilegePlan::kRefuse;
}

absl::StatusOr<Account> LookUpAccount(const std::string& spec) {
  Account account;
  size_t colon = spec.find(':');
  account.user = spec.substr(0, colon);
  std::vector<char> buffer(1 << 16);
  passwd pw;
  passwd* found = nullptr;
  int err = getpwnam_r(account.user.c_str(), &pw, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "user '", account.user, "' ", err != 0 ? std::strerror(err) : "does not exist"));
  }
  account.uid = pw.pw_uid;
  account.gid = pw.pw_gid;
  if (colon == std::string::npos) {
    group gr;
    group* primary = nullptr;
    getgrgid_r(account.gid, &gr, buffer.data(), buffer.size(), &primary);
    account.group = primary != nullptr ? primary->gr_name : absl::StrCat(account.gid);
  } else {
    account.group = spec.substr(colon + 1);
    group gr;
    group* named = nullptr;
    err = getgrnam_r(account.group.c_str(), &gr, buffer.data(), buffer.size(), &named);
    if (named == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "group '", account.group, "' ", err != 0 ? std::strerror(err) : "does not exist"));
    }
    account.gid = named->gr_gid;
  }
  if (account.uid == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "user '", account.user, "' is uid 0: switching to it would keep root"));
  }
  return account;
}

bool HoldsCapabilities() {
  CapSets caps;
  return GetCaps(caps) && (caps.effective != 0 || caps.permitted != 0);
}

absl::Status ForbidNewPrivileges() {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return ErrnoError("PR_SET_NO_NEW_PRIVS");
  return absl::OkStatus();
}

absl::Status SwitchUser(const Account& account) {
  if (absl::Status s = RequireSingleThread(); !s.ok()) return s;
  // While still root: afterwards there is no CAP_SETPCAP to do it with.
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return ErrnoError("PR_SET_KEEPCAPS");
  if (absl::Status s = EmptyBoundingSet(); !s.ok()) return s;
  // Groups first: once the user ID changes, there is no right to change them.
  if (setgroups(0, nullptr) != 0) return ErrnoError("setgroups");
  if (setresgid(account.gid, account.gid, account.gid) != 0) {
    return ErrnoError(absl::StrCat("setresgid(", account.gid, ")"));
  }
  if (setresuid(account.uid, account.uid, account.uid) != 0) {
    return ErrnoError(absl::StrCat("setresuid(", account.uid, ")"));
  }
  // Leaving uid 0 emptied the permitted and effective sets (capabilities(7),
  // "Effect of user ID changes on capabilities"); the inheritable and
  // ambient sets are emptied here.
  if (absl::Status s = ClearCapabilities(); !s.ok()) return s;
  return VerifyAccount(account);
}

absl::Status DropCapabilities() {
  if (absl::Status s = RequireSingleThread(); !s.ok()) return s;
  CapSets caps;
  if (GetCaps(caps) && (caps.effective & (uint64_t{1} << CAP_SETPCAP)) != 0) {
    if (absl::Status s = EmptyBoundingSet(); !s.ok()) return s;
  }
  if (absl::Status s = ClearCapabilities(); !s.ok()) return s;
  return VerifyNoCapabilities();
}

}  // namespace dnsd
