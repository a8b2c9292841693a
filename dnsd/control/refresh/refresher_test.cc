#include "dnsd/control/refresh/refresher.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::refresh {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// TXT records only, changeable while the refresher reads them; "down"
// makes every look-up time out.
class TxtZone : public spf::Dns {
 public:
  void Set(const std::string& name, const std::string& text, uint32_t ttl = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    txt_[name] = {text, ttl};
  }
  void SetDown(bool down) { down_ = down; }
  int lookups() const { return lookups_; }

  spf::DnsAnswer Txt(absl::string_view n) override {
    ++lookups_;
    spf::DnsAnswer a;
    if (down_) return a;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = txt_.find(absl::AsciiStrToLower(n));
    a.outcome = it == txt_.end() ? spf::DnsOutcome::kNxDomain : spf::DnsOutcome::kOk;
    if (it != txt_.end()) {
      a.txt = {it->second.first};
      a.ttl = it->second.second;
    }
    return a;
  }
  spf::DnsAnswer A(absl::string_view) override { return Empty(); }
  spf::DnsAnswer Aaaa(absl::string_view) override { return Empty(); }
  spf::DnsAnswer Mx(absl::string_view) override { return Empty(); }
  spf::DnsAnswer Ptr(absl::string_view) override { return Empty(); }

 private:
  spf::DnsAnswer Empty() {
    spf::DnsAnswer a;
    a.outcome = down_ ? spf::DnsOutcome::kTempError : spf::DnsOutcome::kNxDomain;
    return a;
  }
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, uint32_t>> txt_;
  std::atomic<bool> down_{false};
  std::atomic<int> lookups_{0};
};

// A Dns the refresher owns that forwards to the test's zone.
class Forward : public spf::Dns {
 public:
  explicit Forward(spf::Dns& to) : to_(to) {}
  spf::DnsAnswer Txt(absl::string_view n) override { return to_.Txt(n); }
  spf::DnsAnswer A(absl::string_view n) override { return to_.A(n); }
  spf::DnsAnswer Aaaa(absl::string_view n) override { return to_.Aaaa(n); }
  spf::DnsAnswer Mx(absl::string_view n) override { return to_.Mx(n); }
  spf::DnsAnswer Ptr(absl::string_view n) override { return to_.Ptr(n); }

 private:
  spf::Dns& to_;
};

config::Catalog Catalog(std::map<std::string, std::string> includes) {
  config::Catalog c;
  for (const auto& [id, include] : includes) {
    config::Sender s;
    s.id = id;
    s.name = id;
    s.include = include;
    s.ranges.prefixes = {*ParseIpPrefix("198.18.0.0/15")};  // the seed
    c.senders.push_back(s);
  }
  return c;
}

std::string RangesOf(const Refresher& r, const std::string& id) {
  auto ranges = r.ranges();
  if (ranges == nullptr) return "<off>";
  auto it = ranges->senders.find(id);
  if (it == ranges->senders.end()) return "<seed>";
  std::string out;
  for (const IpPrefix& p : it->second.prefixes) {
    absl::StrAppend(&out, out.empty() ? "" : " ", FormatIpPrefix(p));
  }
  return out;
}

const SenderStatus* StatusOf(const std::vector<SenderStatus>& all, const std::string& id) {
  for (const SenderStatus& s : all) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

// Polls `done` for up to `limit`.
template <typename F>
bool WaitFor(F done, milliseconds limit = milliseconds(10000)) {
  auto deadline = steady_clock::now() + limit;
  while (steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return done();
}

class RefresherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/dnsd-refresher-test-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  RefresherOptions Options() {
    RefresherOptions o;
    o.active = true;
    o.timing.min_interval_s = 1;
    o.timing.max_interval_s = 2;
    o.timing.retry_initial_s = 1;
    o.timing.retry_max_s = 1;
    o.state_file = StateFilePath(dir_);
    o.resolvers = "test";
    return o;
  }

  std::unique_ptr<Refresher> Make(RefresherOptions o) {
    return std::make_unique<Refresher>(std::move(o), [this]() -> absl::StatusOr<std::unique_ptr<spf::Dns>> {
      return std::unique_ptr<spf::Dns>(new Forward(zone_));
    });
  }

  TxtZone zone_;
  std::string dir_;
  std::atomic<int> changes_{0};
};

TEST_F(RefresherTest, OffMeansSeedsAndNoThread) {
  RefresherOptions o = Options();
  o.active = false;
  auto r = Make(o);
  r->LoadState();
  r->SetCatalog(Catalog({{"vendor", "spf.vendor.test"}}));
  r->Start([this] { ++changes_; });
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(r->ranges(), nullptr);
  EXPECT_EQ(zone_.lookups(), 0);
  auto st = r->status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].ranges, 1u);
  EXPECT_FALSE(st[0].refreshed);
  EXPECT_FALSE(st[0].next_attempt.has_value());
}

TEST_F(RefresherTest, RefreshesPersistsAndFollowsChangesWithinTheTtl) {
  zone_.Set("spf.a.test", "v=spf1 ip4:192.0.2.0/24 -all");
  zone_.Set("spf.b.test", "v=spf1 ip6:2001:db8::/32 -all");
  auto r = Make(Options());
  r->SetCatalog(Catalog({{"a", "spf.a.test"}, {"b", "spf.b.test"}}));
  r->Start([this] { ++changes_; });
  ASSERT_TRUE(WaitFor([&] { return changes_ >= 2; }));
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
  EXPECT_EQ(RangesOf(*r, "b"), "2001:db8::/32");
  auto saved = ReadStateFile(StateFilePath(dir_));
  ASSERT_TRUE(saved.ok()) << saved.status();
  ASSERT_EQ(saved->count("a"), 1u);
  EXPECT_EQ(saved->at("a").include, "spf.a.test");
  EXPECT_EQ(saved->at("a").ttl, 1u);

  // The TTL is 1 s and the floor 1 s: a changed record is in use within
  // about a second (plus the look-up).
  auto changed_at = steady_clock::now();
  zone_.Set("spf.a.test", "v=spf1 ip4:203.0.113.0/24 -all");
  ASSERT_TRUE(WaitFor([&] { return RangesOf(*r, "a") == "203.0.113.0/24"; }));
  EXPECT_LT(steady_clock::now() - changed_at, milliseconds(2500));
  EXPECT_TRUE(WaitFor([&] { return changes_ == 3; }));
  auto st = r->status();
  const SenderStatus* a = StatusOf(st, "a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->refreshed);
  EXPECT_GE(a->ok, 2u);
  EXPECT_EQ(a->ranges, 1u);
  EXPECT_TRUE(a->last_success.has_value());
}

TEST_F(RefresherTest, OutageKeepsTheLastGoodRangesAndRetries) {
  zone_.Set("spf.a.test", "v=spf1 ip4:192.0.2.0/24 -all");
  auto r = Make(Options());
  r->SetCatalog(Catalog({{"a", "spf.a.test"}}));
  r->Start([this] { ++changes_; });
  ASSERT_TRUE(WaitFor([&] { return changes_ == 1; }));
  zone_.SetDown(true);
  ASSERT_TRUE(WaitFor([&] { return StatusOf(r->status(), "a")->failed >= 2; }));
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
  EXPECT_EQ(changes_, 1);
  EXPECT_NE(StatusOf(r->status(), "a")->last_error.find("look-up failed"), std::string::npos);
  zone_.SetDown(false);
  zone_.Set("spf.a.test", "v=spf1 ip4:198.51.100.0/24 -all");
  ASSERT_TRUE(WaitFor([&] { return RangesOf(*r, "a") == "198.51.100.0/24"; }));
  EXPECT_TRUE(StatusOf(r->status(), "a")->last_error.empty());
}

TEST_F(RefresherTest, RejectedResultsKeepTheLastGoodRanges) {
  zone_.Set("spf.a.test", "v=spf1 ip4:192.0.2.0/24 -all");
  auto r = Make(Options());
  r->SetCatalog(Catalog({{"a", "spf.a.test"}}));
  r->Start([this] { ++changes_; });
  ASSERT_TRUE(WaitFor([&] { return changes_ == 1; }));
  zone_.Set("spf.a.test", "v=spf1 ip4:203.0.113.0/24 include:spf.a.test -all");  // a loop
  ASSERT_TRUE(WaitFor([&] { return StatusOf(r->status(), "a")->rejected >= 1; }));
  EXPECT_NE(StatusOf(r->status(), "a")->last_error.find("loop"), std::string::npos);
  zone_.Set("spf.a.test", "v=spf1 -all");  // empty
  ASSERT_TRUE(WaitFor([&] {
    return StatusOf(r->status(), "a")->last_error.find("no address") != std::string::npos;
  }));
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
  EXPECT_EQ(changes_, 1);
  auto saved = ReadStateFile(StateFilePath(dir_));
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(FormatIpPrefix(saved->at("a").prefixes.at(0)), "192.0.2.0/24");
}

TEST_F(RefresherTest, SavedRangesServeBeforeAnyLookUpAndOnlyForTheSameInclude) {
  PersistedRanges saved;
  saved["a"] = {"spf.a.test", {*ParseIpPrefix("192.0.2.0/24")}, 1, 3600};
  saved["b"] = {"old.b.test", {*ParseIpPrefix("198.51.100.0/24")}, 1, 3600};
  saved["gone"] = {"spf.gone.test", {*ParseIpPrefix("203.0.113.0/24")}, 1, 3600};
  ASSERT_TRUE(WriteStateFile(StateFilePath(dir_), saved).ok());
  zone_.SetDown(true);  // no resolver reachable
  auto r = Make(Options());
  r->LoadState();
  // The first snapshot is compiled before SetCatalog: all saved ranges are
  // offered; compiling checks each against the catalog's include.
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
  r->SetCatalog(Catalog({{"a", "spf.a.test"}, {"b", "new.b.test"}}));
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
  EXPECT_EQ(RangesOf(*r, "b"), "<seed>");
  EXPECT_EQ(RangesOf(*r, "gone"), "<seed>");
  auto st = r->status();
  EXPECT_TRUE(StatusOf(st, "a")->refreshed);
  EXPECT_EQ(StatusOf(st, "a")->last_success, std::chrono::system_clock::time_point(
                                                  std::chrono::seconds(1)));
  r->Start([this] { ++changes_; });
  ASSERT_TRUE(WaitFor([&] { return StatusOf(r->status(), "a")->failed >= 1; }));
  EXPECT_EQ(RangesOf(*r, "a"), "192.0.2.0/24");
}

TEST_F(RefresherTest, CorruptStateFileIsIgnored) {
  std::ofstream(StateFilePath(dir_)) << "version: 1\nsenders: [\n";
  auto r = Make(Options());
  r->LoadState();
  EXPECT_EQ(RangesOf(*r, "a"), "<seed>");
  r->SetCatalog(Catalog({{"a", "spf.a.test"}}));
  EXPECT_EQ(RangesOf(*r, "a"), "<seed>");
}

TEST_F(RefresherTest, ChangedIncludeIsRefreshedAtOnce) {
  zone_.Set("spf.a.test", "v=spf1 ip4:192.0.2.0/24 -all", 3600);
  zone_.Set("new.a.test", "v=spf1 ip4:203.0.113.0/24 -all", 3600);
  RefresherOptions o = Options();
  o.timing.max_interval_s = 3600;
  o.timing.min_interval_s = 3600;
  auto r = Make(o);
  r->SetCatalog(Catalog({{"a", "spf.a.test"}}));
  r->Start([this] { ++changes_; });
  ASSERT_TRUE(WaitFor([&] { return changes_ == 1; }));
  r->SetCatalog(Catalog({{"a", "new.a.test"}}));
  // The ranges of an include no longer named are gone at once; the seed
  // serves until the new include is resolved, which the refresher thread
  // may already have done by now.
  std::string now = RangesOf(*r, "a");
  EXPECT_TRUE(now == "<seed>" || now == "203.0.113.0/24") << now;
  ASSERT_TRUE(WaitFor([&] { return RangesOf(*r, "a") == "203.0.113.0/24"; }));
}

TEST_F(RefresherTest, StopEndsALongRefreshPromptly) {
  // Each look-up takes 200 ms; Stop must not wait for a whole chain.
  class Slow : public TxtZone {
   public:
    spf::DnsAnswer Txt(absl::string_view n) override {
      std::this_thread::sleep_for(milliseconds(200));
      return TxtZone::Txt(n);
    }
  };
  static Slow slow;
  for (int i = 0; i < 9; ++i) {
    slow.Set(absl::StrCat("l", i, ".test"), absl::StrCat("v=spf1 include:l", i + 1, ".test -all"));
  }
  slow.Set("l9.test", "v=spf1 ip4:192.0.2.0/24 -all");
  RefresherOptions o = Options();
  auto r = std::make_unique<Refresher>(
      o, []() -> absl::StatusOr<std::unique_ptr<spf::Dns>> {
        return std::unique_ptr<spf::Dns>(new Forward(slow));
      });
  r->SetCatalog(Catalog({{"a", "l0.test"}}));
  r->Start([] {});
  std::this_thread::sleep_for(milliseconds(300));
  auto start = steady_clock::now();
  r->Stop();
  EXPECT_LT(steady_clock::now() - start, milliseconds(700));
}

}  // namespace
}  // namespace dnsd::refresh
