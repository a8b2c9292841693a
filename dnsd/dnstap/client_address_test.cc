#include "dnsd/dnstap/client_address.h"

#include <gtest/gtest.h>

namespace dnsd::dnstap {
namespace {

Endpoint V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port = 5353) {
  Endpoint e;
  e.address = {a, b, c, d};
  e.port = port;
  return e;
}

Endpoint V6(std::array<uint8_t, 16> bytes, uint16_t port = 5353) {
  Endpoint e;
  e.v6 = true;
  e.address = bytes;
  e.port = port;
  return e;
}

TEST(TruncateAddressTest, ClearsHostBitsOfIpv4) {
  EXPECT_EQ(TruncateAddress(V4(192, 0, 2, 201), 24).address, V4(192, 0, 2, 0).address);
  EXPECT_EQ(TruncateAddress(V4(192, 0, 2, 201), 20).address, V4(192, 0, 0, 0).address);
  EXPECT_EQ(TruncateAddress(V4(192, 0, 255, 201), 20).address, V4(192, 0, 240, 0).address);
  EXPECT_EQ(TruncateAddress(V4(192, 0, 2, 201), 32).address, V4(192, 0, 2, 201).address);
  EXPECT_EQ(TruncateAddress(V4(192, 0, 2, 201), 0).address, V4(0, 0, 0, 0).address);
  // Past the family's size: nothing more to keep.
  EXPECT_EQ(TruncateAddress(V4(192, 0, 2, 201), 56).address, V4(192, 0, 2, 201).address);
}

TEST(TruncateAddressTest, ClearsHostBitsOfIpv6) {
  std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
                            0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4};
  std::array<uint8_t, 16> want{0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56};
  EXPECT_EQ(TruncateAddress(V6(a), 56).address, want);
  std::array<uint8_t, 16> want60{0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x70};
  EXPECT_EQ(TruncateAddress(V6(a), 60).address, want60);
  EXPECT_EQ(TruncateAddress(V6(a), 128).address, a);
}

TEST(ClientFieldsTest, FullPrefixAndNone) {
  Options o;
  o.ipv4_prefix = 24;
  o.ipv6_prefix = 48;
  o.client_address = ClientAddress::kFull;
  ClientFields full = ClientFieldsFor(V4(198, 51, 100, 7, 40000), o);
  EXPECT_TRUE(full.present);
  EXPECT_EQ(full.endpoint.address, V4(198, 51, 100, 7).address);
  EXPECT_EQ(full.endpoint.port, 40000);

  o.client_address = ClientAddress::kPrefix;
  ClientFields prefix = ClientFieldsFor(V4(198, 51, 100, 7, 40000), o);
  EXPECT_TRUE(prefix.present);
  EXPECT_EQ(prefix.endpoint.address, V4(198, 51, 100, 0).address);
  EXPECT_EQ(prefix.endpoint.port, 0);  // a port would single the client out again

  std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb, 0xcc, 0xdd, 1, 1, 1, 1, 1, 1, 1, 1};
  std::array<uint8_t, 16> want{0x20, 0x01, 0x0d, 0xb8, 0xaa, 0xbb};
  EXPECT_EQ(ClientFieldsFor(V6(a), o).endpoint.address, want);

  o.client_address = ClientAddress::kNone;
  EXPECT_FALSE(ClientFieldsFor(V4(198, 51, 100, 7), o).present);
}

}  // namespace
}  // namespace dnsd::dnstap
