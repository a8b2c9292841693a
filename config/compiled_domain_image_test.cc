// A compiled domain written to the image and read back is the compile it
// was written from: the same records at the same names, the same family
// data, and linked, the same snapshot. Bytes that are not a whole record
// give an error.
#include "config/compiled_domain_image.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "config/bytes_digest.h"
#include "config/compile.h"
#include "config/compile_cache.h"
#include "config/load_and_compile.h"
#include "config/test_util.h"
#include "dnsd/protocol/wire/name.h"
#include "policy/dkim/dkim_record.h"
#include "policy/dkim/test_keys.h"
#include "policy/spf/spf_family.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

const std::string kExamples = std::string(DNSD_SOURCE_DIR) + "/config/examples/dnsd.yaml";

std::string Written(const CompiledDomain& d) {
  ImageWriter out;
  EXPECT_TRUE(WriteCompiledDomain(d, out)) << d.domain();
  return out.bytes();
}

absl::StatusOr<CompiledDomainList::Ptr> ReadBack(const std::string& bytes,
                                                 std::shared_ptr<const ProviderRecords> provider) {
  ImageReader in(bytes);
  auto read = ReadCompiledDomain(in, std::move(provider));
  if (read.ok()) {
    EXPECT_TRUE(in.done());
  }
  return read;
}

// The served octets of both, side by side: what SameCompile compares by
// its own rules, here by bytes.
void ExpectSameOctets(const CompiledDomain& a, const CompiledDomain& b) {
  ASSERT_EQ(a.rrsets().size(), b.rrsets().size()) << a.domain();
  for (size_t i = 0; i < a.rrsets().size(); ++i) {
    const RRset& x = a.rrsets()[i].rrset;
    const RRset& y = b.rrsets()[i].rrset;
    EXPECT_EQ(WireRecords(x), WireRecords(y)) << a.domain() << " rrset " << i;
    // A DKIM key comes back held as its DER, as the compile held it.
    EXPECT_EQ(dynamic_cast<const DkimKeyRecord*>(x.rdata) != nullptr,
              dynamic_cast<const DkimKeyRecord*>(y.rdata) != nullptr);
  }
  ASSERT_EQ(a.zones().size(), b.zones().size());
  for (size_t z = 0; z < a.zones().size(); ++z) {
    EXPECT_EQ(a.zones()[z].zone.apex(), b.zones()[z].zone.apex());
    EXPECT_EQ(a.zones()[z].zone.serial, b.zones()[z].zone.serial);
    ASSERT_EQ(a.NamesOf(a.zones()[z]).size(), b.NamesOf(b.zones()[z]).size());
  }
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.inputs_digest, b.inputs_digest);
  EXPECT_EQ(a.scheduled, b.scheduled);
  EXPECT_EQ(a.errors().size(), b.errors().size());
}

TEST(CompiledDomainImageTest, EveryExampleComesBackAsItsCompile) {
  LoadState state(kExamples);
  LoadedConfig loaded = LoadAndCompile(state, 1);
  ASSERT_FALSE(loaded.fatal);
  ASSERT_GE(state.compiled.domains().size(), 6u);
  bool dkim_seen = false;
  for (const CompiledDomainList::Ptr& d : state.compiled.domains()) {
    auto read = ReadBack(Written(*d), d->provider);
    ASSERT_TRUE(read.ok()) << d->domain() << ": " << read.status();
    EXPECT_TRUE(SameCompile(*d, **read)) << d->domain();
    ExpectSameOctets(*d, **read);
    for (const KeptRRset& k : d->rrsets()) {
      dkim_seen |= dynamic_cast<const DkimKeyRecord*>(k.rrset.rdata) != nullptr;
    }
  }
  EXPECT_TRUE(dkim_seen) << "the examples hold a DKIM key as its DER";
}

// The compile cache, given the domains read back in place of its own,
// takes every one of them (nothing compiled), and the snapshot it links
// is the one compiled from scratch, digest for digest.
TEST(CompiledDomainImageTest, DomainsReadBackLinkIntoTheSameSnapshot) {
  testing::TempDir dir;
  ASSERT_TRUE(testing::GenerateConfig(DNSD_SOURCE_DIR, dir.path(), 300, 7,
                                      {testing::kRsa2048, testing::kRsa1024}));
  const std::string server = (dir.path() / "cfg" / "dnsd.yaml").string();
  LoadState state(server);
  LoadedConfig first = LoadAndCompile(state, 1);
  ASSERT_FALSE(first.fatal);
  ASSERT_EQ(state.compiled.domains().size(), 300u);

  std::vector<CompiledDomainList::Ptr> back;
  for (const CompiledDomainList::Ptr& d : state.compiled.domains()) {
    auto read = ReadBack(Written(*d), d->provider);
    ASSERT_TRUE(read.ok()) << d->domain() << ": " << read.status();
    ASSERT_TRUE(SameCompile(*d, **read)) << d->domain();
    ExpectSameOctets(*d, **read);
    back.push_back(*std::move(read));
  }
  state.compiled.Keep(CompiledDomainList(back), nullptr);

  LoadedConfig again = LoadAndCompile(state, 2, /*skip_if_unchanged=*/false);
  ASSERT_FALSE(again.fatal);
  EXPECT_EQ(again.compile_stats.compiled, 0u);
  EXPECT_EQ(again.snapshot->digest, first.snapshot->digest);
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(state.compiled.domains()[i], back[i]) << "the cache took the domain read back";
  }

  LoadState scratch(server);
  LoadedConfig fresh = LoadAndCompile(scratch, 1);
  EXPECT_EQ(again.snapshot->digest, fresh.snapshot->digest);
}

// An image whose record names a sender past the catalog's (its digest is
// no signature: a forged file can carry one) links without that domain's
// SPF policy, with an error: an answer looks a policy's senders up by
// number, and must never look past them.
TEST(CompiledDomainImageTest, ASenderPastTheCatalogIsNotLinked) {
  LoadState state(kExamples);
  ASSERT_FALSE(LoadAndCompile(state, 1).fatal);
  std::vector<CompiledDomainList::Ptr> domains(state.compiled.domains().begin(),
                                               state.compiled.domains().end());
  size_t forged = domains.size();
  for (size_t i = 0; i < domains.size() && forged == domains.size(); ++i) {
    for (const CompiledPart& part : domains[i]->parts()) {
      ImageWriter data;
      if (part.family() != &SpfFamily() || !part.family()->WriteData(*part.data, data)) continue;
      // Flags, the _nspf part count, the senders' count, then the first.
      if (data.bytes().size() < 5 || data.bytes()[2] == 0) continue;
      const std::string written = Written(*domains[i]);
      ImageReader framed(written);
      std::string body(framed.Bytes());
      size_t at = body.find(data.bytes());
      ASSERT_NE(at, std::string::npos);
      body[at + 3] = body[at + 4] = '\xff';
      ImageWriter record;
      record.Digested(body);
      auto read = ReadBack(record.bytes(), domains[i]->provider);
      ASSERT_TRUE(read.ok()) << read.status();
      domains[i] = *std::move(read);
      forged = i;
      break;
    }
  }
  ASSERT_LT(forged, domains.size()) << "no example names a sender";
  state.compiled.Keep(CompiledDomainList(domains), nullptr);

  LoadedConfig again = LoadAndCompile(state, 2, /*skip_if_unchanged=*/false);
  ASSERT_FALSE(again.fatal);
  bool reported = false;
  for (const Diagnostic& e : again.errors) {
    if (!absl::StrContains(e.message.str(), "names sender number 65535")) continue;
    reported = true;
    EXPECT_FALSE(e.pos.file.str().empty()) << "the error names the domain's file";
  }
  EXPECT_TRUE(reported);
  auto wire_name = wire::NameFromText(domains[forged]->domain());
  ASSERT_TRUE(wire_name.ok());
  EXPECT_EQ(again.snapshot->spf.domains.Find(*wire_name), nullptr);
}

// Cut anywhere, or changed anywhere with the digest it was written with, a
// domain's record is an error. Changed and digested again (bytes a bug in
// the writer would give), it is an error or a whole domain, which writes
// and reads back the same: never a crash (the sanitizer builds watch the
// reads), never half a domain.
TEST(CompiledDomainImageTest, BrokenBytesAreAnErrorNotADomain) {
  LoadState state(kExamples);
  ASSERT_FALSE(LoadAndCompile(state, 1).fatal);
  std::mt19937 rng(5);
  size_t read_whole = 0;
  for (const CompiledDomainList::Ptr& d : state.compiled.domains()) {
    const std::string bytes = Written(*d);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      ImageReader in(absl::string_view(bytes).substr(0, cut));
      EXPECT_FALSE(ReadCompiledDomain(in, d->provider).ok()) << d->domain() << " cut at " << cut;
    }
    ImageReader framed(bytes);
    const std::string body(framed.Bytes());
    for (int round = 0; round < 300; ++round) {
      std::string changed = body;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        changed[rng() % changed.size()] ^= static_cast<char>(1 + rng() % 255);
      }
      ImageWriter as_written;
      as_written.Bytes(changed);
      as_written.U64(BytesDigest(body));
      ImageReader stale(as_written.bytes());
      EXPECT_FALSE(ReadCompiledDomain(stale, d->provider).ok()) << "the digest let it through";

      ImageWriter digested;
      digested.Digested(changed);
      ImageReader in(digested.bytes());
      auto read = ReadCompiledDomain(in, d->provider);
      if (!read.ok()) continue;
      ++read_whole;
      auto again = ReadBack(Written(**read), d->provider);
      ASSERT_TRUE(again.ok()) << again.status();
      EXPECT_TRUE(SameCompile(**read, **again));
    }
  }
  // Changes inside records' octets and serials read whole: the checks
  // above ran.
  EXPECT_GT(read_whole, 0u);
}

}  // namespace
}  // namespace dnsd::config
