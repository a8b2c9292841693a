// DMARC roll-out steps on a schedule: each step's tags from its second on,
// the short TTL of the ramp before it, and the schedule's checks; asked
// through the real query path at instants before, at and after each step.
#include <string>

#include "absl/strings/str_cat.h"
#include "config/family.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/dmarc/dmarc.h"
#include "policy/testing/family_test.h"

#include <ldns/ldns.h>

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::Brief;

constexpr UtcSeconds kStep1 = 1796893200;  // 2026-12-10T09:00:00Z
constexpr UtcSeconds kStep2 = 1797498000;  // 2026-12-17T09:00:00Z

// Monitor for now, quarantine in testing on the 10th, reject on the 17th;
// the TTL ramp is 30 minutes of 60 s.
constexpr absl::string_view kRollOut = R"(domain: example.com
mode: enforce
spf: {senders: [google]}
dmarc:
  p: none
  rua: ["mailto:d@example.com"]
  ttl_ramp: 30m
  schedule:
    - {at: 2026-12-10T09:00:00Z, p: quarantine, t: y}
    - {at: 2026-12-17T09:00:00Z, p: reject, t: n}
)";

class DmarcScheduleTest : public testing::FamilyTest {
 protected:
  // The DMARC TXT at `now`: "<ttl> <text>".
  std::string At(UtcSeconds now, absl::string_view yaml = kRollOut) {
    now_ = now;
    Serve({std::string(yaml)});
    ::dnsd::testing::RefereeMessage m = Ask("_dmarc.example.com", LDNS_RR_TYPE_TXT);
    if (m.answer.empty()) return "none";
    return absl::StrCat(m.answer[0].ttl, " ", m.answer[0].Text());
  }
};

TEST_F(DmarcScheduleTest, EachStepFromItsSecond) {
  const std::string rua = "rua=mailto:d@example.com";
  EXPECT_EQ(At(kStep1 - 3600), absl::StrCat("300 v=DMARC1; p=none; ", rua));
  EXPECT_EQ(At(kStep1), absl::StrCat("300 v=DMARC1; p=quarantine; t=y; ", rua));
  EXPECT_EQ(At(kStep2 - 3600), absl::StrCat("300 v=DMARC1; p=quarantine; t=y; ", rua));
  EXPECT_EQ(At(kStep2), absl::StrCat("300 v=DMARC1; p=reject; t=n; ", rua));
  EXPECT_EQ(At(kStep2 + 86400 * 365), absl::StrCat("300 v=DMARC1; p=reject; t=n; ", rua));
}

TEST_F(DmarcScheduleTest, TheTtlIsShortDuringTheRampBeforeAStep) {
  EXPECT_THAT(At(kStep1 - 1801), ::testing::StartsWith("300 v=DMARC1; p=none;"));
  EXPECT_THAT(At(kStep1 - 1800), ::testing::StartsWith("60 v=DMARC1; p=none;"));
  EXPECT_THAT(At(kStep1 - 1), ::testing::StartsWith("60 v=DMARC1; p=none;"));
  EXPECT_THAT(At(kStep1), ::testing::StartsWith("300 v=DMARC1; p=quarantine;"));
}

TEST_F(DmarcScheduleTest, BlockedPublishesRejectAtEveryStep) {
  std::string blocked(kRollOut);
  blocked.replace(blocked.find("mode: enforce"), 13, "mode: blocked");
  blocked.replace(blocked.find(", t: y"), 6, "");  // an error with blocked
  for (UtcSeconds now : {kStep1 - 1, kStep1, kStep2}) {
    EXPECT_THAT(At(now, blocked),
                ::testing::StartsWith("300 v=DMARC1; p=reject; np=reject; sp=reject;"))
        << now;
  }
  Loaded<DomainConfig> loaded = Load(blocked, "example.com.yaml");
  EXPECT_THAT(Brief(loaded.warnings), ElementsAre(HasSubstr("the schedule is kept but changes "
                                                            "nothing until the mode does")));
}

TEST_F(DmarcScheduleTest, TheTimelineHasEachStepAndItsRamp) {
  Loaded<DomainConfig> loaded = Load(kRollOut, "example.com.yaml");
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  std::vector<ScheduledChange> timeline = TimelineOf(*loaded.value);
  std::vector<std::string> lines;
  for (const ScheduledChange& c : timeline) lines.push_back(absl::StrCat(FormatUtc(c.at), " ", c.what));
  EXPECT_THAT(lines, ElementsAre(
                         "2026-12-10T09:00:00Z dmarc: p=quarantine t=y",
                         "2026-12-10T08:30:00Z dmarc: TTL 60 s until the step at 2026-12-10T09:00:00Z",
                         "2026-12-17T09:00:00Z dmarc: p=reject t=n",
                         "2026-12-17T08:30:00Z dmarc: TTL 60 s until the step at 2026-12-17T09:00:00Z"));
}

TEST_F(DmarcScheduleTest, ChecksTheSchedule) {
  auto errors = [&](absl::string_view mode, absl::string_view steps) {
    return Brief(Load(absl::StrCat("domain: example.com\nmode: ", mode,
                                   "\nspf: {senders: [google]}\ndmarc:\n  p: none\n"
                                   "  rua: [\"mailto:d@example.com\"]\n  schedule:\n",
                                   steps),
                      "example.com.yaml")
                     .errors);
  };
  EXPECT_THAT(errors("enforce", "    - {at: 2026-12-10T09:00:00Z, p: quarantine}\n"
                                "    - {at: 2026-12-10T09:00:00Z, p: reject}\n"),
              ElementsAre(HasSubstr("9:7: step at 2026-12-10T09:00:00Z must come after the step "
                                    "before it (2026-12-10T09:00:00Z)")));
  EXPECT_THAT(errors("enforce", "    - {at: 2026-12-10T09:00:00Z}\n"),
              ElementsAre(HasSubstr("8:7: a schedule step changes nothing")));
  EXPECT_THAT(errors("enforce", "    - {p: reject}\n"),
              ElementsAre(HasSubstr("missing required key 'at'")));
  EXPECT_THAT(errors("enforce", "    - {at: 2026-12-10, p: reject}\n"),
              ElementsAre(HasSubstr("8:12: dmarc.schedule.at: is not an RFC 3339 time")));
  EXPECT_THAT(errors("enforce", "    - {at: 2026-12-10T09:00:00Z, p: strict}\n"),
              ElementsAre(HasSubstr("8:37: dmarc.schedule.p: expected one of none, quarantine, reject")));
  // Monitor publishes none: a step above it is a mistake about the mode.
  EXPECT_THAT(errors("monitor", "    - {at: 2026-12-10T09:00:00Z, p: quarantine}\n"),
              ElementsAre(HasSubstr("mode monitor publishes none, not quarantine")));
  EXPECT_THAT(errors("blocked", "    - {at: 2026-12-10T09:00:00Z, t: y}\n"),
              ElementsAre(HasSubstr("a step with t: y would ask them to quarantine")));
  EXPECT_THAT(errors("enforce", "    - {at: 2026-12-10T09:00:00Z, p: quarantine}\n"), IsEmpty());
}

TEST_F(DmarcScheduleTest, AStepWithPctWarnsLikeTheSection) {
  Loaded<DomainConfig> loaded =
      Load(absl::StrCat(kRollOut, "    - {at: 2026-12-24T09:00:00Z, pct: 50}\n"), "example.com.yaml");
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_THAT(Brief(loaded.warnings), ElementsAre(HasSubstr("11:39: pct is historic")));
}

TEST_F(DmarcScheduleTest, TheSerialChangesExactlyAtEachStepAndRamp) {
  auto serial_at = [&](UtcSeconds now) {
    now_ = now;
    Serve({std::string(kRollOut)});
    return Ask("_dmarc.example.com", LDNS_RR_TYPE_SOA).answer.at(0).fields.at(2);
  };
  EXPECT_EQ(serial_at(kStep1 - 3600), serial_at(kStep1 - 1801));
  EXPECT_NE(serial_at(kStep1 - 1801), serial_at(kStep1 - 1800));  // the TTL ramp
  EXPECT_NE(serial_at(kStep1 - 1), serial_at(kStep1));
  EXPECT_EQ(serial_at(kStep1), serial_at(kStep2 - 1801));
}

}  // namespace
}  // namespace dnsd::config
