#include "config/timeline.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::HasSubstr;

TEST(ParseUtcTest, ReadsRfc3339InUtc) {
  EXPECT_EQ(*ParseUtc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseUtc("2026-12-10T09:00:00Z"), 1796893200);
  EXPECT_EQ(*ParseUtc("2026-12-10T09:00:00+00:00"), 1796893200);
  EXPECT_EQ(*ParseUtc("2026-12-10t09:00:00z"), 1796893200);
  EXPECT_EQ(FormatUtc(1796893200), "2026-12-10T09:00:00Z");
}

TEST(ParseUtcTest, RefusesOtherZonesFractionsAndNonsense) {
  EXPECT_THAT(ParseUtc("2026-12-10T10:00:00+01:00").status().message(), HasSubstr("not in UTC"));
  EXPECT_THAT(ParseUtc("2026-12-10T09:00:00.5Z").status().message(), HasSubstr("fraction"));
  EXPECT_THAT(ParseUtc("2026-12-10").status().message(), HasSubstr("RFC 3339"));
  EXPECT_THAT(ParseUtc("2026-13-10T09:00:00Z").status().message(), HasSubstr("RFC 3339"));
  EXPECT_THAT(ParseUtc("tomorrow").status().message(), HasSubstr("RFC 3339"));
  EXPECT_FALSE(ParseUtc("").ok());
}

TEST(ParseDurationSecondsTest, UnitsLargestFirst) {
  EXPECT_EQ(*ParseDurationSeconds("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDurationSeconds("36h"), 36 * 3600);
  EXPECT_EQ(*ParseDurationSeconds("1d12h"), 36 * 3600);
  EXPECT_EQ(*ParseDurationSeconds("90m"), 5400);
  EXPECT_EQ(*ParseDurationSeconds("0s"), 0);
  for (const char* bad : {"", "7", "d", "7w", "12h1d", "1h1h", "-1d", "1.5d", "9999999999s"}) {
    EXPECT_FALSE(ParseDurationSeconds(bad).ok()) << bad;
  }
}

TEST(PhaseAtTest, CountsPassedInstantsAndFindsTheNext) {
  std::vector<ScheduledChange> timeline = {{30, "c"}, {10, "a"}, {20, "b"}};
  EXPECT_EQ(PhaseAt(timeline, 9).passed, 0u);
  EXPECT_EQ(*PhaseAt(timeline, 9).next, 10);
  // At its second an instant has passed: the records change exactly then.
  EXPECT_EQ(PhaseAt(timeline, 10).passed, 1u);
  EXPECT_EQ(*PhaseAt(timeline, 10).next, 20);
  EXPECT_EQ(PhaseAt(timeline, 30).passed, 3u);
  EXPECT_FALSE(PhaseAt(timeline, 30).next.has_value());
  EXPECT_FALSE(PhaseAt({}, 5).next.has_value());
}

}  // namespace
}  // namespace dnsd::config
