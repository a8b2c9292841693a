#include "dnsd/dnstap/worker_tap.h"

#include <netinet/in.h>
#include <time.h>

#include <cstring>

namespace dnsd::dnstap {

uint64_t WallClockNs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1000000000 + uint64_t(ts.tv_nsec);
}

Endpoint EndpointOf(const sockaddr* address) {
  Endpoint e;
  if (address == nullptr) return e;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof(v4));
    std::memcpy(e.address.data(), &v4.sin_addr, 4);
    e.port = ntohs(v4.sin_port);
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof(v6));
    e.v6 = true;
    std::memcpy(e.address.data(), &v6.sin6_addr, 16);
    e.port = ntohs(v6.sin6_port);
  }
  return e;
}

WorkerTap::WorkerTap(const Options& options)
    : only_zone_kind_(options.only_zone_kind),
      sample_(options.sample == 0 ? 1 : options.sample),
      ring_(options.ring_slots) {}

void WorkerTap::Offer(const Exchange& x) {
  if (only_zone_kind_ >= 0 && x.zone_kind != only_zone_kind_) return;
  // A counter, not a random draw: 1 in N exactly, and tests can count.
  uint32_t n = sample_count_++;
  if (sample_count_ == sample_) sample_count_ = 0;
  if (n != 0) return;
  if (x.query.size() > Event::kMaxQuery || x.response.size() > Event::kMaxResponse) {
    return Drop();
  }
  Event* e = ring_.TryPush();
  if (e == nullptr) return Drop();
  e->query_time_ns = x.query_time_ns;
  e->response_time_ns = WallClockNs();
  e->tcp = x.tcp;
  e->client = EndpointOf(x.client);
  e->server = EndpointOf(x.server);
  e->query_size = static_cast<uint16_t>(x.query.size());
  e->response_size = static_cast<uint16_t>(x.response.size());
  std::memcpy(e->query.data(), x.query.data(), x.query.size());
  std::memcpy(e->response.data(), x.response.data(), x.response.size());
  ring_.Commit();
}

}  // namespace dnsd::dnstap
