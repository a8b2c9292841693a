// PrefixTrie: lookups in both families, nesting order, edge lengths, and a
// randomised comparison with a linear scan (fixed seed).
#include "policy/spf/prefix_trie.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/spf/testing/spf_fixture.h"

namespace dnsd::spf {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Ip;
using testing::Prefix;

// Every visit as "{ids}", shortest prefix first.
std::vector<std::string> Visits(const PrefixTrie& trie, const IpAddress& ip) {
  std::vector<std::string> out;
  trie.Lookup(ip, [&](absl::Span<const uint32_t> ids) {
    out.push_back(absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
    return false;
  });
  return out;
}

std::vector<std::string> Visits(const PrefixTrie& trie, absl::string_view ip) {
  return Visits(trie, Ip(ip));
}

TEST(PrefixTrieTest, EmptyTrieFindsNothing) {
  PrefixTrie trie;
  trie.Finish();
  EXPECT_THAT(Visits(trie, "192.0.2.1"), IsEmpty());
  EXPECT_FALSE(trie.Contains(Ip("192.0.2.1"), 0));
  EXPECT_EQ(trie.node_count(), 0u);
}

TEST(PrefixTrieTest, IPv4AndIPv6) {
  PrefixTrie trie;
  trie.Insert(Prefix("192.0.2.0/24"), 1);
  trie.Insert(Prefix("2001:db8::/32"), 2);
  trie.Finish();
  EXPECT_THAT(Visits(trie, "192.0.2.0"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "192.0.2.255"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "192.0.3.0"), IsEmpty());
  EXPECT_THAT(Visits(trie, "192.0.1.255"), IsEmpty());
  EXPECT_THAT(Visits(trie, "2001:db8::1"), ElementsAre("{2}"));
  EXPECT_THAT(Visits(trie, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), ElementsAre("{2}"));
  EXPECT_THAT(Visits(trie, "2001:db9::"), IsEmpty());
  // IPv4 lives at ::ffff:0:0/96; the mapped form is the same address.
  EXPECT_THAT(Visits(trie, "::ffff:192.0.2.7"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "::192.0.2.7"), IsEmpty());
}

TEST(PrefixTrieTest, NestedPrefixesShortestFirst) {
  PrefixTrie trie;
  trie.Insert(Prefix("10.1.2.0/24"), 3);
  trie.Insert(Prefix("10.0.0.0/8"), 1);
  trie.Insert(Prefix("10.1.2.3/32"), 4);
  trie.Insert(Prefix("10.1.0.0/16"), 2);
  trie.Insert(Prefix("10.1.0.0/16"), 7);  // a second id at one prefix
  trie.Insert(Prefix("10.1.0.0/16"), 2);  // duplicates collapse
  trie.Finish();
  EXPECT_THAT(Visits(trie, "10.1.2.3"), ElementsAre("{1}", "{2,7}", "{3}", "{4}"));
  EXPECT_THAT(Visits(trie, "10.1.2.4"), ElementsAre("{1}", "{2,7}", "{3}"));
  EXPECT_THAT(Visits(trie, "10.1.3.4"), ElementsAre("{1}", "{2,7}"));
  EXPECT_THAT(Visits(trie, "10.2.3.4"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "11.1.2.3"), IsEmpty());
}

TEST(PrefixTrieTest, LookupStopsWhenVisitSaysSo) {
  PrefixTrie trie;
  trie.Insert(Prefix("10.0.0.0/8"), 1);
  trie.Insert(Prefix("10.1.0.0/16"), 2);
  trie.Insert(Prefix("10.1.2.0/24"), 3);
  trie.Finish();
  int calls = 0;
  bool found = trie.Lookup(Ip("10.1.2.3"), [&](absl::Span<const uint32_t> ids) {
    ++calls;
    return ids[0] == 2;
  });
  EXPECT_TRUE(found);
  EXPECT_EQ(calls, 2);
  calls = 0;
  found = trie.Lookup(Ip("10.1.2.3"), [&](absl::Span<const uint32_t>) {
    ++calls;
    return false;
  });
  EXPECT_FALSE(found);
  EXPECT_EQ(calls, 3);
}

TEST(PrefixTrieTest, WholeSpaceAndHostPrefixes) {
  PrefixTrie trie;
  trie.Insert(Prefix("::/0"), 1);         // everything, IPv4 included
  trie.Insert(Prefix("0.0.0.0/0"), 2);    // every IPv4 address
  trie.Insert(Prefix("192.0.2.1/32"), 3);
  trie.Insert(Prefix("2001:db8::1/128"), 4);
  trie.Insert(Prefix("::/128"), 5);
  trie.Insert(Prefix("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), 6);
  trie.Finish();
  EXPECT_THAT(Visits(trie, "192.0.2.1"), ElementsAre("{1}", "{2}", "{3}"));
  EXPECT_THAT(Visits(trie, "192.0.2.2"), ElementsAre("{1}", "{2}"));
  EXPECT_THAT(Visits(trie, "0.0.0.0"), ElementsAre("{1}", "{2}"));
  EXPECT_THAT(Visits(trie, "255.255.255.255"), ElementsAre("{1}", "{2}"));
  EXPECT_THAT(Visits(trie, "2001:db8::1"), ElementsAre("{1}", "{4}"));
  EXPECT_THAT(Visits(trie, "2001:db8::"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "::"), ElementsAre("{1}", "{5}"));
  EXPECT_THAT(Visits(trie, "::1"), ElementsAre("{1}"));
  EXPECT_THAT(Visits(trie, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ElementsAre("{1}", "{6}"));
}

TEST(PrefixTrieTest, OnlyAHostPrefix) {
  PrefixTrie trie;
  trie.Insert(Prefix("2001:db8::1/128"), 9);
  trie.Finish();
  EXPECT_THAT(Visits(trie, "2001:db8::1"), ElementsAre("{9}"));
  EXPECT_THAT(Visits(trie, "2001:db8::"), IsEmpty());
  EXPECT_THAT(Visits(trie, "2001:db8::3"), IsEmpty());
}

TEST(PrefixTrieTest, Contains) {
  PrefixTrie trie;
  trie.Insert(Prefix("203.0.113.0/24"), 0);
  trie.Insert(Prefix("203.0.0.0/16"), 5);
  trie.Insert(Prefix("2001:db8:1::/48"), 0);
  trie.Insert(Prefix("2001:db8:1:2::/64"), 3);
  trie.Finish();
  EXPECT_TRUE(trie.Contains(Ip("203.0.113.9"), 0));
  EXPECT_TRUE(trie.Contains(Ip("203.0.113.9"), 5));
  EXPECT_FALSE(trie.Contains(Ip("203.0.113.9"), 3));
  EXPECT_FALSE(trie.Contains(Ip("203.0.114.9"), 0));
  EXPECT_TRUE(trie.Contains(Ip("203.0.114.9"), 5));
  EXPECT_TRUE(trie.Contains(Ip("2001:db8:1:2::5"), 0));
  EXPECT_TRUE(trie.Contains(Ip("2001:db8:1:2::5"), 3));
  EXPECT_FALSE(trie.Contains(Ip("2001:db8:1:3::5"), 3));
  EXPECT_FALSE(trie.Contains(Ip("2001:db8:2::"), 0));
  // Ids never inserted, including ones past the largest.
  EXPECT_FALSE(trie.Contains(Ip("203.0.113.9"), 4));
  EXPECT_FALSE(trie.Contains(Ip("203.0.113.9"), 6));
  EXPECT_FALSE(trie.Contains(Ip("203.0.113.9"), 0xffffffffu));
}

// Splits happen whichever order the prefixes come in: every permutation of
// a set with shared stems, siblings and a parent gives the same answers.
TEST(PrefixTrieTest, EveryInsertionOrderGivesTheSameTrie) {
  std::vector<std::pair<IpPrefix, uint32_t>> prefixes = {
      {Prefix("10.0.0.0/8"), 1},    {Prefix("10.128.0.0/9"), 2}, {Prefix("10.0.0.0/9"), 3},
      {Prefix("10.64.0.0/10"), 4},  {Prefix("10.64.1.0/24"), 5}, {Prefix("11.0.0.0/8"), 6},
  };
  std::vector<IpAddress> probes;
  for (const char* ip : {"10.0.0.1", "10.128.0.1", "10.64.1.7", "10.64.2.7", "10.65.0.0",
                         "10.127.255.255", "11.1.1.1", "12.0.0.0", "9.255.255.255"}) {
    probes.push_back(Ip(ip));
  }
  std::vector<int> order = {0, 1, 2, 3, 4, 5};
  std::vector<std::vector<std::string>> expected;
  bool first = true;
  do {
    PrefixTrie trie;
    for (int i : order) trie.Insert(prefixes[i].first, prefixes[i].second);
    trie.Finish();
    std::vector<std::vector<std::string>> got;
    for (const IpAddress& ip : probes) got.push_back(Visits(trie, ip));
    if (first) {
      expected = got;
      first = false;
      EXPECT_THAT(expected[2], ElementsAre("{1}", "{3}", "{4}", "{5}"));
      EXPECT_THAT(expected[1], ElementsAre("{1}", "{2}"));
      EXPECT_THAT(expected[7], IsEmpty());
    } else {
      ASSERT_EQ(got, expected) << "order " << absl::StrJoin(order, ",");
    }
  } while (std::next_permutation(order.begin(), order.end()));
}

// A property test against a brute-force scan. Prefixes are drawn around a
// few stems so that they nest and split often.
class RandomPrefixes {
 public:
  explicit RandomPrefixes(uint32_t seed) : rng_(seed) {
    for (int i = 0; i < 6; ++i) stems_.push_back(RandomAddress());
    const uint8_t doc[4] = {198, 51, 100, 0};
    const uint8_t low[4] = {0, 0, 1, 2};
    stems_.push_back(IpAddress::FromV4(doc));
    stems_.push_back(IpAddress::FromV4(low));
  }

  // An address sharing a random number of leading bits with a stem.
  IpAddress Near() {
    IpAddress a = stems_[Uniform(0, static_cast<int>(stems_.size()) - 1)];
    int keep = Uniform(0, 128);
    if (a.is_v4() && Uniform(0, 3) != 0) keep = std::max(keep, 96);
    for (int bit = keep; bit < 128; ++bit) {
      if (Uniform(0, 1)) a.bytes[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
    return a;
  }

  IpPrefix NearPrefix() {
    IpPrefix p;
    p.address = Near();
    p.length = static_cast<uint8_t>(p.address.is_v4() && Uniform(0, 3) != 0 ? Uniform(96, 128)
                                                                          : Uniform(0, 128));
    for (int bit = p.length; bit < 128; ++bit) {
      p.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
    }
    return p;
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  IpAddress RandomAddress() {
    IpAddress a;
    for (uint8_t& b : a.bytes) b = static_cast<uint8_t>(Uniform(0, 255));
    return a;
  }

  std::mt19937 rng_;
  std::vector<IpAddress> stems_;
};

TEST(PrefixTrieTest, MatchesALinearScanOnRandomPrefixes) {
  RandomPrefixes random(20261122);
  for (int round = 0; round < 4; ++round) {
    std::vector<std::pair<IpPrefix, uint32_t>> stored;
    PrefixTrie trie;
    int n = 500 + round * 700;
    for (int i = 0; i < n; ++i) {
      IpPrefix p = random.NearPrefix();
      uint32_t id = static_cast<uint32_t>(random.Uniform(0, 300));
      stored.emplace_back(p, id);
      trie.Insert(p, id);
    }
    trie.Finish();

    int hits = 0;
    for (int probe = 0; probe < 3000; ++probe) {
      // Half the probes are a stored prefix's own address or its last one.
      IpAddress ip = random.Near();
      if (probe % 2 == 0) {
        const IpPrefix& p = stored[random.Uniform(0, n - 1)].first;
        ip = p.address;
        if (probe % 4 == 0) {
          for (int bit = p.length; bit < 128; ++bit) {
            ip.bytes[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
          }
        }
      }
      // Brute force: every containing prefix, grouped by length, ids sorted.
      std::vector<std::pair<int, uint32_t>> want;
      for (const auto& [p, id] : stored) {
        if (p.Contains(ip)) want.emplace_back(p.length, id);
      }
      std::sort(want.begin(), want.end());
      want.erase(std::unique(want.begin(), want.end()), want.end());
      std::vector<std::string> expected;
      for (size_t i = 0; i < want.size();) {
        std::vector<uint32_t> ids;
        size_t j = i;
        for (; j < want.size() && want[j].first == want[i].first; ++j) ids.push_back(want[j].second);
        expected.push_back(absl::StrCat("{", absl::StrJoin(ids, ","), "}"));
        i = j;
      }
      hits += !expected.empty();
      ASSERT_EQ(Visits(trie, ip), expected) << "round " << round << " ip " << FormatIpAddress(ip);
      // Contains agrees for a present and an absent id.
      uint32_t id = static_cast<uint32_t>(random.Uniform(0, 300));
      bool contains = std::any_of(want.begin(), want.end(),
                                  [&](const auto& w) { return w.second == id; });
      ASSERT_EQ(trie.Contains(ip, id), contains) << FormatIpAddress(ip) << " id " << id;
    }
    // The draw must exercise real nesting, not only misses.
    EXPECT_GT(hits, 1500) << "round " << round;
  }
}

}  // namespace
}  // namespace dnsd::spf
