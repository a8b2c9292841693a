// Publishes the current Snapshot to the workers.
//
// Readers load one atomic pointer (acquire) and touch no shared counter, so
// the query path never contends. Snapshots are kept until the holder dies;
// reclaiming them while workers run is the reload issue's work.
#ifndef DNSD_SERVER_SNAPSHOT_HOLDER_H_
#define DNSD_SERVER_SNAPSHOT_HOLDER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "config/snapshot.h"

namespace dnsd {

class SnapshotHolder {
 public:
  explicit SnapshotHolder(std::unique_ptr<const config::Snapshot> first) {
    Publish(std::move(first));
  }

  // Safe from any thread, lock-free.
  const config::Snapshot& current() const {
    return *current_.load(std::memory_order_acquire);
  }

  // Control plane: makes `next` the current snapshot.
  void Publish(std::unique_ptr<const config::Snapshot> next) {
    std::lock_guard<std::mutex> lock(publish_mu_);
    current_.store(next.get(), std::memory_order_release);
    kept_.push_back(std::move(next));
  }

 private:
  std::atomic<const config::Snapshot*> current_{nullptr};
  std::mutex publish_mu_;  // publishers only
  std::vector<std::unique_ptr<const config::Snapshot>> kept_;
};

}  // namespace dnsd

#endif  // DNSD_SERVER_SNAPSHOT_HOLDER_H_
