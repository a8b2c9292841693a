#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/endpoint.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dnsd {

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not ADDRESS:PORT (IPv6 as [ADDRESS]:PORT)"));
  };
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return bad();
  absl::string_view host = text.substr(0, colon);
  absl::string_view port_text = text.substr(colon + 1);
  Endpoint ep;
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') return bad();
    host = host.substr(1, host.size() - 2);
    ep.v6 = true;
  } else if (host.find(':') != absl::string_view::npos) {
    return bad();
  }
  auto addr = ParseIpAddress(host);
  if (!addr.ok() || (ep.v6 && host.find(':') == absl::string_view::npos)) return bad();
  ep.address = *addr;
  uint32_t port = 0;
  if (!absl::SimpleAtoi(port_text, &port) || port > 65535 ||
      port_text.find_first_not_of("0123456789") != absl::string_view::npos) {
    return bad();
  }
  ep.port = static_cast<uint16_t>(port);
  return ep;
}

std::string FormatEndpoint(const Endpoint& ep) {
  if (ep.v6) return absl::StrCat("[", FormatIpAddress(ep.address, true), "]:", ep.port);
  return absl::StrCat(FormatIpAddress(ep.address), ":", ep.port);
}

}  // namespace dnsd
