// SameCompile: what makes two compiles of a domain the same, so that a
// reload keeps the one it has. Saying "the same" of two that differ would
// serve stale records; each part of a compile is changed here on its own.
#include "config/compiled_domain.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/family.h"
#include "config/provider_records.h"
#include "dnsd/protocol/wire/constants.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

struct NumberData final : FamilyData {
  explicit NumberData(int n) : n(n) {}
  bool Same(const FamilyData& other) const override {
    return n == static_cast<const NumberData&>(other).n;
  }
  int n;
};

constexpr absl::string_view kApex("\x06_dmarc\x01" "a\x07" "example", 17);

// A domain of one part: a zone with a TXT record at its apex, a name in a
// provider zone, a digest and family data. Sealed as a compile seals it,
// from owner names in the draft, after `more` added to it.
class Fixture {
 public:
  explicit Fixture(const std::string& text = "v=DMARC1; p=none",
                   const std::function<void(Fixture&)>& more = nullptr) {
    CompiledPart part;
    ZoneDraft zone;
    zone.zone.set_apex(kApex);
    zone.zone.serial = 7;
    zone.names.emplace_back(Draft(std::string(kApex)), Keep(text));
    draft.zones.push_back(std::move(zone));
    draft.shared.push_back(
        {1, {Draft(std::string("\x01" "a\x04" "_spf", 7)), Keep("v=spf1 -all")}});
    draft.digests.emplace_back(2, 11);
    part.zones_end = part.shared_end = part.digests_end = 1;
    part.data = std::make_unique<NumberData>(1);
    draft.parts.push_back(std::move(part));
    if (more) more(*this);
    d.Seal("a.example", std::move(draft));
  }
  explicit Fixture(const std::function<void(Fixture&)>& more)
      : Fixture("v=DMARC1; p=none", more) {}

  absl::string_view Draft(std::string name) {
    draft.names.push_front(std::move(name));
    return draft.names.front();
  }

  // The test's, not the domain's: a compile's RRsets are sealed with it.
  const RRset* Keep(const std::string& text) {
    kept.push_back(std::make_unique<RRset>(
        RRsetBuilder(wire::kTypeTxt, 300).Add(TxtRdata(text)).Build()));
    return kept.back().get();
  }
  // The domain's own, as a compile makes them (DomainCompiler::Txt): the
  // draft holds it until Seal moves it into the domain.
  const RRset* Own(const std::string& text) {
    draft.rrsets.push_back({std::make_unique<const RRset>(
                                RRsetBuilder(wire::kTypeTxt, 300).Add(TxtRdata(text)).Build()),
                            RdataRef()});
    return draft.rrsets.back().rrset.get();
  }
  // The draft's, for `more` to change before the domain is sealed.
  CompiledPart& part() { return draft.parts[0]; }
  ZoneDraft& zone() { return draft.zones[0]; }
  const CompiledZone& sealed_zone() const { return d.zones()[0]; }

  std::vector<std::unique_ptr<RRset>> kept;
  DomainDraft draft;
  CompiledDomain d;
};

TEST(CompiledDomainTest, SealedNamesAreTheDomainsOwn) {
  Fixture a([](Fixture& f) {
    f.draft.zones[0].names.emplace_back(f.Draft(std::string(kApex)), f.Keep("v=DMARC1; p=reject"));
  });
  for (std::string& draft : a.draft.names) std::fill(draft.begin(), draft.end(), 'x');
  a.draft.names.clear();
  Fixture b([](Fixture& f) { f.zone().names.emplace_back(kApex, f.Keep("v=DMARC1; p=reject")); });
  EXPECT_TRUE(SameCompile(a.d, b.d));
  SealedNames<Owned> names = a.d.NamesOf(a.sealed_zone());
  // The apex's two records are one name: held once.
  EXPECT_EQ(names[0].first.data(), names[1].first.data());
  EXPECT_EQ(names[0].first.data(), a.d.names());
}

// Past a few dozen names (a file with many DKIM selectors) the names
// already placed are found through a hash map: the same block.
TEST(CompiledDomainTest, ManyNamesAreSealedOnceEach) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back(std::string(1, char('a' + i % 20)) + std::string(kApex));
  Fixture a([&names](Fixture& f) {
    const RRset* txt = f.Keep("v=DMARC1; p=reject");
    for (const std::string& name : names) f.draft.zones[0].names.emplace_back(f.Draft(name), txt);
  });
  Fixture b([&names](Fixture& f) {
    for (const std::string& name : names) {
      f.zone().names.emplace_back(name, f.Keep("v=DMARC1; p=reject"));
    }
  });
  a.draft.names.clear();
  EXPECT_TRUE(SameCompile(a.d, b.d));
  SealedNames<Owned> sealed = a.d.NamesOf(a.sealed_zone());
  ASSERT_EQ(sealed.size(), 41u);
  EXPECT_EQ(sealed[1].first.data(), sealed[21].first.data());  // the same name, once
  EXPECT_NE(sealed[1].first.data(), sealed[2].first.data());
}

// A name that a longer one ends in, label for label, is a view of that
// one's octets (the apex `_domainkey.<domain>` ends every selector's
// name); octets that end a name inside one of its labels are not the name.
TEST(CompiledDomainTest, ANameEndingAnotherViewsItsOctets) {
  // One label of 11 octets, whose last 10 spell "a.example" in wire form.
  const std::string inside("\x0b" "z\x01" "a\x07" "example", 12);
  const std::string selector = "\x02s1" + std::string(kApex);
  Fixture a([&](Fixture& f) {
    const RRset* txt = f.Keep("v=DKIM1; p=");
    f.zone().names.emplace_back(f.Draft(selector), txt);
    f.draft.shared[0].name.first = f.Draft(std::string("\x01" "a\x07" "example", 10));
    f.draft.shared.push_back({1, {f.Draft(inside), txt}});
    f.part().shared_end = 2;
  });
  Fixture b([&](Fixture& f) {
    const RRset* txt = f.Keep("v=DKIM1; p=");
    f.zone().names.emplace_back(selector, txt);
    f.draft.shared[0].name.first = absl::string_view("\x01" "a\x07" "example", 10);
    f.draft.shared.push_back({1, {inside, txt}});
    f.part().shared_end = 2;
  });
  a.draft.names.clear();
  EXPECT_TRUE(SameCompile(a.d, b.d));
  SealedNames<Owned> names = a.d.NamesOf(a.sealed_zone());
  ASSERT_EQ(names.size(), 2u);
  absl::string_view apex = a.sealed_zone().zone.apex();
  EXPECT_EQ(apex, kApex);
  EXPECT_EQ(names[1].first, selector);
  EXPECT_EQ(apex.data(), names[1].first.data() + 3);  // within the selector's name
  EXPECT_EQ(names[0].first.data(), apex.data());
  // "a.example" ends the apex, label for label: a view of its last octets.
  absl::string_view domain = a.d.shared()[0].name.first;
  EXPECT_EQ(domain.data(), apex.data() + apex.size() - domain.size());
  // The same octets inside a label of `inside` are not taken for it.
  absl::string_view in_label = a.d.shared()[1].name.first;
  EXPECT_EQ(in_label, inside);
  EXPECT_FALSE(domain.data() >= in_label.data() && domain.data() < in_label.end());
}

// Past a few dozen names, endings are found through a hash map: every
// selector's name ends in the apex, which takes no octets of its own.
TEST(CompiledDomainTest, ManyNamesEndingTheApexShareItsOctets) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back(absl::StrCat("\x03s", 10 + i, kApex));
  Fixture a([&names](Fixture& f) {
    const RRset* txt = f.Keep("v=DKIM1; p=");
    for (const std::string& name : names) f.zone().names.emplace_back(f.Draft(name), txt);
  });
  Fixture b([&names](Fixture& f) {
    const RRset* txt = f.Keep("v=DKIM1; p=");
    for (const std::string& name : names) f.zone().names.emplace_back(name, txt);
  });
  a.draft.names.clear();
  EXPECT_TRUE(SameCompile(a.d, b.d));
  SealedNames<Owned> sealed = a.d.NamesOf(a.sealed_zone());
  ASSERT_EQ(sealed.size(), 41u);
  const char* block = a.d.names();
  // The selectors' names, then the provider zone's: the apex is in the first.
  const size_t names_size = 40 * (kApex.size() + 4) + 7;
  for (const Owned& name : sealed) {
    EXPECT_GE(name.first.data(), block);
    EXPECT_LE(name.first.end(), block + names_size);
  }
  EXPECT_EQ(a.sealed_zone().zone.apex().data(), block + 4);
  EXPECT_EQ(a.d.rrsets().size(), 0u);
  EXPECT_EQ(a.d.domain().data(), block + names_size);
}

// A part keeps its family as a number, given the first time a family is
// named: every part of the same family gives it back, and none gives none.
TEST(CompiledDomainTest, APartKeepsItsFamilyAsANumber) {
  struct Named final : RecordFamily {
    absl::string_view name() const override { return "test"; }
    absl::Status Compile(const DomainConfig&, DomainCompiler&) const override {
      return absl::OkStatus();
    }
  };
  static const Named first, second;
  CompiledPart a, b, c, none;
  a.set_family(&first);
  b.set_family(&second);
  c.set_family(&first);
  EXPECT_EQ(a.family(), &first);
  EXPECT_EQ(b.family(), &second);
  EXPECT_EQ(c.family(), &first);
  EXPECT_EQ(none.family(), nullptr);
  none.set_family(nullptr);
  EXPECT_EQ(none.family(), nullptr);
  EXPECT_EQ(CompiledPart::FamilyNumber(&first), CompiledPart::FamilyNumber(&first));
  EXPECT_NE(CompiledPart::FamilyNumber(&first), CompiledPart::FamilyNumber(&second));
  // The number shares its 32 bits with the end of the part's names.
  a.shared_end = CompiledPart::kMaxShared;
  EXPECT_EQ(a.family(), &first);
  EXPECT_EQ(a.shared_end, CompiledPart::kMaxShared);
}

// Where a sealed domain's records are: the domain's RRsets in its
// rrsets(), their octets in its block after the names, every name and
// wildcard that pointed at a draft pointing at its sealed copy; the
// provider's RRsets (the fixture's Keep) are pointed at as they were.
TEST(CompiledDomainTest, SealedRecordsAreInTheDomainsBlock) {
  const RRset* provider = nullptr;
  Fixture a([&provider](Fixture& f) {
    const RRset* reject = f.Own("v=DMARC1; p=reject");
    f.zone().names.emplace_back(f.Draft("\x01" "x" + std::string(kApex)), reject);
    f.zone().names.emplace_back(f.Draft("\x01" "y" + std::string(kApex)), reject);
    f.draft.shared[0].name.second = f.Own("v=spf1 ~all");
    provider = f.Keep("v=DKIM1; p=");
    f.zone().zone.wildcard.push_back(provider);
    f.zone().zone.wildcard.push_back(f.Own("wildcard"));
  });
  Fixture b([](Fixture& f) {
    const RRset* reject = f.Keep("v=DMARC1; p=reject");
    f.zone().names.emplace_back(f.Draft("\x01" "x" + std::string(kApex)), reject);
    f.zone().names.emplace_back(f.Draft("\x01" "y" + std::string(kApex)), reject);
    f.draft.shared[0].name.second = f.Keep("v=spf1 ~all");
    f.zone().zone.wildcard.push_back(f.Keep("v=DKIM1; p="));
    f.zone().zone.wildcard.push_back(f.Keep("wildcard"));
  });
  a.draft.rrsets.clear();  // the drafts go: what was sealed stays
  EXPECT_TRUE(SameCompile(a.d, b.d));

  std::span<const KeptRRset> kept = a.d.rrsets();
  ASSERT_EQ(kept.size(), 3u);
  SealedNames<Owned> names = a.d.NamesOf(a.sealed_zone());
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[1].second, &kept[0].rrset);
  EXPECT_EQ(names[2].second, &kept[0].rrset);
  EXPECT_EQ(a.d.shared()[0].name.second, &kept[1].rrset);
  const RRsetList& wildcard = a.sealed_zone().zone.wildcard;
  ASSERT_EQ(wildcard.size(), 2u);
  EXPECT_EQ(wildcard.begin()[0], provider);
  EXPECT_EQ(wildcard.begin()[1], &kept[2].rrset);
  // The names (x and y under the apex, which views the end of x's; the
  // name in the provider zone), then the records, one after another.
  size_t names_size = 2 * (kApex.size() + 2) + 7;
  const char* at = a.d.names() + names_size;
  for (const KeptRRset& k : kept) {
    EXPECT_TRUE(k.rrset.records.viewed());
    EXPECT_EQ(k.rrset.records.data(), at);
    at += k.rrset.records.size();
  }
  // Then the domain's name as configured, the block's last octets.
  EXPECT_EQ(a.d.domain(), "a.example");
  EXPECT_EQ(a.d.domain().data(), at);
  EXPECT_EQ(WireRecords(kept[2].rrset),
            WireRecords(RRsetBuilder(wire::kTypeTxt, 300).Add(TxtRdata("wildcard")).Build()));
}

// A record whose RDATA is kept apart (a DKIM key's) is held by the sealed
// domain itself: the draft and the model that made it may go.
TEST(CompiledDomainTest, ASealedDomainHoldsTheRdataItKeepsApart) {
  std::string rdata = TxtRdata("v=DKIM1; k=rsa; p=MIIB");
  std::unique_ptr<Fixture> a = std::make_unique<Fixture>([&rdata](Fixture& f) {
    RdataRef apart = BytesRdata::Make(rdata);
    const ApartRdata* held = apart.get();
    f.draft.rrsets.push_back(
        {std::make_unique<const RRset>(RecordWithRdataApart(wire::kTypeTxt, 300, held)),
         std::move(apart)});
    f.zone().names.emplace_back(f.Draft("\x02" "s1" + std::string(kApex)),
                                f.draft.rrsets.back().rrset.get());
  });
  a->draft.rrsets.clear();  // the draft's reference goes
  CompiledDomain kept = std::move(a->d);
  a.reset();
  ASSERT_EQ(kept.rrsets().size(), 1u);
  const RRset& rrset = kept.rrsets()[0].rrset;
  ASSERT_NE(rrset.rdata, nullptr);
  EXPECT_EQ(rrset.rdata->Bytes(), rdata);
  EXPECT_EQ(WireRecords(rrset),
            WireRecords(RRsetBuilder(wire::kTypeTxt, 300).Add(rdata).Build()));
}

// The domain's own name is found in its zones' apexes, label by label,
// as a view of the block; octets that end an apex inside a label are not.
TEST(CompiledDomainTest, ANameIsFoundAtTheEndOfAnApex) {
  Fixture a;
  absl::string_view domain("\x01" "a\x07" "example", 10);
  absl::string_view found = a.d.NameEndingIn(domain);
  EXPECT_EQ(found, domain);
  EXPECT_EQ(found.data(), a.d.names() + 7);  // "\x06_dmarc" before it
  EXPECT_EQ(a.d.NameEndingIn(kApex).data(), a.d.names());
  EXPECT_EQ(a.d.NameEndingIn(absl::string_view("\x07" "example", 8)).size(), 8u);
  EXPECT_TRUE(a.d.NameEndingIn(absl::string_view("\x01" "b\x07" "example", 10)).empty());
  // The octets "\x02pl" end this apex, but inside its one label.
  Fixture inside([](Fixture& f) {
    f.zone().zone.set_apex(f.Draft(std::string("\x04" "x\x02" "pl", 5)));
  });
  EXPECT_TRUE(inside.d.NameEndingIn(absl::string_view("\x02" "pl", 3)).empty());
  Fixture boundary([](Fixture& f) {
    f.zone().zone.set_apex(f.Draft(std::string("\x01" "x\x02" "pl", 5)));
  });
  EXPECT_EQ(boundary.d.NameEndingIn(absl::string_view("\x02" "pl", 3)),
            absl::string_view("\x02" "pl", 3));
  EXPECT_TRUE(Fixture([](Fixture& f) { f.draft.zones.clear(); f.part().zones_end = 0; })
                  .d.NameEndingIn(domain)
                  .empty());
}

// Past a few dozen RRsets (a file with many DKIM selectors) the drafts
// are found through a hash map: each name points at its own sealed RRset.
TEST(CompiledDomainTest, ManyRRsetsAreSealed) {
  Fixture a([](Fixture& f) {
    for (int i = 0; i < 40; ++i) {
      f.zone().names.emplace_back(f.Draft(std::string(1, char('a' + i % 26)) +
                                          std::string(1, char('0' + i / 26)) + std::string(kApex)),
                                  f.Own("v=DKIM1; p=" + std::to_string(i)));
    }
  });
  a.draft.rrsets.clear();
  std::span<const KeptRRset> kept = a.d.rrsets();
  SealedNames<Owned> names = a.d.NamesOf(a.sealed_zone());
  ASSERT_EQ(kept.size(), 40u);
  ASSERT_EQ(names.size(), 41u);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(names[i + 1].second, &kept[i].rrset) << i;
    EXPECT_EQ(RdataOf(kept[i].rrset)[0], TxtRdata("v=DKIM1; p=" + std::to_string(i))) << i;
  }
}

TEST(SameCompileTest, TwoCompilesOfTheSameAreTheSame) {
  Fixture a, b;
  EXPECT_TRUE(SameCompile(a.d, b.d));
  // What it was compiled from does not count.
  b.d.version = 2;
  b.d.inputs_digest = 3;
  EXPECT_TRUE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, ARecordKeptApartIsTheRecordItHolds) {
  RdataRef rdata = BytesRdata::Make(TxtRdata("v=DMARC1; p=none"));
  Fixture a, b([&rdata](Fixture& f) {
    f.kept.push_back(
        std::make_unique<RRset>(RecordWithRdataApart(wire::kTypeTxt, 300, rdata.get())));
    f.zone().names[0].second = f.kept.back().get();
  });
  EXPECT_TRUE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, OtherRecordsAtANameAreNotTheSame) {
  Fixture a, b([](Fixture& f) {
    f.zone().names[0].second = f.Keep("v=DMARC1; p=reject");  // same serial
  });
  EXPECT_FALSE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, AnotherSerialIsNotTheSame) {
  Fixture a, b([](Fixture& f) { f.zone().zone.serial = 8; });
  EXPECT_FALSE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, AnotherOwnerIsNotTheSame) {
  Fixture a, b([](Fixture& f) {
    f.zone().names[0].first = absl::string_view("\x01x\x06_dmarc\x01" "a\x07" "example", 19);
  });
  EXPECT_FALSE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, ANameInAProviderZoneDiffers) {
  Fixture a, b([](Fixture& f) { f.draft.shared[0].name.second = f.Keep("v=spf1 ~all"); });
  EXPECT_FALSE(SameCompile(a.d, b.d));
  Fixture c([](Fixture& f) { f.draft.shared[0].zone = 2; });
  EXPECT_FALSE(SameCompile(a.d, c.d));
}

TEST(SameCompileTest, AnotherDigestIsNotTheSame) {
  Fixture a, b([](Fixture& f) { f.draft.digests[0].second = 12; });
  EXPECT_FALSE(SameCompile(a.d, b.d));
}

TEST(SameCompileTest, OtherFamilyDataIsNotTheSame) {
  Fixture a, b([](Fixture& f) { f.part().data = std::make_unique<NumberData>(2); });
  EXPECT_FALSE(SameCompile(a.d, b.d));
  Fixture c([](Fixture& f) { f.part().data = nullptr; });
  EXPECT_FALSE(SameCompile(a.d, c.d));
}

TEST(SameCompileTest, OtherErrorsAreNotTheSame) {
  Diagnostic warning;
  warning.pos.file = "domains/a.example.yaml";
  warning.message = "warning: sender 'x' is no longer in the catalog";
  warning.severity = Severity::kWarning;
  auto warned = [&warning](Fixture& f) { f.draft.errors.push_back(warning); };
  Fixture a(warned), b(warned);
  EXPECT_TRUE(SameCompile(a.d, b.d));
  Fixture other([&](Fixture& f) {
    warned(f);
    f.draft.errors[0].message += "; and 'y'";
  });
  EXPECT_FALSE(SameCompile(a.d, other.d));
  Fixture c;
  EXPECT_FALSE(SameCompile(a.d, c.d));
}

// A domain whose compile kept nothing (a file read again that no longer
// holds what it was read from, say) still has its name; a name that is
// not a domain's is cut at 255 octets, where no name reaches.
TEST(CompiledDomainTest, ADomainWithNothingElseHasItsName) {
  CompiledDomain d;
  EXPECT_EQ(d.domain(), "");
  d.Seal("b.example", DomainDraft());
  EXPECT_EQ(d.domain(), "b.example");
  EXPECT_TRUE(d.parts().empty());
  CompiledDomain e;
  e.Seal(std::string(300, 'x'), DomainDraft());
  EXPECT_EQ(e.domain(), std::string(255, 'x'));
}

TEST(SameCompileTest, AnotherDomainIsNotTheSame) {
  CompiledDomain a, b, c;
  a.Seal("a.example", DomainDraft());
  b.Seal("a.example", DomainDraft());
  c.Seal("b.example", DomainDraft());
  EXPECT_TRUE(SameCompile(a, b));
  EXPECT_FALSE(SameCompile(a, c));
}

TEST(SameCompileTest, AScheduleOrAPartLessIsNotTheSame) {
  Fixture a, b;
  b.d.scheduled = true;
  EXPECT_FALSE(SameCompile(a.d, b.d));
  Fixture c([](Fixture& f) { f.draft.parts.clear(); });
  EXPECT_FALSE(SameCompile(a.d, c.d));
}

// What a DomainCompiler compiles a.example with: the provider's records,
// an empty catalog, and the domain and draft it fills.
class DomainCompilerTest : public ::testing::Test {
 protected:
  DomainCompilerTest() {
    ProviderSettings settings;
    settings.nameservers = {"ns1.provider.test"};
    settings.hostmaster = "hostmaster.provider.test";
    auto provider = CompileProviderRecords(settings);
    EXPECT_TRUE(provider.ok()) << provider.status();
    if (provider.ok()) d.provider = *provider;
    config.domain = "a.example";
  }
  DomainCompiler Compiler(CompiledPart& part) {
    return DomainCompiler(d, part, draft, config, catalog, senders, nullptr, UtcSeconds(0));
  }

  DomainConfig config;
  Catalog catalog;
  SenderNumbers senders;
  CompiledDomain d;
  DomainDraft draft;
};

// A part's runs of zones and digests end in 16 bits: the compile refuses
// the 65,536th of either in a domain, rather than let an end wrap round.
TEST_F(DomainCompilerTest, ZonesAndDigestsPastSixteenBitsAreRefused) {
  CompiledPart part;
  DomainCompiler c = Compiler(part);
  for (size_t i = 0; i < CompiledPart::kMaxRun; ++i) {
    ASSERT_TRUE(c.AddZone("_x", 1).ok()) << i;
    ASSERT_TRUE(c.AddDigest(1, i).ok()) << i;
  }
  absl::StatusOr<ZoneDraft*> zone = c.AddZone("_x", 1);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(c.AddDigest(1, 0).code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(c.Finish());
  EXPECT_EQ(part.zones_end, CompiledPart::kMaxRun);
  EXPECT_EQ(part.digests_end, CompiledPart::kMaxRun);
}

// Parts keep their zones, provider-zone names and digests as runs of the
// domain's vectors, one after another; a part that did not compile takes
// out what it added, and one with nothing is not kept.
TEST_F(DomainCompilerTest, EachPartKeepsItsOwnRuns) {
  auto compile = [&](auto&& body) {
    CompiledPart part;
    DomainCompiler c = Compiler(part);
    if (!body(c)) {
      c.Abandon();
      return;
    }
    if (c.Finish()) draft.parts.push_back(std::move(part));
  };
  const RRset* txt = nullptr;
  compile([&](DomainCompiler& c) {
    txt = c.Txt("v=DMARC1; p=none");
    auto zone = c.AddZone("_dmarc", 1);
    return zone.ok() && c.Add(*zone, "", txt).ok();
  });
  compile([&](DomainCompiler& c) {  // fails after adding to every run
    auto zone = c.AddZone("_bimi", 2);
    bool digest = c.AddDigest(3, 4).ok();
    return !(zone.ok() && digest && c.AddShared(1, absl::string_view("\3spf\0", 5), "x", txt).ok());
  });
  compile([](DomainCompiler&) { return true; });  // nothing to keep
  compile([&](DomainCompiler& c) {
    // The first zone's draft is still where AddZone put it once the
    // second is added.
    auto one = c.AddZone("_mta-sts", 4);
    auto two = c.AddZone("_smtp._tls", 5);
    bool one_named = one.ok() && c.Add(*one, "a", txt).ok() && c.Add(*one, "b", txt).ok();
    bool two_named = two.ok() && c.Add(*two, "", txt).ok();
    bool digest = c.AddDigest(6, 7).ok();
    return one_named && two_named && digest &&
           c.AddShared(1, absl::string_view("\3spf\0", 5), "y", txt).ok();
  });
  d.Seal(config.domain, std::move(draft));
  ASSERT_EQ(d.parts().size(), 2u);
  ASSERT_EQ(d.zones().size(), 3u);
  ASSERT_EQ(d.ZonesOf(d.parts()[0]).size(), 1u);
  EXPECT_EQ(d.ZonesOf(d.parts()[0])[0].zone.kind, 1);
  EXPECT_EQ(d.NamesOf(d.ZonesOf(d.parts()[0])[0]).size(), 1u);
  EXPECT_TRUE(d.SharedOf(d.parts()[0]).empty());
  EXPECT_TRUE(d.DigestsOf(d.parts()[0]).empty());
  ASSERT_EQ(d.ZonesOf(d.parts()[1]).size(), 2u);
  EXPECT_EQ(d.ZonesOf(d.parts()[1])[0].zone.kind, 4);
  EXPECT_EQ(d.ZonesOf(d.parts()[1])[1].zone.kind, 5);
  // Each zone's names, though every zone's are one list.
  SealedNames<Owned> one = d.NamesOf(d.ZonesOf(d.parts()[1])[0]);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].first, absl::StrCat("\1a", d.ZonesOf(d.parts()[1])[0].zone.apex()));
  EXPECT_EQ(one[1].first, absl::StrCat("\1b", d.ZonesOf(d.parts()[1])[0].zone.apex()));
  SealedNames<Owned> two = d.NamesOf(d.ZonesOf(d.parts()[1])[1]);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].first, d.ZonesOf(d.parts()[1])[1].zone.apex());
  ASSERT_EQ(d.SharedOf(d.parts()[1]).size(), 1u);
  EXPECT_EQ(d.SharedOf(d.parts()[1])[0].name.first, absl::string_view("\1y\3spf\0", 7));
  ASSERT_EQ(d.DigestsOf(d.parts()[1]).size(), 1u);
  EXPECT_EQ(d.DigestsOf(d.parts()[1])[0], ZoneDigestShare(6, 7));
}

// The same runs split otherwise between the parts are not the same compile.
TEST(SameCompileTest, RunsSplitOtherwiseAreNotTheSame) {
  auto second = [](Fixture& f) {
    CompiledPart part;
    part.zones_end = part.shared_end = part.digests_end = 1;
    f.draft.parts.push_back(std::move(part));
  };
  Fixture a(second), b(second), c([&second](Fixture& f) {
    second(f);
    f.part().digests_end = 0;
  });
  EXPECT_TRUE(SameCompile(a.d, b.d));
  EXPECT_FALSE(SameCompile(a.d, c.d));
}

}  // namespace
}  // namespace dnsd::config
