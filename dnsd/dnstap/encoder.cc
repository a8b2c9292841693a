#include "dnsd/dnstap/encoder.h"

#include "dnsd/dnstap/client_address.h"
#include "dnsd/dnstap/dnstap.pb-c.h"

namespace dnsd::dnstap {
namespace {

ProtobufCBinaryData Bytes(const uint8_t* data, size_t size) {
  return {size, const_cast<uint8_t*>(data)};
}

ProtobufCBinaryData Address(const Endpoint& e) { return Bytes(e.address.data(), e.v6 ? 16 : 4); }

void SetTime(uint64_t ns, uint64_t& sec, uint32_t& nsec) {
  sec = ns / 1000000000;
  nsec = static_cast<uint32_t>(ns % 1000000000);
}

}  // namespace

size_t Encode(const Event& event, MessageType type, const Options& options,
              std::vector<uint8_t>& out) {
  Dnstap__Message m = DNSTAP__MESSAGE__INIT;
  m.type = type == MessageType::kAuthQuery ? DNSTAP__MESSAGE__TYPE__AUTH_QUERY
                                           : DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE;
  m.has_socket_family = true;
  m.socket_family = event.server.v6 ? DNSTAP__SOCKET_FAMILY__INET6 : DNSTAP__SOCKET_FAMILY__INET;
  m.has_socket_protocol = true;
  m.socket_protocol = event.tcp ? DNSTAP__SOCKET_PROTOCOL__TCP : DNSTAP__SOCKET_PROTOCOL__UDP;

  ClientFields client = ClientFieldsFor(event.client, options);
  if (client.present) {
    m.has_query_address = true;
    m.query_address = Address(client.endpoint);
    if (client.endpoint.port != 0) {
      m.has_query_port = true;
      m.query_port = client.endpoint.port;
    }
  }
  m.has_response_address = true;
  m.response_address = Address(event.server);
  m.has_response_port = true;
  m.response_port = event.server.port;

  m.has_query_time_sec = m.has_query_time_nsec = true;
  SetTime(event.query_time_ns, m.query_time_sec, m.query_time_nsec);
  m.has_query_message = true;
  m.query_message = Bytes(event.query.data(), event.query_size);
  if (type == MessageType::kAuthResponse) {
    m.has_response_time_sec = m.has_response_time_nsec = true;
    SetTime(event.response_time_ns, m.response_time_sec, m.response_time_nsec);
    m.has_response_message = true;
    m.response_message = Bytes(event.response.data(), event.response_size);
  }

  Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
  d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
  d.message = &m;
  if (!options.identity.empty()) {
    d.has_identity = true;
    d.identity = Bytes(reinterpret_cast<const uint8_t*>(options.identity.data()),
                       options.identity.size());
  }
  if (!options.version.empty()) {
    d.has_version = true;
    d.version = Bytes(reinterpret_cast<const uint8_t*>(options.version.data()),
                      options.version.size());
  }
  size_t size = dnstap__dnstap__get_packed_size(&d);
  size_t at = out.size();
  out.resize(at + size);
  dnstap__dnstap__pack(&d, out.data() + at);
  return size;
}

}  // namespace dnsd::dnstap
