// The configuration as plain data: what the three kinds of YAML file say,
// after parsing and validation, before it is compiled into a Snapshot.
//
// Every string here is already validated and normalised: domain names are
// lower case without a trailing dot, prefixes have their host bits clear,
// DMARC and DKIM values are legal. Compiling never has to re-check them.
#ifndef DNSD_CONFIG_MODEL_H_
#define DNSD_CONFIG_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "dnsd/protocol/net/ip.h"

namespace dnsd::config {

// ---- dnsd.yaml: the server file -------------------------------------------

// 127.0.0.0/8 and ::1/128.
std::vector<IpPrefix> LoopbackPrefixes();

struct ProviderSettings {
  std::vector<std::string> nameservers;  // first one is the SOA MNAME
  std::string hostmaster;                // as a name: hostmaster.provider.test
  std::string spf_zone;                  // _spf.provider.test
  std::string spf_template = "%{i}._ip.%{h}._ehlo.%{d}";
  std::string dmarc_zone;                // _dmarc.provider.test
  std::string report_domain;             // reports.provider.test
  uint32_t ttl = 300;
  uint32_t negative_ttl = 60;            // SOA MINIMUM (RFC 2308)
  uint32_t soa_refresh = 3600;
  uint32_t soa_retry = 600;
  uint32_t soa_expire = 1209600;
  friend bool operator==(const ProviderSettings&, const ProviderSettings&) = default;
};

struct TcpSettings {
  uint32_t idle_timeout_ms = 10000;  // RFC 7766 §6.2.3
  uint32_t max_connections = 1024;
};

// Prometheus /metrics and the status page (restart-only).
struct MetricsSettings {
  bool enabled = true;
  std::string listen = "127.0.0.1:9153";  // loopback by default
  // Sender visibility: domains labelled in /metrics (the busiest; the rest
  // are summed as "_other"), and domains each worker keeps counts for.
  uint32_t top_domains = 50;
  uint32_t tracked_domains = 4096;
};

// Response rate limiting of UDP answers per client prefix, against
// reflection (restart-only; dnsd/server/rate_limiter.h).
struct RateLimitSettings {
  bool enabled = true;
  uint32_t responses_per_second = 1000;  // per prefix; also the burst
  uint32_t slip = 2;                     // every Nth limited answer goes out TC
  uint32_t ipv4_prefix = 24;
  uint32_t ipv6_prefix = 56;
  // Never limited. Loopback by default: the kernel drops packets from
  // outside that claim a loopback source, so answers to it cannot be aimed
  // at anyone else.
  std::vector<IpPrefix> allow = LoopbackPrefixes();
  uint32_t table_size = 65536;           // prefixes tracked at once
};

// The catalog refresher (restart-only): the recursive resolvers it asks,
// how often it asks them, and where it keeps the last good ranges.
struct ResolverSettings {
  std::vector<std::string> servers;  // "ADDR:PORT"; none = no refresh
  uint32_t timeout_ms = 2000;        // per query and server
};

struct RefreshSettings {
  bool enabled = true;
  uint32_t min_interval_s = 300;     // floor on the records' TTL
  uint32_t max_interval_s = 86400;   // ceiling on it
  uint32_t retry_initial_s = 30;     // first retry after a failure, then doubling
  uint32_t retry_max_s = 3600;
};

struct ServerConfig {
  std::string path;                  // the server file itself
  // Restart-only settings.
  std::vector<std::string> listen = {"127.0.0.1:5300"};  // "ADDR:PORT", "[v6]:PORT"
  uint32_t threads = 0;              // 0 = one worker per core
  TcpSettings tcp;
  MetricsSettings metrics;
  // The account to run as once the sockets are bound: "name" or
  // "name:group"; "" = stay as started.
  std::string user;
  RateLimitSettings rate_limit;
  // Reloadable settings.
  uint16_t udp_payload = 1232;       // our EDNS(0) payload size
  ProviderSettings provider;
  std::string catalog_path;          // resolved against the server file's folder
  std::string domains_dir;           // resolved against the server file's folder
  // Restart-only: the catalog refresher.
  ResolverSettings resolver;
  RefreshSettings refresh;
  std::string state_dir;             // resolved like catalog_path; "" = none
  // Refreshing runs only with a resolver configured and not switched off.
  bool refresh_active() const { return refresh.enabled && !resolver.servers.empty(); }
};

// ---- senders.yaml: the sending-service catalog ----------------------------

enum class SenderAnswer { kIp, kInclude };

struct SenderRanges {
  std::string as_of;  // YYYY-MM-DD the seed set was taken
  std::string from;   // where it was taken from (usually the include name)
  std::vector<IpPrefix> prefixes;
};

struct Sender {
  std::string id;                  // the key that domain files refer to
  std::string name;                // display name
  std::string include;             // SPF include domain
  std::vector<std::string> helo;   // lower-case patterns; "*." prefix = any subdomain
  SenderAnswer answer = SenderAnswer::kIp;
  SenderRanges ranges;
  // What `include:<include>` costs a receiver (RFC 7208 §4.6.4): DNS-
  // querying terms, the include itself counted, and void look-ups. Unset:
  // config/spf_budget.h's assumption.
  std::optional<int> lookups;
  std::optional<int> void_lookups;
  SourcePos pos;
};

struct Catalog {
  std::string path;
  std::vector<Sender> senders;     // sorted by id
  const Sender* Find(absl::string_view id) const;
};

// ---- domains/<domain>.yaml: one customer domain ---------------------------

enum class Mode { kMonitor, kEnforce, kBlocked };
// How the customer points _dmarc.<domain> at us; both are always served, this
// only decides what `dnsd records` tells the customer to publish.
enum class DmarcDelegation { kNs, kCname };
enum class AllQualifier { kSoftfail, kFail };

struct SpfSection {
  std::vector<std::string> senders;   // catalog ids, all known
  std::vector<IpPrefix> netblocks;
  std::vector<std::string> terms;     // raw SPF mechanisms for rule 6 (policy/spf/terms_answer.h)
  AllQualifier all = AllQualifier::kSoftfail;
  // DNS-querying terms the customer's published record spends besides its
  // include of dnsd's macro name (which dnsd counts itself).
  int published_lookups = 0;
};

// RFC 7489 §6.3 tags plus DMARCbis `np`, `psd`, `t`. Absent optional tags are
// not published (receivers apply the RFC defaults).
struct DmarcPolicy {
  std::string p;                      // none | quarantine | reject
  std::optional<std::string> sp;      // none | quarantine | reject
  std::optional<std::string> np;      // none | quarantine | reject
  std::optional<int> pct;             // 0..100
  std::vector<std::string> rua;       // URIs, e.g. "mailto:agg@example.com!10m"
  std::vector<std::string> ruf;
  std::optional<char> adkim;          // 'r' | 's'
  std::optional<char> aspf;           // 'r' | 's'
  std::optional<std::string> fo;      // "0", "1", "d", "s", colon-separated
  std::optional<uint32_t> ri;         // seconds
  std::optional<std::string> rf;      // "afrf"
  std::optional<char> psd;            // 'y' | 'n' | 'u'
  std::optional<char> t;              // 'y' | 'n'
};

struct DkimKey {
  enum class Kind { kKey, kCname, kRevoked };
  Kind kind = Kind::kKey;
  // kKey
  std::string key_type = "rsa";       // rsa | ed25519
  std::string public_key;             // base64, whitespace removed
  int key_bits = 0;                   // measured from the key: 1024..4096, or 256
  std::vector<std::string> hash;      // h= (sha256, sha1)
  std::vector<std::string> flags;     // t= (y, s)
  std::string service;                // s= ("" = not published)
  std::string notes;                  // n=
  // kCname
  std::string cname;                  // target name
};

struct DkimSelector {
  std::string selector;               // lower case; may contain dots
  DkimKey key;
  SourcePos pos;
};

struct DomainConfig {
  std::string file;
  std::string domain;                 // lower case, no trailing dot
  Mode mode = Mode::kMonitor;
  bool include_subdomains = false;
  DmarcDelegation dmarc_delegation = DmarcDelegation::kNs;
  SpfSection spf;
  DmarcPolicy dmarc;                  // monitor: p=none; blocked: p=reject
  std::vector<DkimSelector> dkim;
  SourcePos pos;                      // of the `domain:` value
  // Which read of the file this is (ReadDomainFile numbers every read), so
  // that a reload can tell an unchanged domain without comparing it.
  // 0: not read from a file, never taken as unchanged.
  uint64_t version = 0;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_MODEL_H_
