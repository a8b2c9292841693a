#include "dnsd/dnstap/encoder.h"

#include <gtest/gtest.h>

#include <string>

#include "dnsd/dnstap/dnstap.pb-c.h"

namespace dnsd::dnstap {
namespace {

Event SampleEvent() {
  Event e;
  e.query_time_ns = 1700000000123456789ull;
  e.response_time_ns = 1700000000123999999ull;
  e.tcp = true;
  e.client.v6 = false;
  e.client.address = {198, 51, 100, 7};
  e.client.port = 40000;
  e.server.address = {127, 0, 0, 1};
  e.server.port = 53;
  e.query_size = 3;
  e.query[0] = 1, e.query[1] = 2, e.query[2] = 3;
  e.response_size = 5;
  for (int i = 0; i < 5; ++i) e.response[i] = static_cast<uint8_t>(10 + i);
  return e;
}

std::string Str(const ProtobufCBinaryData& b) {
  return std::string(reinterpret_cast<const char*>(b.data), b.len);
}

struct Decoded {
  explicit Decoded(const std::vector<uint8_t>& bytes)
      : d(dnstap__dnstap__unpack(nullptr, bytes.size(), bytes.data())) {}
  ~Decoded() {
    if (d != nullptr) dnstap__dnstap__free_unpacked(d, nullptr);
  }
  Dnstap__Dnstap* d;
};

TEST(EncoderTest, AuthResponseRoundTripsEveryField) {
  Options o;
  o.identity = "ns1.provider.test";
  o.version = "dnsd 0.1.0";
  std::vector<uint8_t> out;
  size_t size = Encode(SampleEvent(), MessageType::kAuthResponse, o, out);
  ASSERT_EQ(size, out.size());
  Decoded dec(out);
  ASSERT_NE(dec.d, nullptr);
  EXPECT_EQ(dec.d->type, DNSTAP__DNSTAP__TYPE__MESSAGE);
  ASSERT_TRUE(dec.d->has_identity);
  EXPECT_EQ(Str(dec.d->identity), "ns1.provider.test");
  ASSERT_TRUE(dec.d->has_version);
  EXPECT_EQ(Str(dec.d->version), "dnsd 0.1.0");
  const Dnstap__Message* m = dec.d->message;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE);
  EXPECT_EQ(m->socket_family, DNSTAP__SOCKET_FAMILY__INET);
  EXPECT_EQ(m->socket_protocol, DNSTAP__SOCKET_PROTOCOL__TCP);
  ASSERT_TRUE(m->has_query_address);
  EXPECT_EQ(Str(m->query_address), std::string("\xc6\x33\x64\x07", 4));
  ASSERT_TRUE(m->has_query_port);
  EXPECT_EQ(m->query_port, 40000u);
  ASSERT_TRUE(m->has_response_address);
  EXPECT_EQ(Str(m->response_address), std::string("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(m->response_port, 53u);
  EXPECT_EQ(m->query_time_sec, 1700000000u);
  EXPECT_EQ(m->query_time_nsec, 123456789u);
  EXPECT_EQ(m->response_time_sec, 1700000000u);
  EXPECT_EQ(m->response_time_nsec, 123999999u);
  ASSERT_TRUE(m->has_query_message);
  EXPECT_EQ(Str(m->query_message), std::string("\x01\x02\x03", 3));
  ASSERT_TRUE(m->has_response_message);
  EXPECT_EQ(Str(m->response_message), std::string("\x0a\x0b\x0c\x0d\x0e", 5));
}

TEST(EncoderTest, AuthQueryHasNoResponse) {
  Options o;
  std::vector<uint8_t> out;
  Encode(SampleEvent(), MessageType::kAuthQuery, o, out);
  Decoded dec(out);
  ASSERT_NE(dec.d, nullptr);
  EXPECT_FALSE(dec.d->has_identity);
  EXPECT_FALSE(dec.d->has_version);
  const Dnstap__Message* m = dec.d->message;
  EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__AUTH_QUERY);
  EXPECT_TRUE(m->has_query_message);
  EXPECT_TRUE(m->has_query_time_sec);
  EXPECT_FALSE(m->has_response_message);
  EXPECT_FALSE(m->has_response_time_sec);
}

TEST(EncoderTest, ClientAddressPrefixAndNone) {
  Options o;
  o.client_address = ClientAddress::kPrefix;
  o.ipv4_prefix = 24;
  std::vector<uint8_t> out;
  Encode(SampleEvent(), MessageType::kAuthResponse, o, out);
  {
    Decoded dec(out);
    ASSERT_NE(dec.d, nullptr);
    EXPECT_EQ(Str(dec.d->message->query_address), std::string("\xc6\x33\x64\x00", 4));
    EXPECT_FALSE(dec.d->message->has_query_port);
  }
  o.client_address = ClientAddress::kNone;
  out.clear();
  Encode(SampleEvent(), MessageType::kAuthResponse, o, out);
  Decoded dec(out);
  ASSERT_NE(dec.d, nullptr);
  EXPECT_FALSE(dec.d->message->has_query_address);
  EXPECT_FALSE(dec.d->message->has_query_port);
  EXPECT_TRUE(dec.d->message->has_response_address);  // our own address is no one's data
}

TEST(EncoderTest, Ipv6AndUdp) {
  Event e = SampleEvent();
  e.tcp = false;
  e.client.v6 = e.server.v6 = true;
  e.server.address = {};
  e.server.address[15] = 1;
  std::vector<uint8_t> out;
  Encode(e, MessageType::kAuthResponse, Options(), out);
  Decoded dec(out);
  ASSERT_NE(dec.d, nullptr);
  EXPECT_EQ(dec.d->message->socket_family, DNSTAP__SOCKET_FAMILY__INET6);
  EXPECT_EQ(dec.d->message->socket_protocol, DNSTAP__SOCKET_PROTOCOL__UDP);
  EXPECT_EQ(dec.d->message->query_address.len, 16u);
  EXPECT_EQ(Str(dec.d->message->response_address), std::string(15, '\0') + "\x01");
}

TEST(EncoderTest, LargestEventFitsTheBound) {
  Event e = SampleEvent();
  e.query_size = Event::kMaxQuery;
  e.response_size = Event::kMaxResponse;
  Options o;
  o.identity = std::string(255, 'i');
  o.version = std::string(255, 'v');
  std::vector<uint8_t> out;
  EXPECT_LE(Encode(e, MessageType::kAuthResponse, o, out), kMaxEncoded);
}

}  // namespace
}  // namespace dnsd::dnstap
