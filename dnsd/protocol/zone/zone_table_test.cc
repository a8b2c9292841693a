#include "dnsd/protocol/zone/zone_table.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "dnsd/protocol/answer/static_answer.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

using namespace wire;  // NOLINT: protocol constants
using ::testing::HasSubstr;

std::string W(absl::string_view text) { return NameFromText(text).value(); }

// One RRset of `type` with these RDATAs.
RRset Rr(uint16_t type, uint32_t ttl, std::initializer_list<std::string> rdatas) {
  RRsetBuilder b(type, ttl);
  for (const std::string& rdata : rdatas) b.Add(rdata);
  return b.Build();
}

Name Lower(absl::string_view text) {
  Name n;
  std::string wire = W(text);
  std::copy(wire.begin(), wire.end(), n.data);
  n.size = static_cast<uint8_t>(wire.size());
  n.IndexLabels();
  return n;
}

class ZoneTableTest : public ::testing::Test {
 protected:
  ZoneTableTest() {
    std::string soa = SoaRdata(W("ns1.provider.test"), W("hostmaster.provider.test"), 0, 3600,
                               600, 1209600, 60);
    common_.soa = Rr(kTypeSoa, 300, {soa});
    common_.soa_negative = Rr(kTypeSoa, 60, {soa});
    common_.ns = Rr(kTypeNs, 300, {W("ns1.provider.test")});
    txt_ = table_.Keep(Rr(kTypeTxt, 300, {TxtRdata("v=DMARC1; p=none")}));
    txt2_ = table_.Keep(Rr(kTypeTxt, 300, {TxtRdata("other")}));
    cname_ = table_.Keep(Rr(kTypeCname, 300, {W("target.vendor.test")}));
    a_ = table_.Keep(Rr(kTypeA, 300, {std::string("\xc0\x00\x02\x01", 4)}));
  }

  Zone* AddZone(absl::string_view apex, ZoneKind kind = ZoneKind{0}) {
    auto zone = table_.AddZone(W(apex), kind);
    EXPECT_TRUE(zone.ok()) << apex << ": " << zone.status();
    return zone.value_or(nullptr);
  }
  void Add(Zone* zone, absl::string_view owner, const RRset* rrset) {
    absl::Status s = table_.AddRRset(zone, W(owner), rrset);
    EXPECT_TRUE(s.ok()) << owner << ": " << s;
  }
  ZoneTable::Match Find(absl::string_view name) const { return table_.Find(Lower(name)); }

  ZoneCommon common_;
  ZoneTable table_;
  const RRset* txt_;
  const RRset* txt2_;
  const RRset* cname_;
  const RRset* a_;
};

TEST_F(ZoneTableTest, ExactMatch) {
  Zone* zone = AddZone("_dmarc.example.com");
  Add(zone, "_dmarc.example.com", txt_);
  EXPECT_EQ(zone->apex(), W("_dmarc.example.com"));
  EXPECT_EQ(zone->apex_labels, 3);

  ZoneTable::Match m = Find("_dmarc.example.com");
  EXPECT_EQ(m.zone, zone);
  ASSERT_NE(m.node, nullptr);
  EXPECT_TRUE(m.node->apex());
  EXPECT_EQ(m.node->zone(), zone);
  EXPECT_EQ(m.node->Find(kTypeTxt), txt_);
  EXPECT_EQ(m.node->Find(kTypeA), nullptr);
}

TEST_F(ZoneTableTest, EmptyNonTerminalExistsAndAnswersNoData) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  Add(zone, "s1.2024._domainkey.example.com", txt_);

  ZoneTable::Match ent = Find("2024._domainkey.example.com");
  EXPECT_EQ(ent.zone, zone);
  ASSERT_NE(ent.node, nullptr);
  EXPECT_TRUE(ent.node->rrsets.empty());
  EXPECT_FALSE(ent.node->apex());

  // RFC 8020: an ENT is NOERROR/NODATA, never NXDOMAIN.
  Query q;
  q.name = Lower("2024._domainkey.example.com");
  q.qtype = kTypeTxt;
  Answer a;
  AnswerFromZone(ent, common_, q, &a);
  EXPECT_EQ(a.rcode, kNoError);
  EXPECT_TRUE(a.authoritative);
  EXPECT_EQ(a.answer_count, 0);
  ASSERT_EQ(a.authority_count, 1);
  EXPECT_EQ(a.authority[0].records, common_.soa_negative.records);
  EXPECT_EQ(a.authority[0].owner_label, 1);  // the apex: one label up
  EXPECT_TRUE(a.authority[0].patch_serial);

  // A sibling that does not exist is NXDOMAIN in the same zone.
  ZoneTable::Match none = Find("2025._domainkey.example.com");
  EXPECT_EQ(none.zone, zone);
  EXPECT_EQ(none.node, nullptr);
  Query q2;
  q2.name = Lower("x.2025._domainkey.example.com");
  q2.qtype = kTypeTxt;
  Answer nx;
  AnswerFromZone(Find("x.2025._domainkey.example.com"), common_, q2, &nx);
  EXPECT_EQ(nx.rcode, kNxDomain);
  ASSERT_EQ(nx.authority_count, 1);
  EXPECT_EQ(nx.authority[0].owner_label, 2);
}

// Owners with records set the bound; empty non-terminals, apexes and
// rejected records do not.
TEST_F(ZoneTableTest, MaxOwnerLabelsCountsOwnersWithRecords) {
  EXPECT_EQ(table_.max_owner_labels(), 0);
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  EXPECT_EQ(table_.max_owner_labels(), 0);
  ASSERT_TRUE(table_.AddRRset(zone, W("s1._domainkey.example.com"), txt_).ok());
  EXPECT_EQ(table_.max_owner_labels(), 4);
  ASSERT_TRUE(table_.AddRRset(zone, W("a.b.c._domainkey.example.com"), txt_).ok());
  EXPECT_EQ(table_.max_owner_labels(), 6);
  EXPECT_FALSE(table_.AddRRset(zone, W("x.y.z.w.v._domainkey.other.com"), txt_).ok());
  EXPECT_FALSE(table_.AddRRset(zone, W("a.b.c._domainkey.example.com"), txt2_).ok());
  EXPECT_EQ(table_.max_owner_labels(), 6);
  ASSERT_TRUE(table_.AddRRset(zone, W("s2._domainkey.example.com"), txt_).ok());
  EXPECT_EQ(table_.max_owner_labels(), 6);
}

TEST_F(ZoneTableTest, ClosestZoneByLongestSuffix) {
  Zone* parent = AddZone("provider.test", ZoneKind{2});
  Zone* child = AddZone("_dmarc.provider.test", ZoneKind{2});
  Add(parent, "www.provider.test", a_);
  Add(child, "example.com._dmarc.provider.test", txt_);

  EXPECT_EQ(Find("www.provider.test").zone, parent);
  EXPECT_EQ(Find("nope.provider.test").zone, parent);
  EXPECT_EQ(Find("nope.provider.test").node, nullptr);
  EXPECT_EQ(Find("a.b.c.provider.test").zone, parent);
  EXPECT_EQ(Find("provider.test").zone, parent);

  ZoneTable::Match apex = Find("_dmarc.provider.test");
  EXPECT_EQ(apex.zone, child);
  ASSERT_NE(apex.node, nullptr);
  EXPECT_TRUE(apex.node->apex());
  EXPECT_EQ(Find("example.com._dmarc.provider.test").zone, child);
  EXPECT_EQ(Find("com._dmarc.provider.test").zone, child);  // ENT
  EXPECT_NE(Find("com._dmarc.provider.test").node, nullptr);
  EXPECT_EQ(Find("x.y.example.org._dmarc.provider.test").zone, child);
  EXPECT_EQ(Find("x.y.example.org._dmarc.provider.test").node, nullptr);
  // A label that only ends like the child's apex is the parent's.
  EXPECT_EQ(Find("x_dmarc.provider.test").zone, parent);
}

TEST_F(ZoneTableTest, NamesOutsideEveryZoneHaveNoZone) {
  Zone* zone = AddZone("_dmarc.example.com");
  Add(zone, "_dmarc.example.com", txt_);
  for (absl::string_view name : {"example.com", "com", ".", "_dmarc.example.org",
                                 "x_dmarc.example.com", "_dmarc.example.com.evil.test"}) {
    ZoneTable::Match m = Find(name);
    EXPECT_EQ(m.zone, nullptr) << name;  // the pipeline answers REFUSED
    EXPECT_EQ(m.node, nullptr) << name;
  }
}

TEST_F(ZoneTableTest, AZoneThatWouldHideAnotherZonesNamesIsRejected) {
  Zone* parent = AddZone("example.com");
  Add(parent, "a.sub.example.com", txt_);   // makes sub.example.com an ENT of parent
  auto child = table_.AddZone(W("sub.example.com"), ZoneKind{0});
  ASSERT_FALSE(child.ok());
  EXPECT_EQ(child.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(child.status().message(), HasSubstr("would be hidden by zone sub.example.com."));
  EXPECT_EQ(table_.FindZoneByApex(W("sub.example.com")), nullptr);
  EXPECT_EQ(Find("a.sub.example.com").zone, parent);
}

TEST_F(ZoneTableTest, ANameBelowAnotherZoneIsRejected) {
  Zone* parent = AddZone("example.com");
  AddZone("sub.example.com");
  absl::Status s = table_.AddRRset(parent, W("deep.a.sub.example.com"), txt_);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(s.message(), HasSubstr("hidden by zone sub.example.com."));
  EXPECT_EQ(table_.FindNode(W("a.sub.example.com")), nullptr);
  EXPECT_EQ(table_.node_count(), 2u);
}

// A zone is found through its apex node, and a name without a node
// through the first node above it, whatever that node is (an apex, an
// empty non-terminal, a name with records): each is in the closest zone.
TEST_F(ZoneTableTest, ANameWithoutANodeIsInTheZoneOfTheFirstNodeAboveIt) {
  Zone* parent = AddZone("example.com");
  Zone* dmarc = AddZone("_dmarc.example.com");
  Add(parent, "a.b.example.com", txt_);  // b.example.com: an empty non-terminal
  EXPECT_EQ(table_.zone_count(), 2u);
  EXPECT_EQ(Find("x.a.b.example.com").zone, parent);
  EXPECT_EQ(Find("x.y.b.example.com").zone, parent);
  EXPECT_EQ(Find("x.y._dmarc.example.com").zone, dmarc);
  EXPECT_EQ(Find("x.example.com").zone, parent);
  EXPECT_EQ(Find("example.org").zone, nullptr);
  EXPECT_EQ(table_.FindZoneByApex(W("_dmarc.example.com")), dmarc);
  EXPECT_EQ(table_.FindZoneByApex(W("b.example.com")), nullptr);  // a node, not an apex
  std::vector<const Zone*> zones;
  table_.ForEachZone([&zones](const Zone& zone) { zones.push_back(&zone); });
  EXPECT_THAT(zones, ::testing::UnorderedElementsAre(parent, dmarc));
  // Gone, its names fall to the parent.
  table_.RemoveZone(dmarc);
  EXPECT_EQ(table_.zone_count(), 1u);
  EXPECT_EQ(Find("x.y._dmarc.example.com").zone, parent);
  EXPECT_EQ(table_.FindZoneByApex(W("_dmarc.example.com")), nullptr);
  // A zone made again at the same apex is found again.
  Zone* again = AddZone("_dmarc.example.com");
  EXPECT_EQ(Find("x._dmarc.example.com").zone, again);
  EXPECT_EQ(table_.zone_count(), 2u);
}

// Removing what was added leaves the table as if it never had been: empty
// non-terminals go with the last name below them, the label bound follows.
TEST_F(ZoneTableTest, RemovingNamesAndZonesUndoesAdding) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  Add(zone, "a.b._domainkey.example.com", txt_);
  Add(zone, "c.b._domainkey.example.com", txt_);
  Add(zone, "c.b._domainkey.example.com", a_);
  EXPECT_EQ(table_.node_count(), 4u);  // apex, b (ENT), a.b, c.b
  EXPECT_EQ(table_.max_owner_labels(), 5);
  // Names below b, not counting the apex: each owner once, whatever its
  // RRsets.
  EXPECT_EQ(table_.Below(W("b._domainkey.example.com")), 2u);
  EXPECT_EQ(table_.Below(W("_domainkey.example.com")), 0u);
  EXPECT_EQ(table_.Below(W("a.b._domainkey.example.com")), 0u);
  table_.RemoveRRset(W("a.b._domainkey.example.com"), kTypeTxt);
  ASSERT_NE(table_.FindNode(W("b._domainkey.example.com")), nullptr);  // c.b is still below
  EXPECT_EQ(table_.Below(W("b._domainkey.example.com")), 1u);
  table_.RemoveRRset(W("c.b._domainkey.example.com"), kTypeTxt);
  EXPECT_EQ(table_.node_count(), 3u);  // c.b keeps its A record
  EXPECT_EQ(table_.Below(W("b._domainkey.example.com")), 1u);
  table_.RemoveRRset(W("c.b._domainkey.example.com"), kTypeA);
  EXPECT_EQ(table_.FindNode(W("b._domainkey.example.com")), nullptr);
  EXPECT_EQ(table_.Below(W("b._domainkey.example.com")), 0u);
  EXPECT_EQ(table_.node_count(), 1u);
  EXPECT_EQ(table_.max_owner_labels(), 0);
  table_.RemoveZone(zone);
  EXPECT_EQ(table_.node_count(), 0u);
  EXPECT_EQ(table_.zone_count(), 0u);
  EXPECT_EQ(Find("a.b._domainkey.example.com").zone, nullptr);
}

// A fork shares what it does not change: edits to it never show in the
// table it was forked from.
TEST_F(ZoneTableTest, AForkIsEditedWithoutChangingTheOriginal) {
  Zone* zone = AddZone("_dmarc.provider.test", ZoneKind{2});
  Add(zone, "a.example._dmarc.provider.test", txt_);
  Add(zone, "b.example._dmarc.provider.test", txt_);
  table_.Freeze();  // as a published table is
  ZoneTable fork = table_.Fork();
  fork.RemoveRRset(W("a.example._dmarc.provider.test"), kTypeTxt);
  ASSERT_TRUE(fork.AddRRset(zone, W("c.example._dmarc.provider.test"), txt2_).ok());
  ASSERT_TRUE(fork.AddRRset(zone, W("b.example._dmarc.provider.test"), a_).ok());
  EXPECT_EQ(fork.FindNode(W("a.example._dmarc.provider.test")), nullptr);
  ASSERT_NE(fork.FindNode(W("c.example._dmarc.provider.test")), nullptr);
  EXPECT_EQ(fork.FindNode(W("b.example._dmarc.provider.test"))->rrsets.size(), 2u);
  ASSERT_NE(table_.FindNode(W("a.example._dmarc.provider.test")), nullptr);
  EXPECT_EQ(table_.FindNode(W("c.example._dmarc.provider.test")), nullptr);
  EXPECT_EQ(table_.FindNode(W("b.example._dmarc.provider.test"))->rrsets.size(), 1u);
  EXPECT_EQ(table_.node_count(), 4u);  // apex, a, b, example (ENT)
  EXPECT_EQ(fork.node_count(), 4u);    // apex, b, c, example (ENT)
  // Nor do later edits of the original show in the fork, frozen or not.
  fork.Freeze();
  table_.RemoveRRset(W("b.example._dmarc.provider.test"), kTypeTxt);
  EXPECT_EQ(fork.FindNode(W("b.example._dmarc.provider.test"))->rrsets.size(), 2u);
  EXPECT_EQ(fork.Find(Lower("c.example._dmarc.provider.test")).zone, zone);
}

// Nodes keyed by views of their owners' bytes (KeyBytes::kView, as a
// compiled domain's names are linked) take copies when they outlive the
// names that lent the bytes: an empty non-terminal left by a removed
// name, a name that keeps other records, an apex whose zone went first.
TEST_F(ZoneTableTest, NodesThatOutliveTheirLendersTakeCopies) {
  Zone* spf = AddZone("_spf.provider.test", ZoneKind{3});
  std::string parent = W("example.com._nspf._spf.provider.test");
  std::string child = W("mail.example.com._nspf._spf.provider.test");
  std::string both = W("x._nspf._spf.provider.test");
  std::string both_again = both;  // a second lender, at the same name
  ASSERT_TRUE(table_.AddRRset(spf, parent, txt_, KeyBytes::kView).ok());
  ASSERT_TRUE(table_.AddRRset(spf, child, txt2_, KeyBytes::kView).ok());
  ASSERT_TRUE(table_.AddRRset(spf, both, txt_, KeyBytes::kView).ok());
  ASSERT_TRUE(table_.AddRRset(spf, both_again, a_, KeyBytes::kView).ok());
  std::string dmarc_name = W("_dmarc.example.com");
  Zone dmarc;  // owned elsewhere, as a compiled domain's zone is
  dmarc.set_apex(dmarc_name);
  dmarc.apex_labels = 3;
  ASSERT_TRUE(table_.AddZone(&dmarc).ok());
  ASSERT_TRUE(table_.AddRRset(&dmarc, dmarc.apex(), txt_, KeyBytes::kView).ok());

  ZoneTable fork = table_.Fork();
  fork.RemoveRRset(parent, kTypeTxt);  // stays: `child` is below it
  fork.RemoveRRset(both, kTypeTxt);    // stays: its A record
  fork.RemoveZone(&dmarc);             // stays: its TXT record
  const std::string dmarc_apex(dmarc.apex());
  // The lenders' bytes change. (The table forked from still views them:
  // it is not looked at again.)
  for (std::string* lender : {&parent, &both, &both_again, &dmarc_name}) {
    lender->assign(lender->size(), '#');
  }
  const Node* ent = fork.FindNode(W("example.com._nspf._spf.provider.test"));
  ASSERT_NE(ent, nullptr);
  EXPECT_TRUE(ent->rrsets.empty());
  EXPECT_EQ(fork.Below(W("example.com._nspf._spf.provider.test")), 1u);
  const Node* kept = fork.FindNode(W("x._nspf._spf.provider.test"));
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->Find(kTypeA), a_);
  const Node* apex = fork.FindNode(dmarc_apex);
  ASSERT_NE(apex, nullptr);
  EXPECT_FALSE(apex->apex());
  EXPECT_EQ(apex->Find(kTypeTxt), txt_);
  EXPECT_EQ(fork.FindNode(child)->Find(kTypeTxt), txt2_);  // still viewing `child`
  size_t nodes = 0;
  fork.ForEachNode([&](absl::string_view owner, const Node&) {
    ++nodes;
    EXPECT_EQ(owner.find('#'), absl::string_view::npos) << "a node views changed bytes";
  });
  EXPECT_EQ(nodes, fork.node_count());
}

// A provider zone's names point at its stand-in; each table serves its
// own copy of the zone, with its own serial.
TEST_F(ZoneTableTest, EachForkHasItsOwnProviderZoneSerial) {
  auto stand_in = table_.AddProviderZone(W("_spf.provider.test"), ZoneKind{3});
  ASSERT_TRUE(stand_in.ok()) << stand_in.status();
  ASSERT_TRUE(table_.AddRRset(*stand_in, W("x._nspf._spf.provider.test"), txt_).ok());
  table_.ProviderZone(W("_spf.provider.test"))->serial = 1;
  ZoneTable fork = table_.Fork();
  auto again = fork.AddProviderZone(W("_spf.provider.test"), ZoneKind{3});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *stand_in);
  fork.ProviderZone(W("_spf.provider.test"))->serial = 2;
  EXPECT_EQ(Find("x._nspf._spf.provider.test").zone->serial, 1u);
  EXPECT_EQ(fork.Find(Lower("x._nspf._spf.provider.test")).zone->serial, 2u);
  EXPECT_EQ(fork.Find(Lower("y._spf.provider.test")).zone->serial, 2u);
  EXPECT_EQ(fork.ZoneOf(*fork.FindNode(W("x._nspf._spf.provider.test"))).serial, 2u);
}

TEST_F(ZoneTableTest, CnameConflictsAreRejected) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  Add(zone, "s1._domainkey.example.com", txt_);
  absl::Status beside_txt = table_.AddRRset(zone, W("s1._domainkey.example.com"), cname_);
  EXPECT_EQ(beside_txt.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(beside_txt.message(), HasSubstr("s1._domainkey.example.com."));

  Add(zone, "s2._domainkey.example.com", cname_);
  EXPECT_FALSE(table_.AddRRset(zone, W("s2._domainkey.example.com"), txt_).ok());
  EXPECT_FALSE(table_.AddRRset(zone, W("s2._domainkey.example.com"), cname_).ok());
  // RFC 1034 §3.6.2: no CNAME at an apex (it has SOA and NS).
  EXPECT_FALSE(table_.AddRRset(zone, W("_domainkey.example.com"), cname_).ok());
  // The rejected records left the nodes as they were.
  const Node* s1 = table_.FindNode(W("s1._domainkey.example.com"));
  ASSERT_NE(s1, nullptr);
  EXPECT_THAT(s1->rrsets, ::testing::ElementsAre(txt_));
  const Node* s2 = table_.FindNode(W("s2._domainkey.example.com"));
  ASSERT_NE(s2, nullptr);
  EXPECT_THAT(s2->rrsets, ::testing::ElementsAre(cname_));
}

TEST_F(ZoneTableTest, SecondRRsetOfATypeIsRejected) {
  Zone* zone = AddZone("_dmarc.example.com");
  Add(zone, "_dmarc.example.com", txt_);
  EXPECT_FALSE(table_.AddRRset(zone, W("_dmarc.example.com"), txt2_).ok());
  Add(zone, "_dmarc.example.com", a_);  // another type is fine
}

TEST_F(ZoneTableTest, OwnerOutsideTheZoneIsRejected) {
  Zone* zone = AddZone("_dmarc.example.com");
  absl::Status s = table_.AddRRset(zone, W("example.com"), txt_);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("outside zone _dmarc.example.com."));
  EXPECT_FALSE(table_.AddRRset(zone, W("x_dmarc.example.com"), txt_).ok());
  EXPECT_EQ(table_.FindNode(W("example.com")), nullptr);
}

TEST_F(ZoneTableTest, DuplicateZoneIsRejected) {
  AddZone("_dmarc.example.com");
  auto again = table_.AddZone(W("_dmarc.example.com"), ZoneKind{0});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(table_.zone_count(), 1u);
}

TEST_F(ZoneTableTest, ApexThatIsANameWithDataIsRejected) {
  Zone* parent = AddZone("example.com");
  Add(parent, "sub.example.com", txt_);
  auto child = table_.AddZone(W("sub.example.com"), ZoneKind{0});
  EXPECT_EQ(child.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(child.status().message(), HasSubstr("is also a name in zone example.com."));
}

TEST_F(ZoneTableTest, RecordInTwoZonesIsRejected) {
  Zone* a = AddZone("example.com");
  Zone* b = AddZone("sub.example.com");
  Add(b, "x.sub.example.com", txt_);
  EXPECT_FALSE(table_.AddRRset(a, W("x.sub.example.com"), a_).ok());
}

TEST_F(ZoneTableTest, CountsAndIteration) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  Add(zone, "a.b._domainkey.example.com", txt_);
  Add(zone, "c._domainkey.example.com", txt_);
  EXPECT_EQ(table_.zone_count(), 1u);
  EXPECT_EQ(table_.node_count(), 4u);  // apex, a.b, b (ENT), c
  EXPECT_EQ(table_.FindZoneByApex(W("_domainkey.example.com")), zone);
  EXPECT_EQ(table_.FindZoneByApex(W("b._domainkey.example.com")), nullptr);
  int nodes = 0;
  table_.ForEachNode([&](absl::string_view owner, const Node& node) {
    ++nodes;
    EXPECT_TRUE(IsSubdomain(owner, zone->apex()));
    EXPECT_EQ(node.zone(), zone);
  });
  EXPECT_EQ(nodes, 4);
}

TEST_F(ZoneTableTest, KeepReturnsStablePointers) {
  std::vector<const RRset*> kept;
  for (int i = 0; i < 1000; ++i) {
    kept.push_back(table_.Keep(Rr(kTypeTxt, i, {TxtRdata("x")})));
  }
  EXPECT_EQ(kept[0]->count, 1);
  EXPECT_EQ(kept[999]->records, Rr(kTypeTxt, 999, {TxtRdata("x")}).records);
  EXPECT_EQ(kept[0]->records, Rr(kTypeTxt, 0, {TxtRdata("x")}).records);
}

// ---- the static answer step over a table ----------------------------------

class StaticAnswerTest : public ZoneTableTest {
 protected:
  Answer Ask(absl::string_view name, uint16_t qtype) {
    Query q;
    q.name = Lower(name);
    q.qtype = qtype;
    Answer a;
    ZoneTable::Match m = table_.Find(q.name);
    EXPECT_NE(m.zone, nullptr);
    if (m.zone != nullptr) AnswerFromZone(m, common_, q, &a);
    return a;
  }
};

TEST_F(StaticAnswerTest, TheServedSerialMixesWhatEveryZoneSharesAndTheZoneTtlGoesWithIt) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  zone->serial = 0xdeadbeef;
  common_.serial_mix = 0x0000ffff;
  common_.ttl = 299;
  Add(zone, "s1._domainkey.example.com", txt_);
  for (absl::string_view name : {"s1._domainkey.example.com", "nx._domainkey.example.com"}) {
    Answer a = Ask(name, kTypeTxt);
    EXPECT_EQ(a.serial, 0xdeadbeefu ^ 0x0000ffffu) << name;
    EXPECT_EQ(a.serial, ServedSerial(*zone, common_)) << name;
    EXPECT_EQ(a.zone_ttl, 299u) << name;
  }
}

TEST_F(StaticAnswerTest, DataCnameAndApexRecords) {
  Zone* zone = AddZone("_domainkey.example.com", ZoneKind{1});
  zone->serial = 0xdeadbeef;
  Add(zone, "s1._domainkey.example.com", txt_);
  Add(zone, "s2._domainkey.example.com", cname_);

  Answer txt = Ask("s1._domainkey.example.com", kTypeTxt);
  EXPECT_EQ(txt.rcode, kNoError);
  EXPECT_TRUE(txt.authoritative);
  EXPECT_EQ(txt.serial, 0xdeadbeefu);
  ASSERT_EQ(txt.answer_count, 1);
  EXPECT_EQ(txt.answer[0].records, txt_->records);
  EXPECT_EQ(txt.answer[0].owner_label, 0);
  EXPECT_FALSE(txt.answer[0].patch_serial);
  EXPECT_EQ(txt.authority_count, 0);

  // A CNAME answers every type but CNAME-the-type with itself; no chasing.
  for (uint16_t qtype : {kTypeTxt, kTypeA, kTypeCname, kTypeAny}) {
    Answer c = Ask("s2._domainkey.example.com", qtype);
    ASSERT_EQ(c.answer_count, 1) << qtype;
    EXPECT_EQ(c.answer[0].records, cname_->records);
  }

  Answer soa = Ask("_domainkey.example.com", kTypeSoa);
  ASSERT_EQ(soa.answer_count, 1);
  EXPECT_EQ(soa.answer[0].records, common_.soa.records);  // the positive TTL
  EXPECT_TRUE(soa.answer[0].patch_serial);
  Answer ns = Ask("_domainkey.example.com", kTypeNs);
  ASSERT_EQ(ns.answer_count, 1);
  EXPECT_EQ(ns.answer[0].records, common_.ns.records);
  // ANY at an apex with no data of its own: one RRset, the SOA (RFC 8482).
  Answer any = Ask("_domainkey.example.com", kTypeAny);
  ASSERT_EQ(any.answer_count, 1);
  EXPECT_EQ(any.answer[0].records, common_.soa.records);
  EXPECT_TRUE(any.answer[0].patch_serial);
  // NODATA at a node.
  Answer nodata = Ask("s1._domainkey.example.com", kTypeAaaa);
  EXPECT_EQ(nodata.rcode, kNoError);
  EXPECT_EQ(nodata.answer_count, 0);
  ASSERT_EQ(nodata.authority_count, 1);
  EXPECT_EQ(nodata.authority[0].owner_label, 1);
}

TEST_F(StaticAnswerTest, WildcardAnswersMissingNames) {
  Zone* zone = AddZone("_domainkey.blocked.example", ZoneKind{1});
  zone->wildcard.push_back(txt_);
  Answer a = Ask("anything._domainkey.blocked.example", kTypeTxt);
  EXPECT_EQ(a.rcode, kNoError);
  ASSERT_EQ(a.answer_count, 1);
  EXPECT_EQ(a.answer[0].records, txt_->records);
  EXPECT_EQ(a.answer[0].owner_label, 0);  // owned by the query name itself
  Answer multi = Ask("a.b.c._domainkey.blocked.example", kTypeAny);
  ASSERT_EQ(multi.answer_count, 1);
  Answer other_type = Ask("anything._domainkey.blocked.example", kTypeA);
  EXPECT_EQ(other_type.rcode, kNoError);
  EXPECT_EQ(other_type.answer_count, 0);
  ASSERT_EQ(other_type.authority_count, 1);
}

}  // namespace
}  // namespace dnsd
