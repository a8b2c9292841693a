#include "config/serial_digest.h"

#include <string>

#include "gtest/gtest.h"
#include "dnsd/protocol/wire/constants.h"
#include "dnsd/protocol/zone/rrset.h"

namespace dnsd::config {
namespace {

// A zone's serial, and so the configuration digest every name server of a
// fleet compares, must not depend on where a record's RDATA is kept.
TEST(SerialDigestTest, ARecordWithItsRdataApartDigestsAsTheRecordJoined) {
  std::string rdata = TxtRdata(std::string(400, 'k'));
  RRset joined = RRsetBuilder(wire::kTypeTxt, 300).Add(rdata).Build();
  RdataRef kept = BytesRdata::Make(rdata);
  RRset apart = RecordWithRdataApart(wire::kTypeTxt, 300, kept.get());
  SerialDigest a, b, c;
  a.Add(joined);
  b.Add(apart);
  c.Add(joined.records);
  EXPECT_EQ(a.value(), b.value());
  EXPECT_EQ(a.value(), c.value());
  EXPECT_EQ(DigestOf("\2s1", joined), DigestOf("\2s1", apart));
  // Still one field: the header and the RDATA are not separated.
  SerialDigest d;
  d.Add(apart.records);
  d.Add(rdata);
  EXPECT_NE(d.value(), b.value());
}

}  // namespace
}  // namespace dnsd::config
