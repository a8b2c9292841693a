#include "dnsd/dnstap/writer.h"

#include <csignal>

#include "dnsd/dnstap/encoder.h"
#include "dnsd/protocol/base/log.h"

namespace dnsd::dnstap {
namespace {

// With nothing in the rings, look again after this long: workers never
// wake the writer (that would be a system call per answer), so this is
// the latency of the stream, and, times the answer rate, what a ring must
// hold (1 ms at 100k answers/s per worker is 100 slots).
constexpr auto kIdlePoll = std::chrono::milliseconds(1);

}  // namespace

Writer::Writer(Options options, unsigned workers)
    : options_(std::move(options)), connection_(options_), retry_(options_.retry_initial) {
  for (unsigned i = 0; i < workers; ++i) taps_.push_back(std::make_unique<WorkerTap>(options_));
  buffer_.reserve(kBatch * 2 * kMaxEncoded);
  sizes_.reserve(kBatch * 2);
}

Writer::~Writer() { Stop(); }

uint64_t Writer::dropped() const {
  uint64_t events = dropped_.load(std::memory_order_relaxed);
  for (const auto& t : taps_) events += t->dropped();
  // In messages, as written() counts: an event is a query and a response
  // message when both are logged.
  return options_.queries ? 2 * events : events;
}

void Writer::Start() {
  // A collector that closes its end must not end dnsd: a write to it then
  // fails with EPIPE instead of raising SIGPIPE (libfstrm writes with
  // write(2)). Asio's own sockets already send with MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  thread_ = std::thread([this] { Run(); });
}

void Writer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Writer::Connect(std::chrono::steady_clock::time_point now) {
  if (connection_.open()) return true;
  if (now < next_attempt_) return false;
  absl::Status s = connection_.Open();
  if (s.ok()) {
    LogInfo("dnstap: connected to %s", connection_.Describe());
    connected_.store(true, std::memory_order_relaxed);
    retry_ = options_.retry_initial;
    return true;
  }
  // Said once per outage, at the first failed attempt, not every retry.
  if (retry_ == options_.retry_initial) {
    LogWarning("dnstap: %s; retrying (up to every %d ms), dropping messages meanwhile",
               s.message(), options_.retry_max.count());
  }
  next_attempt_ = now + retry_;
  retry_ = std::min(retry_ * 2, options_.retry_max);
  return false;
}

size_t Writer::Drain(WorkerTap& tap) {
  SpscRing<Event>& ring = tap.ring();
  size_t taken = 0;
  bool open = connection_.open();
  buffer_.clear();
  sizes_.clear();
  while (taken < kBatch) {
    const Event* e = ring.Front();
    if (e == nullptr) break;
    if (open) {
      if (options_.queries) sizes_.push_back(Encode(*e, MessageType::kAuthQuery, options_, buffer_));
      sizes_.push_back(Encode(*e, MessageType::kAuthResponse, options_, buffer_));
    }
    ring.Pop();
    ++taken;
  }
  if (taken == 0) return 0;
  if (!open) {
    Count(dropped_, taken);
    return taken;
  }
  iovec frames[2 * kBatch];
  size_t at = 0;
  for (size_t i = 0; i < sizes_.size(); ++i) {
    frames[i] = {buffer_.data() + at, sizes_[i]};
    at += sizes_[i];
  }
  absl::Status s = connection_.Write(frames, sizes_.size());
  if (s.ok()) {
    Count(written_, sizes_.size());
  } else {
    Count(dropped_, taken);
    connected_.store(false, std::memory_order_relaxed);
    LogWarning("dnstap: %s; reconnecting", s.message());
    retry_ = options_.retry_initial;
    next_attempt_ = std::chrono::steady_clock::now() + retry_;
  }
  return taken;
}

void Writer::Run() {
  for (;;) {
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping = stop_;
    }
    Connect(std::chrono::steady_clock::now());
    size_t moved = 0;
    for (auto& tap : taps_) moved += Drain(*tap);
    if (stopping && moved == 0) break;
    if (moved == 0) {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait_for(lock, kIdlePoll, [this] { return stop_; });
    }
  }
  connection_.Close();
  connected_.store(false, std::memory_order_relaxed);
}

}  // namespace dnsd::dnstap
