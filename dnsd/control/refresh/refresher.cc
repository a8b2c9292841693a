#include "dnsd/control/refresh/refresher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/loader.h"
#include "dnsd/protocol/base/log.h"
#include "dnsd/control/refresh/ldns_dns.h"

namespace dnsd::refresh {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

int64_t UnixNow() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

long long Seconds(std::chrono::steady_clock::duration d) {
  return duration_cast<seconds>(d + milliseconds(500)).count();
}

// Lets Stop() end a refresh between two look-ups instead of waiting for
// every remaining one to time out.
class StoppableDns : public spf::Dns {
 public:
  StoppableDns(spf::Dns& inner, const std::atomic<bool>& stop) : inner_(inner), stop_(stop) {}
  spf::DnsAnswer Txt(absl::string_view n) override { return Ask(&spf::Dns::Txt, n); }
  spf::DnsAnswer A(absl::string_view n) override { return Ask(&spf::Dns::A, n); }
  spf::DnsAnswer Aaaa(absl::string_view n) override { return Ask(&spf::Dns::Aaaa, n); }
  spf::DnsAnswer Mx(absl::string_view n) override { return Ask(&spf::Dns::Mx, n); }
  spf::DnsAnswer Ptr(absl::string_view n) override { return Ask(&spf::Dns::Ptr, n); }

 private:
  spf::DnsAnswer Ask(spf::DnsAnswer (spf::Dns::*f)(absl::string_view), absl::string_view n) {
    return stop_.load() ? spf::DnsAnswer{} : (inner_.*f)(n);
  }
  spf::Dns& inner_;
  const std::atomic<bool>& stop_;
};

// Why the resolver failed, when the Dns can tell (LdnsDns can).
std::string FailureDetail(spf::Dns& dns) {
  auto* ldns = dynamic_cast<LdnsDns*>(&dns);
  if (ldns == nullptr || ldns->last_error().empty()) return "";
  return absl::StrCat(" (", ldns->last_error(), ")");
}

}  // namespace

RefresherOptions OptionsFor(const config::ServerConfig& server) {
  RefresherOptions o;
  o.active = server.refresh_active();
  o.timing = server.refresh;
  if (!server.state_dir.empty()) o.state_file = StateFilePath(server.state_dir);
  o.resolvers = absl::StrJoin(server.resolver.servers, ", ");
  return o;
}

std::shared_ptr<const config::RefreshedRanges> SavedRanges(const std::string& server_file) {
  config::Loaded<config::ServerConfig> server = config::LoadServerFile(server_file);
  if (!server.ok()) return nullptr;
  Refresher refresher(OptionsFor(*server.value), nullptr);
  refresher.LoadState();
  return refresher.ranges();
}

Refresher::Refresher(RefresherOptions options, DnsFactory dns)
    : options_(std::move(options)),
      dns_factory_(std::move(dns)),
      ranges_(std::make_shared<config::RefreshedRanges>()),
      random_(std::random_device{}()) {}

Refresher::~Refresher() { Stop(); }

void Refresher::LoadState() {
  if (!options_.active || options_.state_file.empty()) return;
  absl::StatusOr<PersistedRanges> loaded = ReadStateFile(options_.state_file);
  if (!loaded.ok()) {
    LogWarning("catalog refresh: ignoring the state file: %s; starting from the seed ranges",
               loaded.status().message());
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  loaded_ = *std::move(loaded);
  auto ranges = std::make_shared<config::RefreshedRanges>();
  for (const auto& [id, s] : loaded_) ranges->senders[id] = {s.include, s.prefixes};
  ranges_ = std::move(ranges);
  LogInfo("catalog refresh: %d senders' last good ranges loaded from %s", loaded_.size(),
          options_.state_file);
}

void Refresher::SetCatalog(const config::Catalog& catalog) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Sender> next;
  Clock::time_point now = Clock::now();
  for (const config::Sender& cs : catalog.senders) {
    Sender s;
    auto old = senders_.find(cs.id);
    if (old != senders_.end() && old->second.include == cs.include) {
      s = std::move(old->second);
    } else {
      s.include = cs.include;
      s.due = now;  // new, or its include changed: refresh at once
      auto p = loaded_.find(cs.id);
      if (p != loaded_.end() && p->second.include == cs.include) {
        // Persisted ranges are good until their TTL runs out, counted from
        // when they were resolved.
        s.good = p->second;
        int64_t age = std::max<int64_t>(0, UnixNow() - p->second.refreshed_unix);
        s.due = now + std::max<Clock::duration>(Clock::duration::zero(),
                                                Interval(p->second.ttl) - seconds(age));
      }
    }
    s.seed_ranges = cs.ranges.prefixes.size();
    next.emplace(cs.id, std::move(s));
  }
  senders_ = std::move(next);
  loaded_.clear();
  if (options_.active) RebuildRanges();
  wake_.notify_all();
}

std::shared_ptr<const config::RefreshedRanges> Refresher::ranges() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_.active ? ranges_ : nullptr;
}

void Refresher::Start(std::function<void()> on_change) {
  if (!options_.active || thread_.joinable()) return;
  on_change_ = std::move(on_change);
  thread_ = std::thread([this] { Run(); });
}

void Refresher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Refresher::Clock::duration Refresher::Interval(uint32_t ttl) {
  uint32_t s = std::clamp(ttl, options_.timing.min_interval_s, options_.timing.max_interval_s);
  // Up to a tenth earlier, never later: senders refreshed together drift
  // apart, and a changed record is still picked up within its TTL.
  milliseconds full(int64_t{s} * 1000);
  std::uniform_int_distribution<int64_t> early(0, full.count() / 10);
  return full - milliseconds(early(random_));
}

Refresher::Clock::duration Refresher::Backoff(int failures) {
  int doublings = std::min(failures - 1, 30);
  int64_t cap = options_.timing.retry_max_s;
  int64_t s = std::min(cap, int64_t{options_.timing.retry_initial_s} << doublings);
  // "Equal jitter": half fixed, half random, so retries of many senders
  // after one outage do not arrive together.
  std::uniform_int_distribution<int64_t> ms(s * 500, s * 1000);
  return milliseconds(ms(random_));
}

void Refresher::RebuildRanges() {
  auto ranges = std::make_shared<config::RefreshedRanges>();
  for (const auto& [id, s] : senders_) {
    if (s.good) ranges->senders[id] = {s.good->include, s.good->prefixes};
  }
  ranges_ = std::move(ranges);
}

PersistedRanges Refresher::Persisted() const {
  PersistedRanges out;
  for (const auto& [id, s] : senders_) {
    if (s.good) out[id] = *s.good;
  }
  return out;
}

void Refresher::Persist(const PersistedRanges& ranges) {
  if (options_.state_file.empty()) return;
  if (absl::Status st = WriteStateFile(options_.state_file, ranges); !st.ok()) {
    LogWarning("catalog refresh: could not save the ranges: %s", st.message());
  }
}

bool Refresher::Apply(const std::string& id, Sender& s, const spf::FlattenResult& r) {
  Clock::time_point now = Clock::now();
  size_t in_use = s.good ? s.good->prefixes.size() : s.seed_ranges;
  const char* kind = s.good ? "last good" : "seed";
  if (r.status.ok()) {
    bool changed = !s.good || s.good->prefixes != r.prefixes;
    ++s.ok;
    s.failures_in_a_row = 0;
    s.last_error.clear();
    s.good = PersistedSender{s.include, r.prefixes, UnixNow(), r.min_ttl};
    Clock::duration next = Interval(r.min_ttl);
    s.due = now + next;
    if (changed) {
      RebuildRanges();
      LogInfo("catalog refresh: %s (%s): %d ranges, replacing %d %s ones; %d look-ups; "
              "next in %d s", id, s.include, r.prefixes.size(), in_use, kind, r.lookups,
              Seconds(next));
    }
    return changed;
  }
  s.last_error = std::string(r.status.message());
  if (r.status.code() == absl::StatusCode::kUnavailable) {
    ++s.failed;
    Clock::duration next = Backoff(++s.failures_in_a_row);
    s.due = now + next;
    LogWarning("catalog refresh: %s (%s) failed: %s; keeping its %d %s ranges; retry in %d s",
               id, s.include, s.last_error, in_use, kind, Seconds(next));
    return false;
  }
  // The DNS answered, with something that cannot be trusted: ask again when
  // the answers expire, maybe the vendor has fixed it by then.
  ++s.rejected;
  s.failures_in_a_row = 0;
  Clock::duration next = Interval(r.min_ttl);
  s.due = now + next;
  LogWarning("catalog refresh: %s (%s) rejected: %s; keeping its %d %s ranges; next in %d s",
             id, s.include, s.last_error, in_use, kind, Seconds(next));
  return false;
}

void Refresher::Run() {
  absl::StatusOr<std::unique_ptr<spf::Dns>> dns = dns_factory_();
  if (!dns.ok()) {
    LogError("catalog refresh: %s; serving the seed and saved ranges only",
             dns.status().message());
    return;
  }
  StoppableDns guarded(**dns, stopping_);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto next = senders_.end();
    for (auto it = senders_.begin(); it != senders_.end(); ++it) {
      if (next == senders_.end() || it->second.due < next->second.due) next = it;
    }
    if (next == senders_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (Clock::time_point due = next->second.due; due > Clock::now()) {
      // A copy: SetCatalog may replace the sender while this waits. Woken
      // early by it or by Stop, look again.
      wake_.wait_until(lock, due);
      continue;
    }
    std::string id = next->first;
    std::string include = next->second.include;
    lock.unlock();
    spf::FlattenResult result = spf::Flatten(guarded, include, options_.limits);
    if (result.status.code() == absl::StatusCode::kUnavailable) {
      result.status = absl::UnavailableError(
          absl::StrCat(result.status.message(), FailureDetail(**dns)));
    }
    lock.lock();
    if (stop_) break;
    auto it = senders_.find(id);
    if (it == senders_.end() || it->second.include != include) continue;  // catalog changed
    bool changed = Apply(id, it->second, result);
    if (!result.status.ok()) continue;
    PersistedRanges persisted = Persisted();
    lock.unlock();
    Persist(persisted);  // every good result: its timestamp and TTL moved on
    if (changed && on_change_) on_change_();
    lock.lock();
  }
}

std::vector<SenderStatus> Refresher::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<SenderStatus> out;
  Clock::time_point now = Clock::now();
  system_clock::time_point sys_now = system_clock::now();
  for (const auto& [id, s] : senders_) {
    SenderStatus st;
    st.id = id;
    st.include = s.include;
    st.refreshed = options_.active && s.good.has_value();
    st.ranges = st.refreshed ? s.good->prefixes.size() : s.seed_ranges;
    st.ok = s.ok;
    st.failed = s.failed;
    st.rejected = s.rejected;
    if (st.refreshed) st.last_success = system_clock::time_point(seconds(s.good->refreshed_unix));
    if (options_.active) {
      st.next_attempt = sys_now + duration_cast<system_clock::duration>(s.due - now);
    }
    st.last_error = s.last_error;
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace dnsd::refresh
