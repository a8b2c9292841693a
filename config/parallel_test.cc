// Running work on several threads: every index once, and items handed
// over in index order whatever order they are made in.
#include "config/parallel.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

TEST(ForEachInParallelTest, CallsEveryIndexOnce) {
  for (size_t n : {0, 1, 5, 1000}) {
    std::vector<std::atomic<int>> calls(n);
    ForEachInParallel(n, /*parallel_from=*/2, /*threads=*/4, [&](size_t i) { ++calls[i]; });
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(calls[i].load(), 1) << i;
  }
}

// The threads started for it run that much nicer than the caller; the
// calling thread runs every index it takes at its own, left as it was.
TEST(ForEachInParallelTest, HelpersRunAtTheNiceValueAsked) {
  auto nice_here = [] {
    errno = 0;
    return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  };
  const int caller_nice = nice_here();
  const std::thread::id caller = std::this_thread::get_id();
  constexpr size_t kItems = 4000;
  std::vector<int> nice(kItems);
  std::vector<char> by_caller(kItems);  // not vector<bool>: one thread per element
  // The caller may take every index before a helper has started (a busy
  // machine, a sanitizer build): it waits for one, a few seconds at most.
  std::atomic<bool> helper_ran{false};
  ForEachInParallel(
      kItems, 1, 3,
      [&](size_t i) {
        nice[i] = nice_here();
        by_caller[i] = std::this_thread::get_id() == caller;
        if (!by_caller[i]) helper_ran = true;
        for (int wait = 0; by_caller[i] && !helper_ran && wait < 5000; ++wait) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      },
      /*helper_nice=*/5);
  size_t by_helpers = 0;
  for (size_t i = 0; i < kItems; ++i) {
    if (by_caller[i]) {
      EXPECT_EQ(nice[i], caller_nice) << i;
    } else {
      ++by_helpers;
      EXPECT_EQ(nice[i], std::min(caller_nice + 5, 19)) << i;
    }
  }
  EXPECT_GT(by_helpers, 0u);  // the check above ran on helpers too
  EXPECT_EQ(nice_here(), caller_nice);
}

// Items put from several threads, last first and shuffled, are taken in
// index order, each the item put under its index; the taker starts before
// any is put, so it waits on most of them.
TEST(InOrderHandoffTest, TakesInIndexOrderWhateverThePutOrder) {
  constexpr size_t kItems = 20000;
  std::vector<size_t> items(kItems);
  for (size_t i = 0; i < kItems; ++i) items[i] = i * 7;
  std::vector<size_t> order(kItems);
  for (size_t i = 0; i < kItems; ++i) order[i] = kItems - 1 - i;
  std::mt19937 rng(7);
  std::shuffle(order.begin() + kItems / 2, order.end(), rng);

  InOrderHandoff<size_t> handoff(kItems);
  std::vector<size_t> taken;
  std::thread taker([&] {
    for (size_t i = 0; i < handoff.size(); ++i) taken.push_back(handoff.Take(i));
  });
  ForEachInParallel(kItems, 1, 3, [&](size_t k) { handoff.Put(order[k], &items[order[k]]); });
  taker.join();
  EXPECT_EQ(taken, items);
}

}  // namespace
}  // namespace dnsd::config
