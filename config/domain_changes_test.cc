#include "config/domain_changes.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::testing::ElementsAre;

DomainList List(std::initializer_list<std::pair<const char*, uint64_t>> domains) {
  DomainList list;
  for (auto [name, version] : domains) {
    DomainConfig d;
    d.domain = name;
    d.version = version;
    list.push_back(std::move(d));
  }
  return list;
}

TEST(DomainChangesTest, AddedRemovedAndChangedByVersion) {
  DomainList before = List({{"a.example", 1}, {"b.example", 2}, {"c.example", 3}});
  DomainList after = List({{"b.example", 2}, {"c.example", 7}, {"d.example", 8}});
  DomainChanges c = Diff(before, after);
  EXPECT_THAT(c.removed, ElementsAre("a.example"));
  EXPECT_THAT(c.changed, ElementsAre("c.example"));
  EXPECT_THAT(c.added, ElementsAre("d.example"));
  EXPECT_EQ(Summary(c), "changed c.example; added d.example; removed a.example");
  EXPECT_EQ(Summary(Diff(before, before)), "");
}

// What a server keeps between reloads, the compiled domains it serves
// (each with the read it was compiled from), gives the changes the models
// would.
TEST(DomainChangesTest, TheServedCompiledDomainsGiveTheSameChanges) {
  DomainList before = List({{"a.example", 1}, {"b.example", 2}, {"c.example", 3}});
  DomainList after = List({{"b.example", 2}, {"c.example", 7}, {"d.example", 8}});
  CompiledDomainList compiled;
  for (const DomainConfig& d : before) {
    auto c = std::make_shared<CompiledDomain>();
    c->version = d.version;
    c->Seal(d.domain, DomainDraft());
    compiled.push_back(std::move(c));
  }
  DomainChanges c = Diff(DomainVersions(compiled), after);
  DomainChanges want = Diff(before, after);
  EXPECT_EQ(c.removed, want.removed);
  EXPECT_EQ(c.changed, want.changed);
  EXPECT_EQ(c.added, want.added);
  EXPECT_THAT(c.removed, ElementsAre("a.example"));
  EXPECT_THAT(c.changed, ElementsAre("c.example"));
  EXPECT_THAT(c.added, ElementsAre("d.example"));
}

TEST(DomainChangesTest, SummaryNamesAFewAndCountsTheRest) {
  DomainList after = List({{"a.example", 1}, {"b.example", 1}, {"c.example", 1}});
  EXPECT_EQ(Summary(Diff(DomainList(), after), 2), "added a.example, b.example (+1 more)");
}

}  // namespace
}  // namespace dnsd::config
