#include "dnsd/server/snapshot_holder.h"

#include <chrono>
#include <thread>

namespace dnsd {

// Every access below is sequentially consistent on purpose: the proof that
// a freed snapshot is unreachable needs one total order of "reader announces
// its epoch, reader loads the pointer" against "publisher swaps the pointer,
// advances the epoch, scans the slots". If the scan sees a slot idle, that
// reader's later pointer load comes after the swap and sees the new one.

SnapshotHolder::SnapshotHolder(std::unique_ptr<const config::Snapshot> first, unsigned readers)
    : current_(first.release()), slots_(readers) {}

SnapshotHolder::~SnapshotHolder() { delete current_.load(); }

SnapshotHolder::ReadGuard::ReadGuard(const SnapshotHolder& holder, unsigned slot)
    : slot_(const_cast<SnapshotHolder&>(holder).slots_[slot].epoch) {
  slot_.store(holder.epoch_.load());
  snapshot_ = holder.current_.load();
}

SnapshotHolder::ReadGuard::~ReadGuard() { slot_.store(kIdle, std::memory_order_release); }

std::unique_ptr<const config::Snapshot> SnapshotHolder::Publish(
    std::unique_ptr<const config::Snapshot> next) {
  std::lock_guard<std::mutex> lock(publish_mu_);
  const config::Snapshot* old = current_.exchange(next.release());
  uint64_t published = epoch_.fetch_add(1) + 1;
  for (Slot& slot : slots_) {
    // A reader still in a section it entered before the swap may hold `old`.
    while (slot.epoch.load() < published) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  return std::unique_ptr<const config::Snapshot>(old);
}

uint64_t SnapshotHolder::generation() const { return current_.load()->generation; }

}  // namespace dnsd
