// The configuration as plain data: what the three kinds of YAML file say,
// after parsing and validation, before it is compiled into a Snapshot.
//
// Every string here is already validated and normalised: domain names are
// lower case without a trailing dot, prefixes have their host bits clear,
// DMARC and DKIM values are legal. Compiling never has to re-check them.
#ifndef DNSD_CONFIG_MODEL_H_
#define DNSD_CONFIG_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/diagnostic.h"
#include "config/dnstap_section.h"
#include "dnsd/protocol/net/ip.h"
#include "policy/bimi/bimi_section.h"
#include "policy/dkim/dkim_section.h"
#include "policy/dmarc/dmarc_section.h"
#include "policy/mta_sts/mta_sts_section.h"
#include "policy/spf/spf_section.h"
#include "policy/tls_rpt/tls_rpt_section.h"

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
  // Zones the record families add (Family::provider_keys), by key:
  // "tls_rpt_zone" -> "_tls-rpt.provider.test". Absent: not served.
  std::map<std::string, std::string> family_zones;
  friend bool operator==(const ProviderSettings&, const ProviderSettings&) = default;
};

struct TcpSettings {
  uint32_t idle_timeout_ms = 10000;  // RFC 7766 §6.2.3
  uint32_t max_connections = 1024;
  // Per client prefix (rate_limit's ipv4_prefix and ipv6_prefix), so one
  // host cannot take every connection (RFC 7766 §6.2.2).
  uint32_t max_connections_per_prefix = 64;
  friend bool operator==(const TcpSettings&, const TcpSettings&) = default;
};

// Prometheus /metrics and the status page (restart-only).
struct MetricsSettings {
  bool enabled = true;
  std::string listen = "127.0.0.1:9153";  // loopback by default
  // Sender visibility: domains labelled in /metrics (the busiest; the rest
  // are summed as "_other"), and domains each worker keeps counts for.
  uint32_t top_domains = 50;
  uint32_t tracked_domains = 4096;
  // The endpoint's own HTTP server (dnsd/http/limits.h). Prometheus keeps
  // one connection per target, so a client with more than a few is not a
  // scraper; the total leaves room for several scrapers, probes and curls.
  uint32_t max_connections = 64;
  uint32_t max_connections_per_client = 8;
  uint32_t header_timeout_ms = 5000;  // the whole request head, and keep-alive idle
  friend bool operator==(const MetricsSettings&, const MetricsSettings&) = default;
};

// The MTA-STS policy host's HTTP listener (restart-only;
// dnsd/mta_sts/policy_service.h): plain HTTP, for an HTTPS proxy in front.
// Off unless the server file has an `mta_sts:` section: a new version of a
// DNS server must not open a port nobody asked for (nor fail to start when
// another program holds it).
struct MtaStsHttpSettings {
  bool enabled = false;
  std::string http_listen = "127.0.0.1:8461";  // loopback by default
  // Behind a proxy every connection comes from the proxy's address, so the
  // per-client cap must leave room for its pool.
  uint32_t max_connections = 1024;
  uint32_t max_connections_per_client = 256;
  uint32_t header_timeout_ms = 5000;  // the whole request head, and keep-alive idle
  friend bool operator==(const MtaStsHttpSettings&, const MtaStsHttpSettings&) = default;
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
  friend bool operator==(const RateLimitSettings&, const RateLimitSettings&) = default;
};

// The catalog refresher (restart-only): the recursive resolvers it asks,
// how often it asks them, and where it keeps the last good ranges.
struct ResolverSettings {
  std::vector<std::string> servers;  // "ADDR:PORT"; none = no refresh
  uint32_t timeout_ms = 2000;        // per query and server
  friend bool operator==(const ResolverSettings&, const ResolverSettings&) = default;
};

struct RefreshSettings {
  bool enabled = true;
  uint32_t min_interval_s = 300;     // floor on the records' TTL
  uint32_t max_interval_s = 86400;   // ceiling on it
  uint32_t retry_initial_s = 30;     // first retry after a failure, then doubling
  uint32_t retry_max_s = 3600;
  friend bool operator==(const RefreshSettings&, const RefreshSettings&) = default;
};

// The guard against publishing a configuration that drops many domains at
// once (config/drop_guard.h).
struct GuardSettings {
  uint32_t max_drop_percent = 10;  // of the domains being served
  uint32_t small_drop = 10;        // dropping this many or fewer always passes
};

// How the file watcher turns edits into reloads.
struct ReloadSettings {
  // Quiet time after the last change before a reload: editors and deploy
  // tools write a file, or a folder of files, in several steps.
  uint32_t settle_ms = 300;
  friend bool operator==(const ReloadSettings&, const ReloadSettings&) = default;
};

struct ServerConfig {
  std::string path;                  // the server file itself
  // Restart-only settings.
  std::vector<std::string> listen = {"127.0.0.1:5300"};  // "ADDR:PORT", "[v6]:PORT"
  uint32_t threads = 0;              // 0 = one worker per CPU of the affinity mask
  TcpSettings tcp;
  MetricsSettings metrics;
  // The account to run as once the sockets are bound: "name" or
  // "name:group"; "" = stay as started.
  std::string user;
  RateLimitSettings rate_limit;
  MtaStsHttpSettings mta_sts;
  ReloadSettings reload;
  // Reloadable settings.
  uint16_t udp_payload = 1232;       // our EDNS(0) payload size
  // What NSID (RFC 5001) and CHAOS id.server/hostname.bind answer; "" =
  // nothing (NSD's hide-identity). Printable ASCII, at most 255 octets.
  std::string identity;
  ProviderSettings provider;
  GuardSettings guard;
  std::string catalog_path;          // resolved against the server file's folder
  std::string domains_dir;           // resolved against the server file's folder
  // Restart-only: the catalog refresher.
  ResolverSettings resolver;
  RefreshSettings refresh;
  std::string state_dir;             // resolved like catalog_path; "" = none
  // Restart-only: dnstap output (config/dnstap_section.h).
  DnstapSettings dnstap;
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
  // Other names people type for it ("gsuite"): only for did-you-mean hints.
  std::vector<std::string> aliases;
  std::string include;             // SPF include domain
  std::vector<std::string> helo;   // lower-case patterns; "*." prefix = any subdomain
  SenderAnswer answer = SenderAnswer::kIp;
  SenderRanges ranges;
  // What `include:<include>` costs a receiver (RFC 7208 §4.6.4): DNS-
  // querying terms, the include itself counted, and void look-ups. Unset:
  // policy/spf/spf_budget.h's assumption.
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

struct DomainConfig;

// What a domain's entry in the loaded configuration is: its name, its file
// and which read of that file it is. A DomainConfig is one, with the whole
// model besides. A serving dnsd keeps the model only while it needs it
// (config/config_state.h, "Releasing models"): at a million domains the
// model, read once to compile, is most of what a domain costs. What stays
// is enough to list, compare and find a domain, and to tell whether its
// compile still holds; to compile it again, its file is read again.
struct DomainHead {
  // Shared with every position read from the file: a domain's path was a
  // second heap copy of it, kept for every domain.
  FileName file;
  std::string domain;                 // lower case, no trailing dot
  // Which read of the file this is (ReadDomainFile numbers every read), so
  // that a reload can tell an unchanged domain without comparing it.
  // 0: not read from a file, never taken as unchanged.
  uint64_t version = 0;

  // Of the `domain:` value, in `file`. Kept as a line and a column (at
  // most 65,535: a position past it says 65,535), beside whether it has
  // a model, in 8 octets: a SourcePos would repeat `file` and take a
  // released head a size class up.
  SourcePos pos() const { return SourcePos{file, static_cast<int>(line_), column_}; }
  void set_pos(const SourcePos& pos);

  // The whole model; null once released.
  const DomainConfig* model() const;
  // Once released: the catalog entries its compile reads
  // (RecordFamily::Inputs, config/family.h's InputsOf), so that a changed
  // catalog tells whether it must be compiled again.
  std::vector<std::string> released_inputs() const;

  // What stays of `d` once its model is released.
  static std::shared_ptr<const DomainHead> Released(const DomainConfig& d,
                                                    const std::vector<std::string>& inputs);
  // A released head as the compiled image (config/compiled_image.h) kept
  // it: `inputs` as released_inputs() gives them, each followed by a NUL.
  static std::shared_ptr<const DomainHead> Restored(FileName file, std::string domain,
                                                    SourcePos pos, uint64_t version,
                                                    absl::string_view inputs);

 protected:
  DomainHead() = default;
  // Protected: a copy of a DomainConfig's head alone would claim a model
  // it does not have.
  DomainHead(const DomainHead&) = default;
  DomainHead(DomainHead&&) = default;
  DomainHead& operator=(const DomainHead&) = default;
  DomainHead& operator=(DomainHead&&) = default;
  ~DomainHead() = default;

  uint32_t line_ = 0;
  uint16_t column_ = 0;
  bool has_model_ = false;
};

struct DomainConfig : DomainHead {
  DomainConfig() { has_model_ = true; }

  Mode mode = Mode::kMonitor;
  bool include_subdomains = false;
  // One section per record family (config/family.h; each is defined in
  // its family's room, policy/<family>/). A section the file leaves out
  // is left at its defaults.
  SpfSection spf;
  DmarcPolicy dmarc;                  // monitor: p=none; blocked: p=reject
  DkimSection dkim;
  BimiSection bimi;
  TlsRptSection tls_rpt;
  MtaStsSection mta_sts;
};

inline const DomainConfig* DomainHead::model() const {
  return has_model_ ? static_cast<const DomainConfig*>(this) : nullptr;
}

// What DomainHead::Released makes: a head, and the ids it read from the
// model it released, each followed by a NUL, in one text: a vector of a
// handful of strings took three times the bytes, and a std::string's 32
// octets took the head, which every released domain has, a size class up
// (static_assert in model.cc).
// The text is held once for every domain that names the same senders (a
// catalog has dozens, a domain a few): an array of its own was an
// allocation a domain.
struct ReleasedHead : DomainHead {
  ReleasedHead(const DomainHead& head, const std::vector<std::string>& ids);
  ReleasedHead(FileName file, std::string domain, SourcePos pos, uint64_t version,
               absl::string_view inputs);
  SharedText inputs;
};

}  // namespace dnsd::config

#endif  // DNSD_CONFIG_MODEL_H_
