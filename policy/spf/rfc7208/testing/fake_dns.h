// An in-memory spf::Dns for tests: records per name, in the order added,
// with the OpenSPF test suite's failure rules (see
// /usr/share/doc/python3-spf/testspf.py.gz, DNSLookup):
//  - a bare timeout entry makes every type without an earlier record of
//    that type time out; a typed timeout makes that type time out;
//  - unlisted names are NXDOMAIN, except names starting with "error."
//    (time-outs); a listed name without records of a type is NODATA;
//  - CNAMEs are followed (a loop is a temperror).
// Names are matched case-insensitively, without trailing dots. Every query
// is logged. Not thread-safe.
#ifndef DNSD_POLICY_SPF_RFC7208_TESTING_FAKE_DNS_H_
#define DNSD_POLICY_SPF_RFC7208_TESTING_FAKE_DNS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/spf/rfc7208/dns.h"

namespace dnsd::spf {

class FakeDns : public Dns {
 public:
  enum class Type : uint8_t { kTxt, kA, kAaaa, kMx, kPtr, kCname, kAny };

  void AddTxt(absl::string_view name, absl::string_view text);
  // "192.0.2.1" goes to A, "2001:db8::1" to AAAA.
  void AddAddress(absl::string_view name, absl::string_view ip);
  void AddMx(absl::string_view name, uint16_t preference, absl::string_view exchange);
  void AddPtr(absl::string_view name, absl::string_view target);
  void AddCname(absl::string_view name, absl::string_view target);
  // A name that exists, with no records yet.
  void AddName(absl::string_view name);
  // kAny: the bare TIMEOUT entry; another type: only that type times out.
  void AddTimeout(absl::string_view name, Type type = Type::kAny);
  bool HasType(absl::string_view name, Type type) const;

  DnsAnswer Txt(absl::string_view name) override { return Lookup(name, Type::kTxt); }
  DnsAnswer A(absl::string_view name) override { return Lookup(name, Type::kA); }
  DnsAnswer Aaaa(absl::string_view name) override { return Lookup(name, Type::kAaaa); }
  DnsAnswer Mx(absl::string_view name) override { return Lookup(name, Type::kMx); }
  DnsAnswer Ptr(absl::string_view name) override { return Lookup(name, Type::kPtr); }

  // "TXT example.com", one per query, in order.
  const std::vector<std::string>& queries() const { return queries_; }

 private:
  struct Entry {
    Type type = Type::kAny;
    bool timeout = false;
    std::string text;  // TXT, PTR / CNAME / MX target
    IpAddress address;
    uint16_t preference = 0;
  };
  std::vector<Entry>& EntriesFor(absl::string_view name);
  DnsAnswer Lookup(absl::string_view name, Type type, int depth = 0);

  absl::flat_hash_map<std::string, std::vector<Entry>> zone_;
  std::vector<std::string> queries_;
};

}  // namespace dnsd::spf

#endif  // DNSD_POLICY_SPF_RFC7208_TESTING_FAKE_DNS_H_
