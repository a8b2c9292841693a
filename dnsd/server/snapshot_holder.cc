#include "dnsd/server/snapshot_holder.h"

#include <chrono>
#include <thread>

namespace dnsd {

// Why each atomic access has the order it has.
//
// The claim: when Publish returns `old`, no read section can still use it.
// A reader R and a publisher P do, in this order:
//
//   R: e  = epoch_.load()              P: X  current_.exchange(next)
//      S  slot = e                        F  epoch_.fetch_add(1) -> published
//      L  p = current_.load()             C  slot.load() < published ? wait
//      ... reads *p ...
//      I  slot = kIdle
//
// Suppose L returned `old`, that is, L read current_ before X wrote it.
//
// 1. S, L, X and C are seq_cst, so they are in one total order, consistent
//    with each thread's program order. L read a value older than X's, so L
//    comes before X in it; hence S < L < X < C, and C (seq_cst, so after S
//    in that order) cannot read a value of the slot older than S's. This is
//    the store-then-load (Dekker) pattern, and nothing weaker than seq_cst
//    on all four forbids the reordering: with release S / acquire L, or
//    acquire-release X and C, the reader's store may become visible after
//    its load (x86's store buffer does exactly that), and P could see the
//    slot idle while R holds `old`.
// 2. So C reads S's value e, or a later store of R. If e, P waits: e was
//    read before F added 1, since a load that reads F's result (or later)
//    would make X happen before L (F releases, the load acquires, X is
//    sequenced before F), and L would then see `next`, not `old`. So
//    e < published and P waits. This needs F to release and R's epoch load
//    to acquire, no more; a relaxed load could read F's result while L
//    still reads `old`.
// 3. A later store of R is I (kIdle) or the S of a later section: both
//    release, both sequenced after R's reads of *old, and C acquires; so
//    those reads happen before Publish returns and before `old` is freed.
//
// Hence S, L, X, C: seq_cst (needed); I: release (needed, enough); R's
// epoch load: acquire is enough, and F: release is enough, but both are
// seq_cst: it costs nothing on x86-64 (every load is an acquire, every
// locked RMW is a full barrier) nor on ARMv8 (LDAR), and keeps the proof in
// one total order.

SnapshotHolder::SnapshotHolder(std::unique_ptr<const config::Snapshot> first, unsigned readers)
    : current_(first.release()), slots_(readers) {}

// Runs after every worker and publisher has finished: relaxed suffices.
SnapshotHolder::~SnapshotHolder() { delete current_.load(std::memory_order_relaxed); }

SnapshotHolder::ReadGuard::ReadGuard(const SnapshotHolder& holder, unsigned slot)
    : slot_(const_cast<SnapshotHolder&>(holder).slots_[slot].epoch) {
  // Step 2 above: acquire would do; see the note at the end of it.
  uint64_t epoch = holder.epoch_.load(std::memory_order_seq_cst);
  // S and L of step 1: seq_cst both, the store before the load.
  slot_.store(epoch, std::memory_order_seq_cst);
  snapshot_ = holder.current_.load(std::memory_order_seq_cst);
}

// I of step 3: release, so that every read of the snapshot in this section
// happens before the publisher that sees kIdle frees it.
SnapshotHolder::ReadGuard::~ReadGuard() { slot_.store(kIdle, std::memory_order_release); }

std::unique_ptr<const config::Snapshot> SnapshotHolder::Publish(
    std::unique_ptr<const config::Snapshot> next) {
  std::lock_guard<std::mutex> lock(publish_mu_);
  // X of step 1: seq_cst. Also a release, so a reader that loads `next`
  // sees it fully built.
  const config::Snapshot* old =
      current_.exchange(next.release(), std::memory_order_seq_cst);
  // F of step 2: release would do. Publishers are serialised by the mutex,
  // so the value read back is always this publisher's own.
  uint64_t published = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  for (Slot& slot : slots_) {
    // C of steps 1 and 3: seq_cst. A reader still in a section it entered
    // before the swap may hold `old`.
    while (slot.epoch.load(std::memory_order_seq_cst) < published) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  return std::unique_ptr<const config::Snapshot>(old);
}

// Under the publishers' mutex: no Publish can swap the current snapshot
// out, and so no caller can free it, while it is read here. (Without the
// lock, a status page read on another thread than the reloader's could
// dereference a snapshot that a concurrent reload had just freed.)
// Relaxed: the mutex orders this load after the publish that stored it.
uint64_t SnapshotHolder::generation() const {
  std::lock_guard<std::mutex> lock(publish_mu_);
  return current_.load(std::memory_order_relaxed)->generation;
}

}  // namespace dnsd
