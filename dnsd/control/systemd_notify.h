// Tells systemd what `dnsd serve` is doing (sd_notify(3), Type=notify):
// progress while the first configuration loads (EXTEND_TIMEOUT_USEC), READY=1
// once it is being served, RELOADING=1 and
// READY=1 around each reload asked for (SIGHUP, a file change), STOPPING=1 on the way out, and a one-line
// STATUS= that `systemctl status` shows. Without NOTIFY_SOCKET in the
// environment (not started by systemd) every call does nothing. Control
// thread only; a message that cannot be sent is not an error worth more
// than the return value.
#ifndef DNSD_CONTROL_SYSTEMD_NOTIFY_H_
#define DNSD_CONTROL_SYSTEMD_NOTIFY_H_

#include <string>

namespace dnsd {

bool NotifyReady(const std::string& status);
// With MONOTONIC_USEC, as Type=notify-reload (systemd 253) requires.
bool NotifyReloading(const std::string& status);
bool NotifyStopping();
bool NotifyStatus(const std::string& status);
// While the first configuration loads: the status, and "give me another
// `seconds`" (EXTEND_TIMEOUT_USEC), so that a start of a million domains
// that keeps making progress outlives TimeoutStartSec, and one that stops
// making progress does not.
bool NotifyStarting(const std::string& status, int seconds);

}  // namespace dnsd

#endif  // DNSD_CONTROL_SYSTEMD_NOTIFY_H_
