#include "dnsd/server/rate_limiter.h"

#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
// ldns last: its macros break standard headers.
#include <ldns/ldns.h>

namespace dnsd {
namespace {

using Action = RateLimiter::Action;

IpAddress Ip(const char* text) { return *ParseIpAddress(text); }
IpPrefix Prefix(const char* text) { return *ParseIpPrefix(text); }

RateLimiterOptions Options(uint32_t rate, uint32_t slip = 2) {
  RateLimiterOptions o;
  o.responses_per_second = rate;
  o.slip = slip;
  o.table_size = 1024;
  o.seed = 42;
  return o;
}

// How many of `n` answers to `client` at `now` go out whole.
int Sent(RateLimiter& rrl, const IpAddress& client, uint64_t now, int n,
         RateLimiter::SlipCounter& counter) {
  int sent = 0;
  for (int i = 0; i < n; ++i) sent += rrl.Check(client, now, counter) == Action::kSend;
  return sent;
}

TEST(RateLimiterTest, OneSecondsWorthAtOnceThenLimited) {
  RateLimiter rrl(Options(100));
  RateLimiter::SlipCounter c;
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.1"), 5000, 100, c), 100);
  EXPECT_NE(rrl.Check(Ip("192.0.2.1"), 5000, c), Action::kSend);
}

TEST(RateLimiterTest, RefillsContinuously) {
  RateLimiter rrl(Options(100));  // one answer per 10 ms
  RateLimiter::SlipCounter c;
  IpAddress client = Ip("192.0.2.1");
  ASSERT_EQ(Sent(rrl, client, 0, 200, c), 100);
  EXPECT_EQ(Sent(rrl, client, 9, 10, c), 0);
  EXPECT_EQ(Sent(rrl, client, 10, 10, c), 1);
  EXPECT_EQ(Sent(rrl, client, 35, 10, c), 2);  // 25 ms: 2.5 answers, the half kept
  EXPECT_EQ(Sent(rrl, client, 40, 10, c), 1);
  // Idle for a second or more: full again, never more.
  EXPECT_EQ(Sent(rrl, client, 5000, 200, c), 100);
}

TEST(RateLimiterTest, SteadyFloodGetsTheRate) {
  RateLimiter rrl(Options(200));
  RateLimiter::SlipCounter c;
  int sent = 0;
  // 10 queries per ms for 5 s: 50,000 queries.
  for (uint64_t ms = 1000; ms < 6000; ++ms) sent += Sent(rrl, Ip("198.51.100.7"), ms, 10, c);
  // The burst, then 200/s for the 4.999 s after the first millisecond.
  EXPECT_EQ(sent, 200 + 999);
}

TEST(RateLimiterTest, PrefixesShareABucket) {
  RateLimiter rrl(Options(10));
  RateLimiter::SlipCounter c;
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.1"), 0, 6, c), 6);
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.200"), 0, 6, c), 4);  // same /24
  EXPECT_EQ(Sent(rrl, Ip("192.0.3.1"), 0, 6, c), 6);    // another /24
  EXPECT_EQ(Sent(rrl, Ip("2001:db8:0:1::1"), 0, 6, c), 6);
  EXPECT_EQ(Sent(rrl, Ip("2001:db8:0:2::ffff"), 0, 6, c), 4);  // same /56
  EXPECT_EQ(Sent(rrl, Ip("2001:db8:0:100::1"), 0, 6, c), 6);   // another /56
  // An IPv4-mapped IPv6 client is its IPv4 address.
  EXPECT_EQ(Sent(rrl, Ip("::ffff:192.0.2.9"), 0, 1, c), 0);
}

TEST(RateLimiterTest, PrefixLengthsAreConfigurable) {
  RateLimiterOptions o = Options(10);
  o.ipv4_prefix = 32;
  o.ipv6_prefix = 128;
  RateLimiter rrl(o);
  EXPECT_EQ(FormatIpAddress(rrl.PrefixOf(Ip("192.0.2.77"))), "192.0.2.77");
  RateLimiter::SlipCounter c;
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.1"), 0, 10, c), 10);
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.2"), 0, 10, c), 10);
  RateLimiter default_lengths(Options(10));
  EXPECT_EQ(FormatIpAddress(default_lengths.PrefixOf(Ip("192.0.2.77"))), "192.0.2.0");
  EXPECT_EQ(FormatIpAddress(default_lengths.PrefixOf(Ip("2001:db8:aa:bbcc::1"))),
            "2001:db8:aa:bb00::");
}

std::vector<Action> Limited(uint32_t slip, int n) {
  RateLimiter rrl(Options(1, slip));
  RateLimiter::SlipCounter c;
  EXPECT_EQ(rrl.Check(Ip("203.0.113.5"), 0, c), Action::kSend);
  std::vector<Action> out;
  for (int i = 0; i < n; ++i) out.push_back(rrl.Check(Ip("203.0.113.5"), 0, c));
  return out;
}

TEST(RateLimiterTest, SlipSendsEveryNthLimitedAnswerTruncated) {
  using ::testing::ElementsAre;
  EXPECT_THAT(Limited(0, 4), ElementsAre(Action::kDrop, Action::kDrop, Action::kDrop,
                                         Action::kDrop));
  EXPECT_THAT(Limited(1, 3), ElementsAre(Action::kSlip, Action::kSlip, Action::kSlip));
  EXPECT_THAT(Limited(2, 4), ElementsAre(Action::kDrop, Action::kSlip, Action::kDrop,
                                         Action::kSlip));
  EXPECT_THAT(Limited(3, 6), ElementsAre(Action::kDrop, Action::kDrop, Action::kSlip,
                                         Action::kDrop, Action::kDrop, Action::kSlip));
}

TEST(RateLimiterTest, AllowListIsNeverLimited) {
  RateLimiterOptions o = Options(5);
  o.allow = {Prefix("192.0.2.0/24"), Prefix("198.51.100.7"), Prefix("2001:db8::/32")};
  RateLimiter rrl(o);
  RateLimiter::SlipCounter c;
  EXPECT_EQ(Sent(rrl, Ip("192.0.2.1"), 0, 1000, c), 1000);
  EXPECT_EQ(Sent(rrl, Ip("2001:db8:ffff::1"), 0, 1000, c), 1000);
  EXPECT_EQ(Sent(rrl, Ip("198.51.100.7"), 0, 1000, c), 1000);
  // Its /24 neighbour is not on the list; it shares the bucket 198.51.100.7
  // has emptied.
  EXPECT_EQ(Sent(rrl, Ip("198.51.100.8"), 0, 1000, c), 0);
  EXPECT_EQ(Sent(rrl, Ip("2001:db9::1"), 0, 1000, c), 5);
  EXPECT_EQ(c.limited, 995u + 1000u);
  EXPECT_TRUE(rrl.Allowed(Ip("192.0.2.255")));
  EXPECT_FALSE(rrl.Allowed(Ip("192.0.3.0")));
}

TEST(RateLimiterTest, TableSizeIsAPowerOfTwo) {
  RateLimiterOptions o = Options(5);
  o.table_size = 5000;
  EXPECT_EQ(RateLimiter(o).buckets(), 8192u);
  o.table_size = 1;
  EXPECT_EQ(RateLimiter(o).buckets(), 4u);
}

TEST(RateLimiterTest, NewPrefixesEvictQuietOnesNotLimitedOnes) {
  RateLimiterOptions o = Options(10);
  o.table_size = 4;  // one set of four buckets: every prefix competes
  RateLimiter rrl(o);
  RateLimiter::SlipCounter c;
  IpAddress flooded = Ip("203.0.113.1");
  ASSERT_EQ(Sent(rrl, flooded, 0, 50, c), 10);
  // A thousand forged sources, one answer each, in the same millisecond.
  for (int i = 0; i < 1000; ++i) {
    IpAddress other = Ip("10.0.0.0");
    other.bytes[13] = static_cast<uint8_t>(i >> 8);
    other.bytes[14] = static_cast<uint8_t>(i);
    EXPECT_EQ(rrl.Check(other, 0, c), Action::kSend);
  }
  // The flooded prefix kept its empty bucket.
  EXPECT_EQ(Sent(rrl, flooded, 0, 10, c), 0);
}

TEST(RateLimiterTest, ClockSkewAndWrap) {
  RateLimiter rrl(Options(10));
  RateLimiter::SlipCounter c;
  IpAddress client = Ip("192.0.2.1");
  ASSERT_EQ(Sent(rrl, client, 100000, 10, c), 10);
  // Another worker's batch began a little earlier: no refill, no harm.
  EXPECT_EQ(Sent(rrl, client, 99990, 5, c), 0);
  EXPECT_EQ(Sent(rrl, client, 100100, 5, c), 1);
  // Past the 32-bit millisecond wrap (49.7 days), the bucket counts as idle.
  EXPECT_EQ(Sent(rrl, client, 100100 + (uint64_t{1} << 32) - 1000000, 20, c), 10);
  // And at 32-bit overflow of the stored time itself.
  EXPECT_EQ(Sent(rrl, client, (uint64_t{1} << 32) - 5, 20, c), 10);
  EXPECT_EQ(Sent(rrl, client, (uint64_t{1} << 32) + 95, 20, c), 1);
}

TEST(RateLimiterTest, ThreadsSharingABucketDoNotExceedTheRate) {
  constexpr int kThreads = 4;
  RateLimiter rrl(Options(5000));
  // All threads start together on a bucket that already exists, so that
  // only the compare-and-swap stands between them.
  RateLimiter::SlipCounter setup;
  ASSERT_EQ(rrl.Check(Ip("192.0.2.1"), 0, setup), Action::kSend);
  std::atomic<int> sent{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      RateLimiter::SlipCounter c;
      while (!go.load()) {
      }
      sent += Sent(rrl, Ip("192.0.2.1"), 0, 20000, c);
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  // Lost races can only withhold answers, never add any.
  EXPECT_LE(sent.load(), 4999);
  EXPECT_GE(sent.load(), 4000);
}

// ---- SlipResponse ---------------------------------------------------------

std::vector<uint8_t> Response(bool with_opt) {
  std::vector<uint8_t> m = {0xab, 0xcd, 0x84, 0x00, 0, 1, 0, 1, 0, 1, 0, static_cast<uint8_t>(
                                                                         with_opt ? 2 : 1)};
  const uint8_t question[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 16, 0, 1};
  m.insert(m.end(), std::begin(question), std::end(question));
  // Answer: example.com TXT "hi" (compressed owner).
  const uint8_t answer[] = {0xc0, 12, 0, 16, 0, 1, 0, 0, 1, 44, 0, 3, 2, 'h', 'i'};
  m.insert(m.end(), std::begin(answer), std::end(answer));
  // Authority: example.com NS ns.example.com.
  const uint8_t ns[] = {0xc0, 12, 0, 2, 0, 1, 0, 0, 1, 44, 0, 5, 2, 'n', 's', 0xc0, 12};
  m.insert(m.end(), std::begin(ns), std::end(ns));
  // Additional: ns.example.com A, then OPT (payload 1232, DO).
  const uint8_t glue[] = {0xc0, 56, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 53};
  m.insert(m.end(), std::begin(glue), std::end(glue));
  if (with_opt) {
    const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0};
    m.insert(m.end(), std::begin(opt), std::end(opt));
  }
  return m;
}

ldns_pkt* Parse(const std::vector<uint8_t>& m) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, m.data(), m.size()), LDNS_STATUS_OK);
  return pkt;
}

TEST(SlipResponseTest, KeepsQuestionAndOptOnly) {
  std::vector<uint8_t> m = Response(true);
  ldns_pkt* before = Parse(m);
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(ldns_pkt_ancount(before), 1);
  ldns_pkt_free(before);

  m.resize(SlipResponse(m.data(), m.size()));
  EXPECT_EQ(m.size(), 12u + 17u + 11u);
  ldns_pkt* pkt = Parse(m);
  ASSERT_NE(pkt, nullptr);
  EXPECT_EQ(ldns_pkt_id(pkt), 0xabcd);
  EXPECT_TRUE(ldns_pkt_qr(pkt));
  EXPECT_TRUE(ldns_pkt_aa(pkt));
  EXPECT_TRUE(ldns_pkt_tc(pkt));
  EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_qdcount(pkt), 1);
  EXPECT_EQ(ldns_pkt_ancount(pkt), 0);
  EXPECT_EQ(ldns_pkt_nscount(pkt), 0);
  EXPECT_EQ(ldns_pkt_arcount(pkt), 0);  // ldns moves OPT out of the section
  EXPECT_TRUE(ldns_pkt_edns(pkt));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(pkt));
  ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  EXPECT_EQ(ldns_rr_get_type(q), LDNS_RR_TYPE_TXT);
  ldns_pkt_free(pkt);
}

TEST(SlipResponseTest, WithoutOpt) {
  std::vector<uint8_t> m = Response(false);
  m.resize(SlipResponse(m.data(), m.size()));
  ASSERT_EQ(m.size(), 12u + 17u);
  EXPECT_EQ(m[2], 0x86);  // QR AA TC
  EXPECT_EQ(m[11], 0);
  ldns_pkt* pkt = Parse(m);
  ASSERT_NE(pkt, nullptr);
  EXPECT_FALSE(ldns_pkt_edns(pkt));
  ldns_pkt_free(pkt);
}

TEST(SlipResponseTest, BrokenInputStaysInBounds) {
  std::vector<uint8_t> header_only = {1, 2, 0x80, 0x05, 0, 3, 0, 0, 0, 0, 0, 0, 9, 'x'};
  EXPECT_EQ(SlipResponse(header_only.data(), header_only.size()), 12u);
  EXPECT_EQ(header_only[5], 0);  // no question it could not walk
  EXPECT_EQ(header_only[3], 0x05);  // RCODE kept
  std::vector<uint8_t> tiny = {1, 2, 3};
  EXPECT_EQ(SlipResponse(tiny.data(), tiny.size()), 3u);
  // Random cuts and bytes: never past the end (ASan watches), never longer.
  std::mt19937 random(7);
  std::vector<uint8_t> full = Response(true);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> m = full;
    m.resize(12 + random() % (full.size() - 11));
    for (int flips = random() % 4; flips > 0; --flips) m[random() % m.size()] = random();
    // Exact-size heap copy, so that ASan catches a read one past the end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[m.size()]);
    std::copy(m.begin(), m.end(), copy.get());
    size_t size = SlipResponse(copy.get(), m.size());
    EXPECT_LE(size, m.size());
    EXPECT_GE(size, 12u);
    EXPECT_EQ(copy[2] & 0x02, 0x02);
  }
}

}  // namespace
}  // namespace dnsd
