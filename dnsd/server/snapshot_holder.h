// Publishes the current Snapshot to the workers and frees old ones safely.
//
// Read side (per batch of queries): a worker enters a read section in its
// own slot, a cache line nobody else writes, loads the current pointer, and
// leaves. No lock, no shared reference count: the cost is two stores to
// memory the worker owns (entering is a seq_cst store, a full barrier on
// x86-64; leaving a plain release store) and two loads of lines that change
// only on a reload. Publish side (a reload): swap the pointer, advance
// the epoch, and wait until every worker is either outside a read section
// or entered one after the swap; then nothing can still see the old
// snapshot and it is freed. This is quiescent-state reclamation, what
// liburcu gives Knot DNS, sized to dnsd's fixed set of worker threads.
// snapshot_holder.cc says why each atomic access has the order it has;
// snapshot_holder_test.cc is the stress test.
#ifndef DNSD_SERVER_SNAPSHOT_HOLDER_H_
#define DNSD_SERVER_SNAPSHOT_HOLDER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "config/snapshot.h"

namespace dnsd {

class SnapshotHolder {
 public:
  // `readers`: how many read slots (one per worker thread).
  SnapshotHolder(std::unique_ptr<const config::Snapshot> first, unsigned readers);
  ~SnapshotHolder();
  SnapshotHolder(const SnapshotHolder&) = delete;
  SnapshotHolder& operator=(const SnapshotHolder&) = delete;

  // A read section: the snapshot stays alive until the guard goes away.
  // One guard at a time per slot; REQUIRES: slot < readers.
  class ReadGuard {
   public:
    ReadGuard(const SnapshotHolder& holder, unsigned slot);
    ~ReadGuard();
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;
    const config::Snapshot& snapshot() const { return *snapshot_; }

   private:
    std::atomic<uint64_t>& slot_;
    const config::Snapshot* snapshot_;
  };

  // Makes `next` current and returns the snapshot it replaces once no read
  // section can still see it, for the caller to free (at 100k domains that
  // takes a while, which need not count as part of the reload). Blocks for
  // at most the longest read section in progress (microseconds).
  // Thread-safe; publishers are serialised.
  std::unique_ptr<const config::Snapshot> Publish(std::unique_ptr<const config::Snapshot> next);

  // For the control plane (status pages, reload bookkeeping), from any
  // thread: takes the publishers' mutex, so it may wait for a Publish in
  // progress. Not for workers, which must use a ReadGuard.
  uint64_t generation() const;

  unsigned readers() const { return static_cast<unsigned>(slots_.size()); }

 private:
  static constexpr uint64_t kIdle = ~uint64_t{0};

  struct alignas(64) Slot {
    std::atomic<uint64_t> epoch{kIdle};
  };

  std::atomic<const config::Snapshot*> current_;
  std::atomic<uint64_t> epoch_{1};
  std::vector<Slot> slots_;
  mutable std::mutex publish_mu_;   // serialises Publish and generation()
};

}  // namespace dnsd

#endif  // DNSD_SERVER_SNAPSHOT_HOLDER_H_
