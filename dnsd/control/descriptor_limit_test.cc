#include "dnsd/control/descriptor_limit.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace dnsd {
namespace {

using Action = DescriptorPlan::Action;

TEST(DescriptorLimitTest, NeedCountsConnectionsSocketsAndAMargin) {
  DescriptorNeed need = DescriptorsNeeded(1024, /*listen_addresses=*/2, /*threads=*/4);
  EXPECT_EQ(need.connections, 1024u);
  EXPECT_EQ(need.sockets, 16u);  // UDP and TCP, per address and worker
  EXPECT_EQ(need.margin, 64u + 3u * 5u);
  EXPECT_EQ(need.total(), 1024u + 16u + 79u);
  // The MTA-STS policy host's connections count too.
  need.http_connections = 256;
  EXPECT_EQ(need.total(), 1024u + 16u + 79u + 256u);
}

TEST(DescriptorLimitTest, Plan) {
  // Enough already: nothing to do.
  EXPECT_EQ(PlanDescriptorLimit(1100, 1100, 1100).action, Action::kEnough);
  EXPECT_EQ(PlanDescriptorLimit(1100, RLIM_INFINITY, RLIM_INFINITY).action, Action::kEnough);
  // The usual 1024 soft, 524288 hard: raise the soft limit to the need.
  DescriptorPlan raise = PlanDescriptorLimit(1119, 1024, 524288);
  EXPECT_EQ(raise.action, Action::kRaise);
  EXPECT_EQ(raise.raise_to, 1119u);
  EXPECT_EQ(PlanDescriptorLimit(5000, 1024, RLIM_INFINITY).raise_to, 5000u);
  EXPECT_EQ(PlanDescriptorLimit(5000, 1024, 5000).action, Action::kRaise);
  // The hard limit is below the need: refuse.
  EXPECT_EQ(PlanDescriptorLimit(5001, 1024, 5000).action, Action::kRefuse);
}

TEST(DescriptorLimitTest, RefusesWithTheNumbersAndRaisesWithinTheHardLimit) {
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 600) {
    GTEST_SKIP() << "hard open-file limit " << saved.rlim_max << " is below this test's 600";
  }
  rlimit low = {256, 600};
  // Lowering the hard limit cannot be undone without CAP_SYS_RESOURCE, so
  // the rest runs in a child process.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) _exit(10);
    absl::StatusOr<std::string> refused = EnsureDescriptorLimit(DescriptorsNeeded(1024, 1, 1));
    if (refused.ok()) _exit(11);
    std::string message(refused.status().message());
    if (message.find("needs 1096 open files (1024 for tcp.max_connections, 2 listening sockets, "
                     "70 for files, event loops, metrics and reloads)") == std::string::npos ||
        message.find("is 256 with a hard limit of 600") == std::string::npos) {
      _exit(12);
    }
    absl::StatusOr<std::string> raised = EnsureDescriptorLimit(DescriptorsNeeded(500, 1, 1));
    if (!raised.ok()) _exit(13);
    rlimit now{};
    getrlimit(RLIMIT_NOFILE, &now);
    if (now.rlim_cur != 572 || now.rlim_max != 600) _exit(14);
    if (raised->find("from 256 to 572") == std::string::npos) _exit(15);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setrlimit failed, 11: not refused, 12: message, "
                                       "13: not raised, 14: limit, 15: log line";
}

}  // namespace
}  // namespace dnsd
