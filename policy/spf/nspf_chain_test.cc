// The chain writer against a plain reference: the split as the compile
// once made it, with strings and a hash set, on random sources (long and
// short domains, IPv4 and IPv6, duplicates within and across senders).
#include "policy/spf/nspf_chain.h"

#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace dnsd::spf {
namespace {

struct Source {
  std::string domain;
  bool blocked = false;
  bool fail_all = false;
  std::vector<IpPrefix> netblocks;
  std::vector<std::vector<IpPrefix>> senders;
};

constexpr absl::string_view kZone = "_spf.provider.test";

std::string PartName(size_t i, const std::string& domain) {
  return i == 0 ? absl::StrCat(domain, "._nspf.", kZone)
                : absl::StrCat(domain, "._nspf", i + 1, ".", kZone);
}

// What fits a 1232-octet answer owned by `owner`, as nspf_chain.cc
// documents it: header, question, answer's fixed fields, OPT, and a length
// octet per 255 octets of text.
size_t Budget(const std::string& owner) {
  size_t room = 1232 - 12 - (owner.size() + 2 + 4) - 2 - 10 - 11;
  return room - (room + 255) / 256;
}

// The texts, or none when more than 7 parts are needed.
std::vector<std::string> Reference(const Source& s) {
  std::string all = s.blocked || s.fail_all ? "-all" : "~all";
  if (s.blocked) return {"v=spf1 -all"};
  std::vector<IpPrefix> prefixes;
  absl::flat_hash_set<IpPrefix> seen;
  for (const IpPrefix& p : s.netblocks) {
    if (seen.insert(p).second) prefixes.push_back(p);
  }
  for (const auto& ranges : s.senders) {
    for (const IpPrefix& p : ranges) {
      if (seen.insert(p).second) prefixes.push_back(p);
    }
  }
  std::vector<std::string> parts;
  std::string text = "v=spf1";
  auto link = [&] { return absl::StrCat(" include:", PartName(parts.size() + 1, s.domain), " ", all); };
  for (const IpPrefix& p : prefixes) {
    std::string term = absl::StrCat(p.is_v4() ? "ip4:" : "ip6:", FormatIpPrefix(p));
    if (text.size() + 1 + term.size() + link().size() > Budget(PartName(parts.size(), s.domain)) &&
        text != "v=spf1") {
      text += link();
      parts.push_back(text);
      text = "v=spf1";
    }
    absl::StrAppend(&text, " ", term);
  }
  absl::StrAppend(&text, " ", all);
  parts.push_back(text);
  if (parts.size() > kMaxNspfParts) return {};
  return parts;
}

IpPrefix RandomPrefix(std::mt19937& rng) {
  IpPrefix p;
  bool v4 = rng() % 3 != 0;
  if (v4) {
    // A small space, so that senders and netblocks repeat each other.
    uint8_t b[4] = {static_cast<uint8_t>(rng() % 4 + 10), static_cast<uint8_t>(rng() % 16),
                    static_cast<uint8_t>(rng()), 0};
    p.address = IpAddress::FromV4(b);
    p.length = static_cast<uint8_t>(96 + 16 + rng() % 17);
  } else {
    p.address.bytes[0] = 0x20;
    p.address.bytes[1] = 0x01;
    for (int i = 2; i < 16; ++i) p.address.bytes[i] = rng() % 4 == 0 ? static_cast<uint8_t>(rng()) : 0;
    p.length = static_cast<uint8_t>(16 + rng() % 113);
  }
  for (int bit = p.length; bit < 128; ++bit) {
    p.address.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  return p;
}

std::vector<std::string> Written(const Source& s, size_t* parts) {
  auto ranges = [&](size_t i) { return absl::Span<const IpPrefix>(s.senders[i]); };
  NspfSource source{.domain = s.domain,
                    .zone = kZone,
                    .blocked = s.blocked,
                    .fail_all = s.fail_all,
                    .netblocks = s.netblocks,
                    .sender_count = s.senders.size(),
                    .sender_ranges = ranges};
  *parts = CountNspfParts(source);
  std::vector<std::string> out;
  if (*parts == 0) return out;  // WriteNspfPart's requirement
  char text[kMaxNspfText];
  for (size_t i = 0; i < kMaxNspfParts; ++i) {
    size_t size = WriteNspfPart(source, i, text);
    if (size == 0) break;
    EXPECT_LE(size, kMaxNspfText);
    out.emplace_back(text, size);
  }
  return out;
}

TEST(NspfChainTest, WritesWhatTheReferenceSplitsOnRandomSources) {
  std::mt19937 rng(20261205);
  int chains = 0, too_long = 0, multi = 0;
  for (int round = 0; round < 600; ++round) {
    SCOPED_TRACE(round);
    Source s;
    size_t labels = 1 + rng() % 4;
    for (size_t i = 0; i < labels; ++i) {
      absl::StrAppend(&s.domain, i == 0 ? "" : ".", std::string(1 + rng() % 50, 'a' + rng() % 26));
    }
    s.blocked = rng() % 20 == 0;
    s.fail_all = rng() % 4 == 0;
    size_t scale = 1 + rng() % 4;  // mostly one part, some long chains
    for (size_t i = rng() % (20 * scale); i > 0; --i) s.netblocks.push_back(RandomPrefix(rng));
    for (size_t k = rng() % 6; k > 0; --k) {
      std::vector<IpPrefix> ranges;
      for (size_t i = rng() % (30 * scale); i > 0; --i) ranges.push_back(RandomPrefix(rng));
      s.senders.push_back(ranges);
    }
    // A sender named twice, or sharing another's ranges.
    if (!s.senders.empty() && rng() % 4 == 0) s.senders.push_back(s.senders.front());

    std::vector<std::string> want = Reference(s);
    size_t parts = 0;
    std::vector<std::string> got = Written(s, &parts);
    EXPECT_EQ(parts, want.size());
    if (want.empty()) {
      EXPECT_TRUE(got.empty());
      ++too_long;
      continue;
    }
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << "part " << i;
    ++chains;
    if (want.size() > 1) ++multi;
  }
  // The sources reached every case.
  EXPECT_GT(chains, 100);
  EXPECT_GT(multi, 20);
  EXPECT_GT(too_long, 5);
}

TEST(NspfChainTest, APartPastTheEndIsNotWritten) {
  Source s;
  s.domain = "example.com";
  std::mt19937 rng(1);
  s.netblocks = {RandomPrefix(rng)};
  size_t parts = 0;
  EXPECT_EQ(Written(s, &parts).size(), 1u);
  EXPECT_EQ(parts, 1u);
  char text[kMaxNspfText];
  auto none = [](size_t) { return absl::Span<const IpPrefix>(); };
  NspfSource source{.domain = s.domain, .zone = kZone, .netblocks = s.netblocks,
                    .sender_ranges = none};
  EXPECT_EQ(WriteNspfPart(source, 1, text), 0u);
  EXPECT_EQ(WriteNspfPart(source, kMaxNspfParts, text), 0u);
}

// The same sender named past kMaxNspfInputs times: few terms, but each a
// prefix to look at per query. Not written.
TEST(NspfChainTest, TooManyInputsAreNotWritten) {
  Source s;
  s.domain = "example.com";
  std::mt19937 rng(3);
  std::vector<IpPrefix> ranges;
  for (int i = 0; i < 100; ++i) ranges.push_back(RandomPrefix(rng));
  s.senders.assign(kMaxNspfInputs / 100, ranges);
  size_t parts = 0;
  EXPECT_GT(Written(s, &parts).size(), 0u) << "just within";
  s.senders.push_back(ranges);
  EXPECT_EQ(Written(s, &parts).size(), 0u);
  EXPECT_EQ(parts, 0u);
}

}  // namespace
}  // namespace dnsd::spf
