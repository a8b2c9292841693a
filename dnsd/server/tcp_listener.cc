#include "dnsd/server/tcp_listener.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "dnsd/pipeline.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

using boost::asio::ip::tcp;

// What a connection reads into at first: a length prefix and a 512-octet
// message (RFC 1035 §4.2.1), which holds nearly every query there is (and
// pipelined small ones several at a time). A frame that announces more
// grows the buffer to its length, at most 2 + 65535, and once it has been
// answered the buffer shrinks back: idle connections stay small.
constexpr size_t kInitialReadBuffer = 2 + wire::kMaxUdpNoEdns;
// Stop answering pipelined queries and flush once this much is queued.
constexpr size_t kMaxPendingOutput = 256 * 1024;
// After a write, queued-answer room beyond this is given back, so that
// one burst of pipelined answers is not kept for the connection's life.
constexpr size_t kKeptOutput = 4096;

IpAddress PeerAddress(const tcp::endpoint& peer) {
  IpAddress ip;
  if (peer.address().is_v4()) {
    auto v4 = peer.address().to_v4().to_bytes();
    return IpAddress::FromV4(v4.data());
  }
  auto v6 = peer.address().to_v6().to_bytes();
  std::copy(v6.begin(), v6.end(), ip.bytes.begin());
  return ip;
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const TcpLimits& limits, std::atomic<uint32_t>& open,
             ConnectionLimit& per_prefix, ConnectionLimit::Ticket ticket,
             const SnapshotHolder& snapshots, unsigned reader, WorkerStats& stats,
             std::shared_ptr<std::vector<uint8_t>> scratch, dnstap::WorkerTap* dnstap)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        limits_(limits),
        open_(open),
        per_prefix_(per_prefix),
        ticket_(ticket),
        snapshots_(snapshots),
        reader_(reader),
        stats_(stats),
        scratch_(std::move(scratch)),
        in_(kInitialReadBuffer),
        dnstap_(dnstap) {
    if (dnstap_ != nullptr) {
      boost::system::error_code ec;
      peer_ = socket_.remote_endpoint(ec);
      local_ = socket_.local_endpoint(ec);
    }
  }

  ~Connection() {
    per_prefix_.Release(ticket_);
    open_.fetch_sub(1, std::memory_order_relaxed);
  }

  void Start() {
    ArmIdleTimer();
    Read();
  }

 private:
  void ArmIdleTimer() {
    timer_.expires_after(limits_.idle_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed or cancelled
      self->stats_.tcp_idle_closed.Add();
      self->Close();
    });
  }

  void Read() {
    socket_.async_read_some(
        boost::asio::buffer(in_.data() + filled_, in_.size() - filled_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
          if (ec) return self->Close();
          self->filled_ += n;
          self->AnswerComplete();
        });
  }

  // Answers every complete message in the buffer, then writes the answers.
  void AnswerComplete() {
    size_t at = 0;
    bool answered = false;
    uint64_t count = 0;
    auto start = std::chrono::steady_clock::now();
    if (dnstap_ != nullptr) received_ns_ = dnstap::WallClockNs();
    SnapshotHolder::ReadGuard guard(snapshots_, reader_);
    while (filled_ - at >= 2 && out_.size() < kMaxPendingOutput) {
      size_t length = size_t{in_[at]} << 8 | in_[at + 1];
      if (filled_ - at - 2 < length) break;
      answered |= Answer(guard.snapshot(), std::span(in_.data() + at + 2, length));
      at += 2 + length;
      ++count;
    }
    stats_.ObserveBatch(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count(),
                        count);
    std::memmove(in_.data(), in_.data() + at, filled_ - at);
    filled_ -= at;
    // RFC 7766 §6.2.3: the idle timer measures time without a query that
    // got an answer. An empty frame, a message the gate drops (too short,
    // a response) or part of a message restart nothing, so a client
    // sending "\0\0" every few seconds is still closed on time.
    if (answered) ArmIdleTimer();
    if (!out_.empty()) return Write();
    FitReadBuffer();
    Read();
  }

  // Sizes the read buffer for what it holds: the whole of a frame whose
  // start is in it (its length prefix read), else the initial size.
  void FitReadBuffer() {
    size_t wanted = kInitialReadBuffer;
    if (filled_ >= 2) wanted = std::max(wanted, 2 + (size_t{in_[0]} << 8 | in_[1]));
    if (wanted > in_.size()) {
      in_.resize(wanted);
    } else if (in_.size() > kInitialReadBuffer && wanted == kInitialReadBuffer &&
               filled_ <= kInitialReadBuffer) {
      // The long frame has been answered: give its room back.
      std::vector<uint8_t> small(in_.begin(), in_.begin() + kInitialReadBuffer);
      in_.swap(small);
    }
  }

  // Answers one message into the output queue; false if it got no answer.
  bool Answer(const config::Snapshot& snapshot, std::span<const uint8_t> query) {
    std::vector<uint8_t>& scratch = *scratch_;
    Outcome outcome = HandleQuery(snapshot, query, Transport::kTcp, std::span(scratch));
    stats_.Count(Transport::kTcp, outcome);
    if (outcome.size == 0) return false;
    if (dnstap_ != nullptr) {
      dnstap::Exchange x;
      x.query = query;
      x.response = std::span<const uint8_t>(scratch.data(), outcome.size);
      x.client = peer_.data();
      x.server = local_.data();
      x.tcp = true;
      x.zone_kind = outcome.zone_kind;
      x.query_time_ns = received_ns_;
      dnstap_->Offer(x);
    }
    out_.push_back(static_cast<uint8_t>(outcome.size >> 8));
    out_.push_back(static_cast<uint8_t>(outcome.size));
    out_.insert(out_.end(), scratch.begin(), scratch.begin() + outcome.size);
    return true;
  }

  void Write() {
    boost::asio::async_write(
        socket_, boost::asio::buffer(out_),
        [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
          if (ec) return self->Close();
          self->out_.clear();
          if (self->out_.capacity() > kKeptOutput) std::vector<uint8_t>().swap(self->out_);
          // Pipelined queries may still wait in the buffer.
          self->AnswerComplete();
        });
  }

  void Close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const TcpLimits& limits_;
  std::atomic<uint32_t>& open_;
  ConnectionLimit& per_prefix_;
  ConnectionLimit::Ticket ticket_;
  const SnapshotHolder& snapshots_;
  unsigned reader_;
  WorkerStats& stats_;
  std::shared_ptr<std::vector<uint8_t>> scratch_;
  std::vector<uint8_t> in_;
  size_t filled_ = 0;
  std::vector<uint8_t> out_;
  dnstap::WorkerTap* dnstap_;
  tcp::endpoint peer_, local_;  // for dnstap
  uint64_t received_ns_ = 0;    // when the queries being answered were read
};

}  // namespace

TcpListener::TcpListener(boost::asio::io_context& io, int fd, bool v6, const TcpLimits& limits,
                         std::atomic<uint32_t>& open_connections, ConnectionLimit& per_prefix,
                         const SnapshotHolder& snapshots, unsigned reader, WorkerStats& stats)
    : io_(io),
      acceptor_(io, v6 ? tcp::v6() : tcp::v4(), fd),
      retry_(io),
      limits_(limits),
      open_(open_connections),
      per_prefix_(per_prefix),
      snapshots_(snapshots),
      reader_(reader),
      stats_(stats),
      scratch_(std::make_shared<std::vector<uint8_t>>(wire::kMaxMessageSize)) {}

void TcpListener::Start() { Accept(); }

void TcpListener::Stop() {
  boost::system::error_code ignored;
  retry_.cancel();
  acceptor_.close(ignored);
}

void TcpListener::Accept() {
  acceptor_.async_accept(io_, [this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == boost::asio::error::operation_aborted) return;  // stopping
    if (ec) {
      // Out of descriptors, most likely: back off instead of spinning.
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([this](const boost::system::error_code& e) {
        if (!e) Accept();
      });
      return;
    }
    Admit(std::move(socket));
    Accept();
  });
}

// RFC 7766 §6.2.2: over the server's limit, or over its prefix's, a
// connection is closed at once, before a byte is read.
void TcpListener::Admit(tcp::socket socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone; the socket closes as it goes out of scope
  if (open_.fetch_add(1, std::memory_order_relaxed) >= limits_.max_connections) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    stats_.tcp_refused.Add();
    socket.close(ec);
    return;
  }
  ConnectionLimit::Ticket ticket;
  if (!per_prefix_.Acquire(PeerAddress(peer), &ticket)) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    stats_.tcp_prefix_refused.Add();
    socket.close(ec);
    return;
  }
  stats_.tcp_accepted.Add();
  socket.set_option(tcp::no_delay(true), ec);
  std::make_shared<Connection>(std::move(socket), limits_, open_, per_prefix_, ticket,
                               snapshots_, reader_, stats_, scratch_, dnstap_)
      ->Start();
}

}  // namespace dnsd
