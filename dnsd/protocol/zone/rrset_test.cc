#include "dnsd/protocol/zone/rrset.h"

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
    RRset apart = RecordWithRdataApart(wire::kTypeTxt, 300, &rdata);
    EXPECT_EQ(apart.type, built.type);
    EXPECT_EQ(apart.count, 1);
    EXPECT_EQ(apart.records.size(), 10u);
    EXPECT_EQ(apart.rdata, &rdata);
    EXPECT_EQ(WireRecords(apart), built.records) << n;
    ASSERT_EQ(RdataOf(apart).size(), 1u);
    EXPECT_EQ(RdataOf(apart)[0], rdata);
    EXPECT_EQ(RdataOf(built), RdataOf(apart));
    EXPECT_EQ(WireRecords(built), built.records);
  }
}

TEST(RRsetTest, AClassOtherThanIn) {
  std::string rdata = TxtRdata("ns1");
  RRset apart = RecordWithRdataApart(wire::kTypeTxt, 0, &rdata, wire::kClassCh);
  EXPECT_EQ(WireRecords(apart),
            RRsetBuilder(wire::kTypeTxt, 0, wire::kClassCh).Add(rdata).Build().records);
}

}  // namespace
}  // namespace dnsd
