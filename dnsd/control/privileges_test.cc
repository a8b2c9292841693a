#include "dnsd/control/privileges.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd {
namespace {

TEST(PrivilegesTest, Plan) {
  // root, capabilities, user configured, --allow-root
  EXPECT_EQ(PlanPrivileges(true, true, true, false), PrivilegePlan::kSwitchUser);
  EXPECT_EQ(PlanPrivileges(true, true, true, true), PrivilegePlan::kSwitchUser);
  EXPECT_EQ(PlanPrivileges(true, true, false, true), PrivilegePlan::kKeepRoot);
  EXPECT_EQ(PlanPrivileges(true, true, false, false), PrivilegePlan::kRefuse);
  EXPECT_EQ(PlanPrivileges(false, true, true, false), PrivilegePlan::kDropCapabilities);
  EXPECT_EQ(PlanPrivileges(false, false, true, false), PrivilegePlan::kNothing);
  EXPECT_EQ(PlanPrivileges(false, false, false, false), PrivilegePlan::kNothing);
}

TEST(PrivilegesTest, LookUpAccount) {
  absl::StatusOr<Account> nobody = LookUpAccount("nobody");
  ASSERT_TRUE(nobody.ok()) << nobody.status();
  EXPECT_EQ(nobody->user, "nobody");
  EXPECT_NE(nobody->uid, 0u);
  EXPECT_FALSE(nobody->group.empty());

  absl::StatusOr<Account> with_group = LookUpAccount("nobody:daemon");
  ASSERT_TRUE(with_group.ok()) << with_group.status();
  EXPECT_EQ(with_group->group, "daemon");
  EXPECT_EQ(with_group->uid, nobody->uid);

  EXPECT_EQ(LookUpAccount("no-such-user-here").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LookUpAccount("nobody:no-such-group").status().code(),
            absl::StatusCode::kNotFound);
  absl::Status root = LookUpAccount("root").status();
  EXPECT_EQ(root.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(root.message()), ::testing::HasSubstr("would keep root"));
}

// Runs `body` in a child process (privileges cannot be got back) and
// returns its exit status.
int InChild(const std::function<int()>& body) {
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(PrivilegesTest, SwitchUserIsForGood) {
  absl::StatusOr<Account> nobody = LookUpAccount("nobody:daemon");
  ASSERT_TRUE(nobody.ok());
  int status = InChild([&] {
    bool root = geteuid() == 0;
    absl::Status s = SwitchUser(*nobody);
    if (!root) {
      // Not root: the switch must fail, and nothing may have changed.
      return !s.ok() ? 0 : 1;
    }
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
      return 2;
    }
    if (getuid() != nobody->uid || geteuid() != nobody->uid || getgid() != nobody->gid) return 3;
    if (getgroups(0, nullptr) != 0) return 4;
    if (HoldsCapabilities()) return 5;
    if (setuid(0) == 0 || setresuid(0, 0, 0) == 0 || setgid(0) == 0) return 6;
    if (prctl(PR_CAPBSET_READ, 0 /* CAP_CHOWN */, 0, 0, 0) != 0) return 7;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

TEST(PrivilegesTest, RefusedWithOtherThreadsRunning) {
  absl::StatusOr<Account> nobody = LookUpAccount("nobody");
  ASSERT_TRUE(nobody.ok());
  int status = InChild([&] {
    uid_t before = geteuid();
    bool had_caps = HoldsCapabilities();
    std::thread sleeper([] { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
    absl::Status s = SwitchUser(*nobody);
    absl::Status d = DropCapabilities();
    sleeper.join();
    bool unchanged = geteuid() == before && HoldsCapabilities() == had_caps;
    return s.code() == absl::StatusCode::kFailedPrecondition &&
                   d.code() == absl::StatusCode::kFailedPrecondition && unchanged
               ? 0
               : 1;
  });
  EXPECT_EQ(status, 0);
}

TEST(PrivilegesTest, DropCapabilitiesEmptiesEverySet) {
  int status = InChild([] {
    if (!DropCapabilities().ok()) return 1;
    if (HoldsCapabilities()) return 2;
    // Even root's uid 0 is powerless now.
    if (geteuid() == 0 && prctl(PR_CAPBSET_READ, 0, 0, 0, 0) != 0) return 3;
    return 0;
  });
  EXPECT_EQ(status, 0);
}

TEST(PrivilegesTest, ForbidNewPrivileges) {
  int status = InChild([] {
    if (!ForbidNewPrivileges().ok()) return 1;
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2;
  });
  EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace dnsd
