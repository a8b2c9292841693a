#include "dnsd/server/udp_listener.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <boost/asio/post.hpp>

#include "dnsd/pipeline.h"

namespace dnsd {
namespace {

// Rounds of recvmmsg per readiness event before yielding to the other
// sockets of this worker (TCP listeners share the thread).
constexpr int kRoundsPerWakeup = 8;

// Turns the destination address the kernel reported for a query into the
// source address of its reply (IP_PKTINFO / IPV6_PKTINFO, ip(7), ipv6(7)).
size_t ReplyControl(msghdr& in, uint8_t* out, size_t out_size) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&in); c != nullptr; c = CMSG_NXTHDR(&in, c)) {
    msghdr reply{};
    reply.msg_control = out;
    reply.msg_controllen = out_size;
    cmsghdr* r = CMSG_FIRSTHDR(&reply);
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      info.ipi_spec_dst = info.ipi_addr;
      info.ipi_ifindex = 0;
      r->cmsg_level = IPPROTO_IP;
      r->cmsg_type = IP_PKTINFO;
      r->cmsg_len = CMSG_LEN(sizeof(info));
      std::memcpy(CMSG_DATA(r), &info, sizeof(info));
      return CMSG_SPACE(sizeof(info));
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      r->cmsg_level = IPPROTO_IPV6;
      r->cmsg_type = IPV6_PKTINFO;
      r->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      std::memcpy(CMSG_DATA(r), CMSG_DATA(c), sizeof(in6_pktinfo));
      return CMSG_SPACE(sizeof(in6_pktinfo));
    }
  }
  return 0;
}

IpAddress PeerAddress(const sockaddr_storage& peer) {
  IpAddress ip;
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    ip = IpAddress::FromV4(reinterpret_cast<const uint8_t*>(&v4.sin_addr));
  } else if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer);
    std::memcpy(ip.bytes.data(), &v6.sin6_addr, 16);
  }
  return ip;
}

// dnsd's address for a query's dnstap message: where the query went
// (IP_PKTINFO / IPV6_PKTINFO on a wildcard bind), else the bound address.
sockaddr_storage LocalAddress(msghdr& in, const sockaddr_storage& bound) {
  sockaddr_storage local = bound;
  for (cmsghdr* c = CMSG_FIRSTHDR(&in); c != nullptr; c = CMSG_NXTHDR(&in, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
        bound.ss_family == AF_INET) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      reinterpret_cast<sockaddr_in&>(local).sin_addr = info.ipi_addr;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
               bound.ss_family == AF_INET6) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      reinterpret_cast<sockaddr_in6&>(local).sin6_addr = info.ipi6_addr;
    }
  }
  return local;
}

}  // namespace

UdpListener::UdpListener(boost::asio::io_context& io, int fd, bool v6, bool pktinfo,
                         const SnapshotHolder& snapshots, unsigned reader, WorkerStats& stats,
                         RateLimiter* limiter)
    : io_(io),
      socket_(io, v6 ? boost::asio::ip::udp::v6() : boost::asio::ip::udp::v4(), fd),
      retry_(io),
      fd_(fd),
      v6_(v6),
      pktinfo_(pktinfo),
      snapshots_(snapshots),
      reader_(reader),
      stats_(stats),
      limiter_(limiter),
      slots_(kBatch),
      prepared_(kBatch) {
  for (int i = 0; i < kBatch; ++i) responses_[i] = std::span(slots_[i].response);
}

bool UdpListener::RateLimit(const sockaddr_storage& peer, uint8_t* response, Outcome& outcome,
                            uint64_t now_ms) {
  switch (limiter_->Check(PeerAddress(peer), now_ms, slip_counter_)) {
    case RateLimiter::Action::kSend:
      return true;
    case RateLimiter::Action::kDrop:
      stats_.CountRateLimitDrop();
      return false;
    case RateLimiter::Action::kSlip:
      outcome.size = SlipResponse(response, outcome.size);
      // TC here means "limited", not "did not fit": counted apart.
      outcome.truncated = false;
      stats_.rrl_slipped.Add();
      return true;
  }
  return true;
}

void UdpListener::set_dnstap(dnstap::WorkerTap* tap) {
  dnstap_ = tap;
  socklen_t size = sizeof(local_);
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local_), &size) != 0) {
    local_ = {};
  }
}

UdpListener::~UdpListener() {
  // Released from the Asio socket while busy: ours to close.
  if (!watched_ && fd_ >= 0) close(fd_);
}

void UdpListener::Start() { Wait(); }

void UdpListener::Stop() {
  stopped_ = true;  // a Drain already posted returns at once
  retry_.cancel();
  if (watched_) {
    boost::system::error_code ignored;
    socket_.close(ignored);
  } else if (fd_ >= 0) {
    close(fd_);
  }
  fd_ = -1;
}

void UdpListener::Wait() {
  socket_.async_wait(boost::asio::ip::udp::socket::wait_read,
                     [this](const boost::system::error_code& ec) {
                       if (ec) return;  // closed: the worker is stopping
                       Drain();
                     });
}

void UdpListener::Drain() {
  if (stopped_) return;
  for (int round = 0; round < kRoundsPerWakeup; ++round) {
    int received = ReceiveBatch();
    // A full batch: more are likely queued. Out of epoll, this batch's
    // answers and the next ones' are sent without waking its entry.
    if (received == kBatch && watched_) Unwatch();
    if (received > 0) AnswerBatch(received);
    if (received < kBatch) {
      if (Watch()) {
        Wait();
      } else {
        // epoll_ctl ADD failed (out of memory, max_user_watches): look
        // again in a millisecond rather than go deaf or spin.
        retry_.expires_after(std::chrono::milliseconds(1));
        retry_.async_wait([this](const boost::system::error_code& ec) {
          if (!ec) Drain();
        });
      }
      return;
    }
  }
  // Still busy after a wakeup's budget: the worker's other sockets (TCP)
  // get their turn, then this goes on without asking epoll.
  boost::asio::post(io_, [this] { Drain(); });
}

void UdpListener::Unwatch() {
  boost::system::error_code ec;
  int fd = socket_.release(ec);
  if (ec) return;  // still watched: nothing changes
  fd_ = fd;
  watched_ = false;
}

bool UdpListener::Watch() {
  if (watched_) return true;
  boost::system::error_code ec;
  socket_.assign(v6_ ? boost::asio::ip::udp::v6() : boost::asio::ip::udp::v4(), fd_, ec);
  if (ec) return false;
  watched_ = true;
  return true;
}

int UdpListener::ReceiveBatch() {
  for (int i = 0; i < kBatch; ++i) {
    Slot& s = slots_[i];
    s.in_iov = {s.query.data(), s.query.size()};
    msghdr& h = in_[i].msg_hdr;
    h = {};
    h.msg_name = &s.peer;
    h.msg_namelen = sizeof(s.peer);
    h.msg_iov = &s.in_iov;
    h.msg_iovlen = 1;
    if (pktinfo_) {
      h.msg_control = s.control.data();
      h.msg_controllen = s.control.size();
    }
  }
  int n;
  do {
    n = recvmmsg(fd_, in_.data(), kBatch, MSG_DONTWAIT, nullptr);
  } while (n < 0 && errno == EINTR);
  return n;
}

void UdpListener::RecordVisibility(int count) {
  SenderVisibility& v = stats_.visibility;
  if (!v.enabled()) return;
  for (int i = 0; i < count; ++i) {
    visible_keys_[i] = SenderVisibility::Key(visible_[i].spf_domain->name);
    v.Prefetch(visible_keys_[i]);
  }
  for (int i = 0; i < count; ++i) v.PrefetchSlot(visible_keys_[i]);
  for (int i = 0; i < count; ++i) {
    const Outcome& o = visible_[i];
    v.Record(visible_keys_[i], o.spf_domain->name, WorkerStats::VisibilityRule(o),
             WorkerStats::VisibilitySender(o), WorkerStats::VisibilityIp(o));
  }
}

void UdpListener::AnswerBatch(int received) {
  auto start = std::chrono::steady_clock::now();
  uint64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        start.time_since_epoch()).count();
  SnapshotHolder::ReadGuard guard(snapshots_, reader_);
  const config::Snapshot& snapshot = guard.snapshot();
  // dnstap's query time: the batch's receive time, one clock read for all.
  uint64_t received_ns = dnstap_ != nullptr ? dnstap::WallClockNs() : 0;
  for (int i = 0; i < received; ++i) {
    // A datagram cut short by the kernel is not a query we could answer:
    // empty, it is dropped.
    requests_[i] = (in_[i].msg_hdr.msg_flags & MSG_TRUNC)
                       ? std::span<const uint8_t>()
                       : std::span<const uint8_t>(slots_[i].query.data(), in_[i].msg_len);
  }
  HandleBatch(snapshot, std::span(requests_.data(), received), Transport::kUdp,
              std::span(responses_.data(), received), std::span(prepared_.data(), received),
              std::span(outcomes_.data(), received));
  // Sender visibility hashes each SPF answer's domain name: the policy's
  // line holding the name's pointer, then the text, elsewhere. Answering
  // the batch has pushed many policies out of the cache since: fetch the
  // policies, then the texts, for the whole batch, so that the misses
  // overlap (perf: 75% of AnswerBatch's samples waited on that chain when
  // the loop below fetched each answer's text as it counted it; this
  // halved AnswerBatch's time per query).
  if (stats_.visibility.enabled()) {
    for (int i = 0; i < received; ++i) {
      if (outcomes_[i].spf_domain != nullptr) __builtin_prefetch(&outcomes_[i].spf_domain->name);
    }
    for (int i = 0; i < received; ++i) {
      if (outcomes_[i].spf_domain != nullptr) __builtin_prefetch(outcomes_[i].spf_domain->name.data());
    }
  }
  int replies = 0;
  int visible = 0;
  for (int i = 0; i < received; ++i) {
    Slot& s = slots_[i];
    msghdr& in = in_[i].msg_hdr;
    Outcome& outcome = outcomes_[i];
    // Every answer counts against its client's prefix, errors too: a
    // reflected REFUSED floods the victim as well as a TXT answer does.
    if (outcome.size > 0 && limiter_ != nullptr &&
        !RateLimit(s.peer, s.response.data(), outcome, now_ms)) {
      continue;
    }
    if (stats_.CountResponse(Transport::kUdp, outcome)) visible_[visible++] = outcome;
    if (outcome.size == 0) continue;
    if (dnstap_ != nullptr) {
      sockaddr_storage local = pktinfo_ ? LocalAddress(in, local_) : local_;
      dnstap::Exchange x;
      x.query = std::span<const uint8_t>(s.query.data(), in_[i].msg_len);
      x.response = std::span<const uint8_t>(s.response.data(), outcome.size);
      x.client = reinterpret_cast<const sockaddr*>(&s.peer);
      x.server = reinterpret_cast<const sockaddr*>(&local);
      x.zone_kind = outcome.zone_kind;
      x.query_time_ns = received_ns;
      dnstap_->Offer(x);
    }
    s.out_iov = {s.response.data(), outcome.size};
    msghdr& out = out_[replies++].msg_hdr;
    out = {};
    out.msg_name = &s.peer;
    out.msg_namelen = in.msg_namelen;
    out.msg_iov = &s.out_iov;
    out.msg_iovlen = 1;
    if (pktinfo_) {
      out.msg_control = s.reply_control.data();
      out.msg_controllen = ReplyControl(in, s.reply_control.data(), s.reply_control.size());
      if (out.msg_controllen == 0) out.msg_control = nullptr;
    }
  }
  RecordVisibility(visible);
  stats_.ObserveBatch(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count(),
                      received);
  int sent = 0;
  while (sent < replies) {
    int n = sendmmsg(fd_, out_.data() + sent, replies - sent, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Full socket buffer or an unreachable peer: UDP gives no promise,
      // and blocking here would stall every other query.
      stats_.send_errors.Add();
      // Skip the datagram that failed; try the rest.
      ++sent;
      continue;
    }
    sent += n;
  }
}

}  // namespace dnsd
