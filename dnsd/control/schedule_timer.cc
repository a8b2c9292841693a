#include "dnsd/control/schedule_timer.h"

#include <algorithm>
#include <chrono>

namespace dnsd {

void ScheduleTimer::Arm() {
  using std::chrono::steady_clock;
  steady_clock::duration wait = std::chrono::seconds(60);
  std::optional<config::UtcSeconds> next = reloader_.status().next_change;
  if (next && next != rejected_) {
    // Waking a little into the instant's own second makes the compile's
    // `now` (whole seconds) that instant, not the second before it.
    auto due = std::chrono::system_clock::time_point(std::chrono::seconds(*next)) +
               std::chrono::milliseconds(20);
    steady_clock::duration until_due = due - std::chrono::system_clock::now();
    wait = std::clamp<steady_clock::duration>(until_due, steady_clock::duration::zero(), wait);
  }
  timer_.expires_after(wait);
  timer_.async_wait([this, next](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled by a newer Arm, or stopping
    rejected_.reset();
    if (reloader_.ApplySchedule()) {
      if (applied_) applied_();
    } else if (next && config::NowUtc() >= *next && reloader_.status().next_change == next) {
      rejected_ = next;  // due, tried, and still the next: the compile was rejected
    }
    Arm();
  });
}

}  // namespace dnsd
