#include "dnsd/dnstap/client_address.h"

#include <algorithm>

namespace dnsd::dnstap {

Endpoint TruncateAddress(const Endpoint& client, int bits) {
  Endpoint out = client;
  int size = client.v6 ? 128 : 32;
  bits = std::clamp(bits, 0, size);
  for (int i = 0; i < size / 8; ++i) {
    int kept = std::clamp(bits - 8 * i, 0, 8);
    out.address[i] &= static_cast<uint8_t>(0xff00 >> kept);
  }
  return out;
}

ClientFields ClientFieldsFor(const Endpoint& client, const Options& options) {
  switch (options.client_address) {
    case ClientAddress::kFull:
      return {true, client};
    case ClientAddress::kPrefix: {
      // A prefix stands for many clients: the port would single one out.
      Endpoint e = TruncateAddress(client, client.v6 ? options.ipv6_prefix : options.ipv4_prefix);
      e.port = 0;
      return {true, e};
    }
    case ClientAddress::kNone:
      break;
  }
  return {};
}

}  // namespace dnsd::dnstap
