// A bounded single-producer, single-consumer ring of fixed-size slots,
// allocated once: the hand-off from one worker thread to the dnstap writer.
//
// The worker (producer) fills the slot TryPush() gives it and publishes it
// with Commit(), one release store; when the ring is full it gets nullptr,
// and the caller drops the message and counts it. Nothing on the producer
// side allocates, locks, or waits. The writer thread (consumer) reads
// Front() and releases the slot with Pop(). Order is kept.
//
// Thread-safety: exactly one producer thread and one consumer thread.
#ifndef DNSD_DNSTAP_RING_H_
#define DNSD_DNSTAP_RING_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace dnsd::dnstap {

template <typename T>
class SpscRing {
 public:
  // Room for `capacity` slots, rounded up to a power of two (at least 2).
  explicit SpscRing(size_t capacity)
      : mask_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity) - 1),
        slots_(new T[mask_ + 1]) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  size_t capacity() const { return mask_ + 1; }

  // Producer: the next free slot, or nullptr when the ring is full. The
  // slot is the consumer's only after Commit().
  T* TryPush() {
    uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_cache_ > mask_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head - tail_cache_ > mask_) return nullptr;
    }
    return &slots_[head & mask_];
  }
  // Producer: publishes the slot TryPush() returned.
  void Commit() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  // Consumer: the oldest published slot, or nullptr when empty.
  const T* Front() {
    uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == head_cache_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail == head_cache_) return nullptr;
    }
    return &slots_[tail & mask_];
  }
  // Consumer: gives the slot Front() returned back to the producer.
  void Pop() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

 private:
  const size_t mask_;
  std::unique_ptr<T[]> slots_;
  // Each side's index on a cache line of its own, with its cached copy of
  // the other side's, so that they do not bounce a line per message.
  alignas(64) std::atomic<uint64_t> head_{0};
  uint64_t tail_cache_ = 0;  // producer's view of tail_
  alignas(64) std::atomic<uint64_t> tail_{0};
  uint64_t head_cache_ = 0;  // consumer's view of head_
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_RING_H_
