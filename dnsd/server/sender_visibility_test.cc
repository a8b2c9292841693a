#include "dnsd/server/sender_visibility.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace dnsd {
namespace {

using spf::Rule;

std::vector<DomainVisibility> ReadAll(const SenderVisibility& v, DomainVisibility* other) {
  std::vector<DomainVisibility> out;
  DomainVisibility rest;
  v.Read([&](const DomainVisibility& d) { out.push_back(d); }, rest);
  if (other != nullptr) *other = rest;
  return out;
}

IpAddress V4(uint32_t n) {
  uint8_t b[4] = {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16),
                  static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)};
  return IpAddress::FromV4(b);
}

TEST(SenderVisibility, OffRecordsNothing) {
  SenderVisibility v;
  v.Reset(0);
  v.Record("example.com", Rule::kDefault, "", nullptr);
  EXPECT_FALSE(v.enabled());
  EXPECT_TRUE(ReadAll(v, nullptr).empty());
}

TEST(SenderVisibility, CountsRulesAndSendersPerDomain) {
  SenderVisibility v;
  v.Reset(64);
  v.Record("a.example", Rule::kSenderRange, "office365", nullptr);
  v.Record("a.example", Rule::kSenderRange, "office365", nullptr);
  v.Record("a.example", Rule::kSenderHelo, "sendgrid", nullptr);
  v.Record("b.example", Rule::kNetblock, "", nullptr);
  std::vector<DomainVisibility> all = ReadAll(v, nullptr);
  ASSERT_EQ(all.size(), 2u);
  const DomainVisibility& a = all[0].domain == "a.example" ? all[0] : all[1];
  const DomainVisibility& b = all[0].domain == "a.example" ? all[1] : all[0];
  EXPECT_EQ(a.total, 3u);
  EXPECT_EQ(a.rules[static_cast<int>(Rule::kSenderRange)], 2u);
  EXPECT_EQ(a.rules[static_cast<int>(Rule::kSenderHelo)], 1u);
  ASSERT_EQ(a.senders.size(), 2u);
  EXPECT_EQ(a.senders[0], std::make_pair(std::string("office365"), uint64_t{2}));
  EXPECT_EQ(a.senders[1], std::make_pair(std::string("sendgrid"), uint64_t{1}));
  EXPECT_EQ(b.total, 1u);
  EXPECT_TRUE(b.senders.empty());
}

TEST(SenderVisibility, SendersPastTheSlotsCountAsOther) {
  SenderVisibility v;
  v.Reset(16);
  for (int i = 0; i < DomainVisibility::kSenderSlots + 3; ++i) {
    v.Record("a.example", Rule::kSenderRange, absl::StrCat("sender", i), nullptr);
  }
  std::vector<DomainVisibility> all = ReadAll(v, nullptr);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].senders.size(), static_cast<size_t>(DomainVisibility::kSenderSlots));
  EXPECT_EQ(all[0].other_senders, 3u);
}

TEST(SenderVisibility, EstimatesDistinctUnidentifiedIps) {
  for (uint32_t n : {0u, 1u, 10u, 100u, 1000u, 20000u}) {
    SenderVisibility v;
    v.Reset(16);
    for (uint32_t i = 0; i < n; ++i) {
      IpAddress ip = V4(0xc0000200 + i);
      v.Record("a.example", Rule::kDefault, "", &ip);
      v.Record("a.example", Rule::kDefault, "", &ip);  // repeats do not count
    }
    v.Record("a.example", Rule::kNetblock, "", nullptr);
    std::vector<DomainVisibility> all = ReadAll(v, nullptr);
    ASSERT_EQ(all.size(), 1u);
    double estimate = all[0].DistinctUnidentifiedIps();
    // 64 registers: standard error 13%; allow four of them.
    EXPECT_NEAR(estimate, n, n * 0.52 + 1) << n;
  }
}

TEST(SenderVisibility, BusyDomainsStayWhenOneOffDomainsFlood) {
  SenderVisibility v;
  v.Reset(16);
  for (int round = 0; round < 100; ++round) {
    for (int d = 0; d < 4; ++d) v.Record(absl::StrCat("busy", d, ".example"), Rule::kDefault, "", nullptr);
  }
  for (int i = 0; i < 5000; ++i) {
    v.Record(absl::StrCat("oneoff", i, ".example"), Rule::kDefault, "", nullptr);
    if (i % 10 == 0) {
      for (int d = 0; d < 4; ++d) v.Record(absl::StrCat("busy", d, ".example"), Rule::kDefault, "", nullptr);
    }
  }
  DomainVisibility other;
  std::vector<DomainVisibility> all = ReadAll(v, &other);
  EXPECT_LE(all.size(), 16u);
  uint64_t total = other.total;
  int busy = 0;
  for (const DomainVisibility& d : all) {
    total += d.total;
    if (d.domain.rfind("busy", 0) == 0) {
      ++busy;
      EXPECT_EQ(d.total, 100u + 500u) << d.domain;
    }
  }
  EXPECT_EQ(busy, 4);
  // Nothing is lost: every answer is in a domain's counts or in "other".
  EXPECT_EQ(total, 4u * 600u + 5000u);
  EXPECT_EQ(other.rules[static_cast<int>(Rule::kDefault)] +
                [&] {
                  uint64_t n = 0;
                  for (const auto& d : all) n += d.rules[static_cast<int>(Rule::kDefault)];
                  return n;
                }(),
            total);
}

TEST(SenderVisibility, ANewlyBusyDomainGetsIn) {
  SenderVisibility v;
  v.Reset(8);
  for (int i = 0; i < 8; ++i) v.Record(absl::StrCat("early", i, ".example"), Rule::kDefault, "", nullptr);
  for (int i = 0; i < 100; ++i) v.Record("late.example", Rule::kDefault, "", nullptr);
  bool found = false;
  for (const DomainVisibility& d : ReadAll(v, nullptr)) found |= d.domain == "late.example";
  EXPECT_TRUE(found);
}

TEST(SenderVisibility, LongNamesAreCutNotOverrun) {
  SenderVisibility v;
  v.Reset(8);
  std::string name(300, 'a');
  v.Record(name, Rule::kDefault, std::string(100, 's'), nullptr);
  std::vector<DomainVisibility> all = ReadAll(v, nullptr);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].domain, name.substr(0, SenderVisibility::kMaxDomain));
  ASSERT_EQ(all[0].senders.size(), 1u);
  EXPECT_EQ(all[0].senders[0].first.size(), SenderVisibility::kMaxSender);
}

TEST(SenderVisibility, AShorterDomainClaimingALongOnesSlotReadsBackWhole) {
  SenderVisibility v;
  v.Reset(8);
  for (int i = 0; i < 8; ++i) {
    v.Record(absl::StrCat("a-rather-long-customer-domain-name-", i, ".example"), Rule::kDefault,
             "", nullptr);
  }
  for (int i = 0; i < 100; ++i) v.Record("b.example", Rule::kDefault, "", nullptr);
  int found = 0;
  for (const DomainVisibility& d : ReadAll(v, nullptr)) {
    if (d.domain == "b.example") ++found;
    else EXPECT_TRUE(d.domain.starts_with("a-rather-long-customer-domain-name-")) << d.domain;
  }
  EXPECT_EQ(found, 1);
}

TEST(SenderVisibility, RecordingInStepsCountsAsRecordingAtOnce) {
  SenderVisibility at_once, in_steps;
  at_once.Reset(16);
  in_steps.Reset(16);
  IpAddress ip = V4(0xc0000201);
  for (int i = 0; i < 200; ++i) {
    std::string domain = absl::StrCat("d", i % 37, ".example");
    const char* sender = i % 3 == 0 ? "office365" : "";
    const IpAddress* unidentified = i % 5 == 0 ? &ip : nullptr;
    at_once.Record(domain, Rule::kSenderRange, sender, unidentified);
    uint64_t key = SenderVisibility::Key(domain);
    in_steps.Prefetch(key);
    in_steps.PrefetchSlot(key);
    in_steps.Record(key, domain, Rule::kSenderRange, sender, unidentified);
  }
  DomainVisibility other_a, other_b;
  std::vector<DomainVisibility> a = ReadAll(at_once, &other_a);
  std::vector<DomainVisibility> b = ReadAll(in_steps, &other_b);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].domain, b[i].domain);
    EXPECT_EQ(a[i].total, b[i].total);
    EXPECT_EQ(a[i].senders, b[i].senders);
    EXPECT_EQ(a[i].registers, b[i].registers);
  }
  EXPECT_EQ(other_a.total, other_b.total);
}

}  // namespace
}  // namespace dnsd
