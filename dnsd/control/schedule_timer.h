// Records on a schedule change at their second with no edit and no reload
// (config/timeline.h): this timer wakes the control thread when the served
// snapshot's next change is due, and the reloader compiles again.
//
// It waits on the steady clock, but for at most a minute at a time, so a
// step of the wall clock (NTP, a resumed VM) delays a change by at most
// that long.
#ifndef DNSD_CONTROL_SCHEDULE_TIMER_H_
#define DNSD_CONTROL_SCHEDULE_TIMER_H_

#include <functional>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dnsd/control/reloader.h"

namespace dnsd {

class ScheduleTimer {
 public:
  // `applied` runs on the control thread after a scheduled compile was
  // published.
  ScheduleTimer(boost::asio::io_context& control, Reloader& reloader,
                std::function<void()> applied)
      : timer_(control), reloader_(reloader), applied_(std::move(applied)) {}

  // (Re)starts the wait for the next change the reloader's status names;
  // call it again whenever a reload may have moved it.
  void Arm();

 private:
  boost::asio::steady_timer timer_;
  Reloader& reloader_;
  std::function<void()> applied_;
  // A change whose compile was rejected (a broken server file, say): not
  // tried again every instant, but after a minute or an edit's reload.
  std::optional<config::UtcSeconds> rejected_;
};

}  // namespace dnsd

#endif  // DNSD_CONTROL_SCHEDULE_TIMER_H_
