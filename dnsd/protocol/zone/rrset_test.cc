#include "dnsd/protocol/zone/rrset.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"
#include "dnsd/protocol/wire/constants.h"

namespace dnsd {
namespace {

// A record with its RDATA apart carries only its header, and reads back as
// the record RRsetBuilder makes of the same RDATA.
TEST(RRsetTest, ARecordWithItsRdataApartIsTheBuiltRecord) {
  for (size_t n : {0, 1, 255, 256, 700, 65000}) {
    std::string rdata = TxtRdata(std::string(n, 'k'));
    RRset built = RRsetBuilder(wire::kTypeTxt, 300).Add(rdata).Build();
    RdataRef kept = BytesRdata::Make(rdata);
    RRset apart = RecordWithRdataApart(wire::kTypeTxt, 300, kept.get());
    EXPECT_EQ(apart.type, built.type);
    EXPECT_EQ(apart.count, 1);
    EXPECT_EQ(apart.records.size(), 10u);
    EXPECT_EQ(apart.rdata, kept.get());
    EXPECT_EQ(WireRecords(apart), built.records) << n;
    ASSERT_EQ(RdataOf(apart).size(), 1u);
    EXPECT_EQ(RdataOf(apart)[0], rdata);
    EXPECT_EQ(RdataOf(built), RdataOf(apart));
    EXPECT_EQ(WireRecords(built), built.records);
  }
}

// kZoneTtl is kept as it is, and served as the zone TTL: in every record
// of an RRset, and in a record whose RDATA is kept apart.
TEST(RRsetTest, TheZoneTtlIsWrittenWhereItStands) {
  std::string one = TxtRdata("one"), two = TxtRdata(std::string(300, 't'));
  RRset zone_ttl = RRsetBuilder(wire::kTypeTxt, kZoneTtl).Add(one).Add(two).Build();
  EXPECT_EQ(WireRecords(zone_ttl, 299),
            RRsetBuilder(wire::kTypeTxt, 299).Add(one).Add(two).Build().records);
  EXPECT_EQ(WireRecords(zone_ttl), zone_ttl.records);
  EXPECT_NE(WireRecords(zone_ttl, 299), WireRecords(zone_ttl, 300));

  RdataRef kept = BytesRdata::Make(two);
  RRset apart = RecordWithRdataApart(wire::kTypeTxt, kZoneTtl, kept.get());
  EXPECT_EQ(WireRecords(apart, 3600),
            RRsetBuilder(wire::kTypeTxt, 3600).Add(two).Build().records);

  // A TTL of its own stays.
  RRset own = RRsetBuilder(wire::kTypeTxt, 60).Add(one).Build();
  EXPECT_EQ(WireRecords(own, 299), own.records);
}

TEST(RRsetTest, AClassOtherThanIn) {
  std::string rdata = TxtRdata("ns1");
  RdataRef kept = BytesRdata::Make(rdata);
  RRset apart = RecordWithRdataApart(wire::kTypeTxt, 0, kept.get(), wire::kClassCh);
  EXPECT_EQ(WireRecords(apart),
            RRsetBuilder(wire::kTypeTxt, 0, wire::kClassCh).Add(rdata).Build().records);
}

// TXT text in character-strings of at most 255 octets, each after its
// length (RFC 1035 §3.3.14): the same whether allocated or written in place,
// within the bound, at and around every string's end.
TEST(RRsetTest, TxtRdataSplitsAt255Octets) {
  for (size_t n : {0, 1, 254, 255, 256, 509, 510, 511, 765, 766}) {
    std::string text;
    for (size_t i = 0; i < n; ++i) text.push_back(static_cast<char>('a' + i % 26));
    std::string want;
    size_t at = 0;
    do {
      size_t len = std::min<size_t>(255, n - at);
      want.push_back(static_cast<char>(len));
      want.append(text, at, len);
      at += len;
    } while (at < n);
    EXPECT_EQ(TxtRdata(text), want) << n;
    std::string out(TxtRdataBound(n), '?');
    size_t written = PutTxtRdata(text, out.data());
    EXPECT_LE(written, out.size()) << n;
    EXPECT_EQ(out.substr(0, written), want) << n;
  }
}

// SameRecords compares what the wire carries, wherever the RDATA is kept:
// a record against itself kept apart, and against records differing in
// one octet anywhere, in the header, at the seam, or in the RDATA.
TEST(RRsetTest, SameRecordsWhereverTheRdataIsKept) {
  std::string rdata = TxtRdata(std::string(300, 'k'));
  RRset built = RRsetBuilder(wire::kTypeTxt, 300).Add(rdata).Build();
  RdataRef kept = BytesRdata::Make(rdata);
  RRset apart = RecordWithRdataApart(wire::kTypeTxt, 300, kept.get());
  EXPECT_TRUE(SameRecords(built, built));
  EXPECT_TRUE(SameRecords(built, apart));
  EXPECT_TRUE(SameRecords(apart, built));
  std::string wire = WireRecords(built);
  for (size_t at : {size_t{0}, size_t{9}, size_t{10}, size_t{11}, wire.size() - 1}) {
    SCOPED_TRACE(at);
    std::string other_rdata = rdata;
    RRset other_built = built;
    if (at < 10) {
      std::string flipped(built.records.view());
      flipped[at] ^= 1;
      other_built.records = RecordBytes(flipped);
      EXPECT_FALSE(SameRecords(other_built, apart));
      EXPECT_FALSE(SameRecords(apart, other_built));
    } else {
      other_rdata[at - 10] ^= 1;
      RdataRef other_kept = BytesRdata::Make(other_rdata);
      RRset other_apart = RecordWithRdataApart(wire::kTypeTxt, 300, other_kept.get());
      EXPECT_FALSE(SameRecords(other_apart, built));
      EXPECT_FALSE(SameRecords(built, other_apart));
      EXPECT_FALSE(SameRecords(other_apart, apart));
    }
  }
  std::string shorter = TxtRdata(std::string(299, 'k'));
  RdataRef shorter_kept = BytesRdata::Make(shorter);
  EXPECT_FALSE(SameRecords(built, RecordWithRdataApart(wire::kTypeTxt, 300, shorter_kept.get())));
  RRset two = RRsetBuilder(wire::kTypeTxt, 300).Add(rdata).Add(rdata).Build();
  EXPECT_FALSE(SameRecords(built, two));
  RRset typed = built;
  typed.type = wire::kTypeCname;
  EXPECT_FALSE(SameRecords(built, typed));
}

}  // namespace
}  // namespace dnsd
