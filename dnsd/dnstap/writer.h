// The dnstap writer: one thread that drains every worker's ring, encodes
// each event (dnstap protobuf, encoder.h) and writes the frames to the
// collector (connection.h), batched, one writev per batch.
//
// When the collector is slow, this thread waits in write() and the
// workers' rings fill: workers then drop and count, never wait. When it is
// gone (not there at start, or a write fails), the thread tries again with
// a doubling backoff (options.retry_initial up to retry_max), and meanwhile
// empties the rings, counting every event as dropped, so that the stream
// resumes with current answers. Workers are never blocked in any case.
//
// Thread-safety: tap(i) belongs to worker i; the counters are read from any
// thread; Start() and Stop() from the thread that owns the writer.
#ifndef DNSD_DNSTAP_WRITER_H_
#define DNSD_DNSTAP_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "dnsd/dnstap/connection.h"
#include "dnsd/dnstap/options.h"
#include "dnsd/dnstap/worker_tap.h"

namespace dnsd::dnstap {

class Writer {
 public:
  // One tap, with its ring, for each of `workers` worker threads.
  Writer(Options options, unsigned workers);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  WorkerTap& tap(unsigned worker) { return *taps_[worker]; }
  const Options& options() const { return options_; }
  std::string Describe() const { return connection_.Describe(); }

  void Start();
  // Writes what the rings hold if connected, closes the stream, joins.
  void Stop();

  // Frames written to the collector (an AUTH_QUERY and its AUTH_RESPONSE
  // are two).
  uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  // Messages not written (counted like written()): rings full, too large
  // for a slot, or no collector.
  uint64_t dropped() const;
  bool connected() const { return connected_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kBatch = 64;  // events per writev

  void Run();
  // Tries to connect if it is time; true when connected.
  bool Connect(std::chrono::steady_clock::time_point now);
  // Takes up to kBatch events from `tap`, writes or drops them; the count.
  size_t Drain(WorkerTap& tap);
  void Count(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  const Options options_;
  std::vector<std::unique_ptr<WorkerTap>> taps_;
  Connection connection_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // under mu_

  std::chrono::milliseconds retry_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::vector<uint8_t> buffer_;  // encoded frames of one batch
  std::vector<size_t> sizes_;

  // Written by the writer thread only.
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<bool> connected_{false};
};

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_WRITER_H_
