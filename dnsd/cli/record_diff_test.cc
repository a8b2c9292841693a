#include "dnsd/cli/record_diff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(DiffLines, RemovedInOldOrderAddedInNewOrder) {
  LinesDiff d = DiffLines({"a", "b", "c"}, {"d", "c", "a", "e"});
  EXPECT_THAT(d.removed, ElementsAre("b"));
  EXPECT_THAT(d.added, ElementsAre("d", "e"));
}

TEST(DiffLines, OrderAloneIsNoDifference) {
  EXPECT_TRUE(DiffLines({"a", "b"}, {"b", "a"}).empty());
}

TEST(DiffLines, CountsRepeatedLines) {
  LinesDiff d = DiffLines({"a", "a", "b"}, {"a", "b", "b"});
  EXPECT_THAT(d.removed, ElementsAre("a"));
  EXPECT_THAT(d.added, ElementsAre("b"));
}

TEST(DiffDomains, ChangedAddedRemovedByNameUnchangedLeftOut) {
  DomainRecords before = {{"a.example", {"x"}}, {"b.example", {"y1", "y2"}}, {"c.example", {"z"}}};
  DomainRecords after = {{"b.example", {"y1", "y3"}}, {"c.example", {"z"}}, {"d.example", {"w"}}};
  std::vector<DomainDiff> d = DiffDomains(before, after);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].domain, "a.example");
  EXPECT_EQ(d[0].kind, DomainDiff::Kind::kRemoved);
  EXPECT_THAT(d[0].lines.removed, ElementsAre("x"));
  EXPECT_THAT(d[0].lines.added, IsEmpty());
  EXPECT_EQ(d[1].domain, "b.example");
  EXPECT_EQ(d[1].kind, DomainDiff::Kind::kChanged);
  EXPECT_THAT(d[1].lines.removed, ElementsAre("y2"));
  EXPECT_THAT(d[1].lines.added, ElementsAre("y3"));
  EXPECT_EQ(d[2].domain, "d.example");
  EXPECT_EQ(d[2].kind, DomainDiff::Kind::kAdded);
  EXPECT_THAT(d[2].lines.added, ElementsAre("w"));
}

TEST(DiffDomains, SameRecordsNoDiff) {
  DomainRecords same = {{"a.example", {"x", "y"}}};
  EXPECT_THAT(DiffDomains(same, same), IsEmpty());
  EXPECT_THAT(DiffDomains({}, {}), IsEmpty());
}

TEST(DiffDomains, AnAddedDomainWithNoRecordsIsStillReported) {
  std::vector<DomainDiff> d = DiffDomains({}, {{"empty.example", {}}});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].kind, DomainDiff::Kind::kAdded);
}

TEST(FormatDomainDiffs, MarksAndPrefixes) {
  std::vector<DomainDiff> d = DiffDomains({{"a.example", {"old"}}, {"gone.example", {"g"}}},
                                          {{"a.example", {"new"}}, {"new.example", {"n"}}});
  EXPECT_EQ(FormatDomainDiffs(d),
            "== a.example\n- old\n+ new\n"
            "== gone.example (removed)\n- g\n"
            "== new.example (added)\n+ n\n");
}

}  // namespace
}  // namespace dnsd::cli
