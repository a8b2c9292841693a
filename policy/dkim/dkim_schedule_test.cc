// DKIM key rotation on a schedule: a selector's from, until and retain,
// asked through the real query path at instants before, at and after each.
#include <string>

#include "absl/strings/str_cat.h"
#include "config/family.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/dkim/test_keys.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Brief;

constexpr UtcSeconds kFrom = 1796893200;       // 2026-12-10T09:00:00Z
constexpr UtcSeconds kUntil = kFrom + 86400;   // 2026-12-11T09:00:00Z

// s2026 comes in at kFrom; s2025 goes out at kUntil and is kept revoked
// for a day.
std::string Rotation() {
  return absl::StrCat(R"(domain: example.com
dkim:
  s2025:
    p: )", testing::kRsa2048, R"(
    until: 2026-12-11T09:00:00Z
    retain: 1d
  s2026:
    p: )", testing::kRsa2048, R"(
    from: 2026-12-10T09:00:00Z
)");
}

class DkimScheduleTest : public testing::FamilyTest {
 protected:
  // What `selector`._domainkey.example.com answers at `now`: its TXT, or
  // the rcode's name when there is none.
  std::string At(UtcSeconds now, absl::string_view selector) {
    now_ = now;
    Serve({Rotation()});
    ::dnsd::testing::RefereeMessage m =
        Ask(absl::StrCat(selector, "._domainkey.example.com"), LDNS_RR_TYPE_TXT);
    if (m.answer.empty()) return m.rcode == LDNS_RCODE_NXDOMAIN ? "NXDOMAIN" : "NODATA";
    std::string text = m.answer[0].Text();
    return text.substr(0, text.find("; p=") + 4) + (text.size() > text.find("; p=") + 4 ? "KEY" : "");
  }
};

TEST_F(DkimScheduleTest, ASelectorAppearsAtItsFromSecond) {
  EXPECT_EQ(At(kFrom - 1, "s2026"), "NXDOMAIN");
  EXPECT_EQ(At(kFrom, "s2026"), "v=DKIM1; k=rsa; p=KEY");
  EXPECT_EQ(At(kFrom + 1, "s2026"), "v=DKIM1; k=rsa; p=KEY");
}

TEST_F(DkimScheduleTest, ASelectorIsRevokedAtUntilAndGoneAfterRetain) {
  EXPECT_EQ(At(kUntil - 1, "s2025"), "v=DKIM1; k=rsa; p=KEY");
  EXPECT_EQ(At(kUntil, "s2025"), "v=DKIM1; p=");
  EXPECT_EQ(At(kUntil + 86400 - 1, "s2025"), "v=DKIM1; p=");
  EXPECT_EQ(At(kUntil + 86400, "s2025"), "NXDOMAIN");
}

TEST_F(DkimScheduleTest, TheSnapshotKnowsItsNextChange) {
  now_ = kFrom - 10;
  Serve({Rotation()});
  EXPECT_EQ(snapshot_->as_of, kFrom - 10);
  EXPECT_EQ(snapshot_->next_change, kFrom);
  ASSERT_EQ(snapshot_->upcoming.size(), 3u);
  EXPECT_EQ(snapshot_->upcoming[0].first, "example.com");
  EXPECT_EQ(snapshot_->upcoming[0].second.what, "dkim: selector s2026 published");
  EXPECT_EQ(snapshot_->upcoming[1].second.what, "dkim: selector s2025 revoked (p=)");
  EXPECT_EQ(snapshot_->upcoming[2].second.what, "dkim: selector s2025 no longer served");
  now_ = kUntil + 86400;
  Serve({Rotation()});
  EXPECT_FALSE(snapshot_->next_change.has_value());
  EXPECT_THAT(snapshot_->upcoming, IsEmpty());
}

TEST_F(DkimScheduleTest, TheZoneSerialChangesExactlyAtEachInstant) {
  auto serial_at = [&](UtcSeconds now) {
    now_ = now;
    Serve({Rotation()});
    return Ask("_domainkey.example.com", LDNS_RR_TYPE_SOA).answer.at(0).fields.at(2);
  };
  EXPECT_EQ(serial_at(kFrom - 2), serial_at(kFrom - 1));
  EXPECT_NE(serial_at(kFrom - 1), serial_at(kFrom));
  EXPECT_EQ(serial_at(kFrom), serial_at(kUntil - 1));
  EXPECT_NE(serial_at(kUntil - 1), serial_at(kUntil));
  EXPECT_NE(serial_at(kUntil), serial_at(kUntil + 86400));
}

TEST_F(DkimScheduleTest, ReadsAndChecksTheSchedule) {
  Loaded<DomainConfig> loaded = Load(Rotation());
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const DkimSelector& old_key = loaded.value->dkim.selectors[0];
  EXPECT_EQ(old_key.schedule.until, kUntil);
  EXPECT_EQ(old_key.schedule.retain, 86400);
  EXPECT_EQ(loaded.value->dkim.selectors[1].schedule.from, kFrom);
  EXPECT_EQ(loaded.value->dkim.selectors[1].schedule.retain, 7 * 86400);  // the default

  auto selector = [](absl::string_view schedule) {
    return absl::StrCat("domain: example.com\ndkim:\n  s1:\n    revoked: true\n", schedule);
  };
  EXPECT_THAT(Errors(selector("    from: 2026-12-10T09:00:00Z\n    until: 2026-12-10T09:00:00Z\n")),
              ElementsAre(HasSubstr("6:12: dkim.s1.until: must come after from (2026-12-10T09:00:00Z)")));
  EXPECT_THAT(Errors(selector("    retain: 2d\n")),
              ElementsAre(HasSubstr("5:13: dkim.s1.retain: applies only with until")));
  EXPECT_THAT(Errors(selector("    from: 2026-12-10T10:00:00+01:00\n")),
              ElementsAre(HasSubstr("5:11: dkim.s1.from: is not in UTC")));
  EXPECT_THAT(Errors(selector("    until: next week\n")),
              ElementsAre(HasSubstr("5:12: dkim.s1.until: is not an RFC 3339 time in UTC")));
  EXPECT_THAT(Errors(selector("    until: 2026-12-10T09:00:00Z\n    retain: 1w\n")),
              ElementsAre(HasSubstr("6:13: dkim.s1.retain: is not a duration")));
}

TEST_F(DkimScheduleTest, WarnsWhenARotationLeavesNoKeyPublished) {
  // s2025 retires before s2026 arrives: a day with nothing to sign with.
  std::string gap = absl::StrCat(R"(domain: example.com
dkim:
  s2025:
    p: )", testing::kRsa2048, R"(
    until: 2026-12-10T09:00:00Z
  s2026:
    p: )", testing::kRsa2048, R"(
    from: 2026-12-11T09:00:00Z
)");
  now_ = kFrom - 100;
  Serve({gap});
  std::vector<std::string> messages;
  for (const Diagnostic& d : compile_errors_) messages.emplace_back(d.message.str());
  EXPECT_THAT(messages, ElementsAre(HasSubstr(
                            "from 2026-12-10T09:00:00Z on, no DKIM selector of example.com "
                            "publishes a key")));
  now_ = kFrom - 100;
  Serve({Rotation()});
  EXPECT_THAT(compile_errors_, IsEmpty());
}

TEST_F(DkimScheduleTest, TheTimelineListsEveryInstant) {
  Loaded<DomainConfig> loaded = Load(Rotation());
  ASSERT_TRUE(loaded.ok());
  std::vector<ScheduledChange> timeline = TimelineOf(*loaded.value);
  std::vector<std::string> lines;
  for (const ScheduledChange& c : timeline) lines.push_back(absl::StrCat(FormatUtc(c.at), " ", c.what));
  EXPECT_THAT(lines, ElementsAre("2026-12-11T09:00:00Z dkim: selector s2025 revoked (p=)",
                                 "2026-12-12T09:00:00Z dkim: selector s2025 no longer served",
                                 "2026-12-10T09:00:00Z dkim: selector s2026 published"));
}

}  // namespace
}  // namespace dnsd::config
