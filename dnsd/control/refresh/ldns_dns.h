// spf::Dns over ldns's stub resolver: the catalog refresher's questions go
// to the configured recursive resolvers (RD set), one after the other until
// one answers, each with its own timeout.
//
// Why ldns and not Boost.Asio: the refresher asks a few dozen questions per
// sender every few minutes on a thread of its own, where blocking is free;
// ldns (already a dependency) brings the message building and parsing, EDNS,
// and the retry over TCP when an answer is truncated (long TXT records of
// vendors do not always fit a UDP answer), none of which dnsd's query-path
// wire code does for the client side. An asynchronous client would buy
// nothing here and add a second, untested DNS client.
//
// Not thread-safe: one instance per thread (the refresher has one).
#ifndef DNSD_CONTROL_REFRESH_LDNS_DNS_H_
#define DNSD_CONTROL_REFRESH_LDNS_DNS_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/model.h"
#include "dnsd/protocol/net/endpoint.h"
#include "policy/spf/rfc7208/dns.h"

struct ldns_struct_resolver;

namespace dnsd::refresh {

class LdnsDns : public spf::Dns {
 public:
  // `servers`: "ADDR:PORT" endpoints of recursive resolvers, tried in order.
  static absl::StatusOr<std::unique_ptr<LdnsDns>> Create(const std::vector<Endpoint>& servers,
                                                         std::chrono::milliseconds timeout);
  // The server file's `resolver:` setting.
  static absl::StatusOr<std::unique_ptr<spf::Dns>> FromSettings(
      const config::ResolverSettings& settings);
  ~LdnsDns() override;
  LdnsDns(const LdnsDns&) = delete;
  LdnsDns& operator=(const LdnsDns&) = delete;

  spf::DnsAnswer Txt(absl::string_view name) override;
  spf::DnsAnswer A(absl::string_view name) override;
  spf::DnsAnswer Aaaa(absl::string_view name) override;
  spf::DnsAnswer Mx(absl::string_view name) override;
  spf::DnsAnswer Ptr(absl::string_view name) override;

  // Why the last kTempError happened, for logs.
  const std::string& last_error() const { return last_error_; }

 private:
  LdnsDns() = default;
  spf::DnsAnswer Query(absl::string_view name, uint16_t type);

  // One ldns resolver per server: ldns has one port per resolver.
  std::vector<ldns_struct_resolver*> resolvers_;
  std::vector<std::string> names_;  // "ADDR:PORT", for messages
  std::string last_error_;
};

}  // namespace dnsd::refresh

#endif  // DNSD_CONTROL_REFRESH_LDNS_DNS_H_
