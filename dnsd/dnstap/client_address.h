// The client address a dnstap message carries, after the operator's
// `client_address` choice: resolvers' addresses can be personal data.
// Plain functions over plain data.
#ifndef DNSD_DNSTAP_CLIENT_ADDRESS_H_
#define DNSD_DNSTAP_CLIENT_ADDRESS_H_

#include "dnsd/dnstap/event.h"
#include "dnsd/dnstap/options.h"

namespace dnsd::dnstap {

// Clears every bit of `address` past the first `bits` (of 32 for IPv4,
// 128 for IPv6; clamped to the family's size).
Endpoint TruncateAddress(const Endpoint& client, int bits);

// What is written as query_address / query_port; nullopt-like: `present`
// false means both are left out (ClientAddress::kNone).
struct ClientFields {
  bool present = false;
  Endpoint endpoint;
};
ClientFields ClientFieldsFor(const Endpoint& client, const Options& options);

}  // namespace dnsd::dnstap

#endif  // DNSD_DNSTAP_CLIENT_ADDRESS_H_
