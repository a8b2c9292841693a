// Server::ThreadCount: what `threads` means, 0 especially.
#include "dnsd/server/server.h"

#include <sched.h>

#include "gtest/gtest.h"

namespace dnsd {
namespace {

// Runs the test body with this thread's affinity set to `cpus`, and puts
// the old mask back after (ThreadCount reads the calling thread's).
class AffinityTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sched_getaffinity(0, sizeof(saved_), &saved_), 0); }
  void TearDown() override { sched_setaffinity(0, sizeof(saved_), &saved_); }
  cpu_set_t saved_;
};

TEST(ThreadCount, AnExplicitCountIsKept) {
  EXPECT_EQ(Server::ThreadCount(1), 1u);
  EXPECT_EQ(Server::ThreadCount(3), 3u);
  EXPECT_EQ(Server::ThreadCount(256), 256u);
}

TEST_F(AffinityTest, ZeroIsOneWorkerPerCpuTheProcessMayUse) {
  EXPECT_EQ(Server::ThreadCount(0), static_cast<unsigned>(CPU_COUNT(&saved_)));
}

// Pinned to one CPU (taskset -c 0, a one-CPU cpuset), dnsd starts one
// worker, not one per CPU of the machine taking turns on it.
TEST_F(AffinityTest, ZeroFollowsTheAffinityMaskNotTheMachine) {
  int first = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; ++cpu) {
    if (CPU_ISSET(cpu, &saved_)) first = cpu;
  }
  ASSERT_GE(first, 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  EXPECT_EQ(Server::ThreadCount(0), 1u);
}

}  // namespace
}  // namespace dnsd
