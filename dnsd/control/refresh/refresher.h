// The catalog refresher: keeps every sender's ranges in step with its SPF
// include (config/README.md, "Catalog refresh").
//
// A background thread resolves each sender's include as a receiver would
// (spf::Flatten over a spf::Dns, normally LdnsDns), one sender at a time, on
// its own schedule: after a good result, again after the records' smallest
// TTL clamped to [min_interval_s, max_interval_s]; after a failed look-up,
// with exponential backoff from retry_initial_s to retry_max_s, jittered. A
// result that cannot be trusted (loop, limits exceeded, not flattenable,
// empty) is "rejected": logged, counted, and the sender keeps its last good
// ranges. Last good ranges are persisted to the state file, so a restart
// without network starts from them.
//
// New ranges reach the answer path only through a new snapshot: when they
// change, `on_change` runs (on the refresher's thread) and the server
// compiles and publishes a snapshot with ranges(); nothing on the query
// path ever waits for the refresher.
//
// Thread-safety: every public method may be called from any thread.
#ifndef DNSD_CONTROL_REFRESH_REFRESHER_H_
#define DNSD_CONTROL_REFRESH_REFRESHER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "config/model.h"
#include "config/refreshed_ranges.h"
#include "dnsd/control/refresh/state_file.h"
#include "policy/spf/rfc7208/dns.h"
#include "policy/spf/rfc7208/flatten.h"

namespace dnsd::refresh {

struct RefresherOptions {
  bool active = false;              // false: seed ranges only, no thread
  config::RefreshSettings timing;
  std::string state_file;           // "" = nothing persisted
  std::string resolvers;            // for the status page: "127.0.0.1:53, ..."
  spf::FlattenLimits limits;
};

// The options a server file asks for (refresh off if it has no resolver).
RefresherOptions OptionsFor(const config::ServerConfig& server);

// The ranges a server started with `server_file` would answer with before
// its first refresh: the saved ones if its refresh is on, else null (also
// when the file is broken; loading it again reports why). For `dnsd
// explain` and `dnsd records`, so they show what the server answers.
std::shared_ptr<const config::RefreshedRanges> SavedRanges(const std::string& server_file);

// One sender, for logs, metrics and the status page.
struct SenderStatus {
  std::string id;
  std::string include;
  size_t ranges = 0;        // prefixes answered with now
  bool refreshed = false;   // they come from a refresh (this run or persisted), not the seed
  uint64_t ok = 0, failed = 0, rejected = 0;
  std::optional<std::chrono::system_clock::time_point> last_success;
  std::optional<std::chrono::system_clock::time_point> next_attempt;  // active only
  std::string last_error;   // of the last refresh that failed or was rejected, if it was the last
};

class Refresher {
 public:
  using DnsFactory = std::function<absl::StatusOr<std::unique_ptr<spf::Dns>>()>;

  Refresher(RefresherOptions options, DnsFactory dns);
  ~Refresher();
  Refresher(const Refresher&) = delete;
  Refresher& operator=(const Refresher&) = delete;

  // Reads the state file; a missing one is fine, an unreadable or corrupt
  // one is logged and ignored. Call before the first compile, so the first
  // snapshot already answers with the persisted ranges.
  void LoadState();

  // The catalog's senders, at start and after every reload: new senders and
  // senders whose include changed are refreshed at once (ranges resolved
  // from an include the catalog no longer names are dropped); senders gone
  // from the catalog are forgotten.
  void SetCatalog(const config::Catalog& catalog);

  // The ranges compiling uses now (null when refreshing is off).
  std::shared_ptr<const config::RefreshedRanges> ranges() const;

  // Starts the thread (if active); `on_change` runs on it whenever ranges()
  // changed. Stop() ends it, abandoning a refresh in progress.
  void Start(std::function<void()> on_change);
  void Stop();

  bool active() const { return options_.active; }
  const RefresherOptions& options() const { return options_; }
  std::vector<SenderStatus> status() const;

 private:
  using Clock = std::chrono::steady_clock;

  struct Sender {
    std::string include;
    size_t seed_ranges = 0;
    std::optional<PersistedSender> good;  // last good ranges, of `include`
    Clock::time_point due;
    int failures_in_a_row = 0;
    uint64_t ok = 0, failed = 0, rejected = 0;
    std::string last_error;
  };

  void Run();
  // Applies one result; returns true if the sender's ranges changed.
  bool Apply(const std::string& id, Sender& s, const spf::FlattenResult& r);
  Clock::duration Interval(uint32_t ttl);
  Clock::duration Backoff(int failures);
  void RebuildRanges();  // REQUIRES: mu_ held
  PersistedRanges Persisted() const;  // REQUIRES: mu_ held
  void Persist(const PersistedRanges& ranges);

  const RefresherOptions options_;
  DnsFactory dns_factory_;
  std::function<void()> on_change_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Sender> senders_;         // by id
  PersistedRanges loaded_;                        // from the state file, until SetCatalog
  std::shared_ptr<const config::RefreshedRanges> ranges_;
  std::mt19937_64 random_;
  bool stop_ = false;
  std::atomic<bool> stopping_{false};  // read by the Dns wrapper without mu_
  std::thread thread_;
};

}  // namespace dnsd::refresh

#endif  // DNSD_CONTROL_REFRESH_REFRESHER_H_
