// LoadServerFile: dnsd.yaml, the listen addresses, worker settings and the
// provider's own names.

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "config/dnstap_section.h"
#include "config/family.h"
#include "config/field_readers.h"
#include "config/loader.h"
#include "config/names.h"
#include "config/quote.h"
#include "config/yaml_reader.h"

namespace dnsd::config {

namespace {

constexpr absl::string_view kServerKeys[] = {
    "listen",   "threads",  "tcp",     "udp_payload", "provider",
    "catalog",  "domains",  "metrics", "user",        "rate_limit",
    "resolver", "refresh",  "state_dir", "guard",    "identity",
    "dnstap",      "mta_sts", "reload"};
constexpr absl::string_view kGuardKeys[] = {"max_drop_percent", "small_drop"};
constexpr absl::string_view kReloadKeys[] = {"settle_ms"};
constexpr absl::string_view kRateLimitKeys[] = {
    "enabled",     "responses_per_second", "slip", "ipv4_prefix",
    "ipv6_prefix", "allow",                "table_size"};
constexpr absl::string_view kMetricsKeys[] = {"listen",
                                               "enabled",
                                               "top_domains",
                                               "tracked_domains",
                                               "max_connections",
                                               "max_connections_per_client",
                                               "header_timeout_ms"};
constexpr absl::string_view kMtaStsKeys[] = {"enabled", "http_listen", "max_connections",
                                             "max_connections_per_client", "header_timeout_ms"};
constexpr absl::string_view kTcpKeys[] = {"idle_timeout_ms", "max_connections",
                                          "max_connections_per_prefix"};
constexpr absl::string_view kProviderKeys[] = {
    "nameservers",   "hostmaster", "spf_zone",     "spf_template", "dmarc_zone",
    "report_domain", "ttl",        "negative_ttl", "soa"};
constexpr absl::string_view kSoaKeys[] = {"refresh", "retry", "expire"};
constexpr absl::string_view kResolverKeys[] = {"servers", "timeout_ms"};
constexpr absl::string_view kRefreshKeys[] = {"enabled", "min_interval_s", "max_interval_s",
                                              "retry_initial_s", "retry_max_s"};

// RFC 2181 §8: TTLs and SOA timers are 31-bit in practice.
constexpr int64_t kMaxTimer = 2147483647;

template <typename T, typename U>
void Assign(const std::optional<U>& value, T& out) {
  if (value) out = static_cast<T>(*value);
}

// "192.0.2.1:53" or "[2001:db8::1]:53".
absl::Status CheckListenAddress(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address ", Quoted(text), " ", why));
  };
  size_t colon = text.rfind(':');
  if (colon == absl::string_view::npos) return bad("has no port (ADDR:PORT)");
  absl::string_view host = text.substr(0, colon);
  absl::string_view port_text = text.substr(colon + 1);
  bool bracketed =
      host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  bool v6 = host.find(':') != absl::string_view::npos;
  if (v6 != bracketed) {
    return bad(v6 ? "needs brackets around IPv6: [ADDR]:PORT"
                  : "has brackets around an IPv4 address");
  }
  if (!ParseIpAddress(host).ok()) return bad("is not an IP address and port");
  uint32_t port = 0;
  if (port_text.empty() || !absl::ascii_isdigit(port_text[0]) ||
      !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
    return bad("has a bad port (1 to 65535)");
  }
  return absl::OkStatus();
}

std::vector<std::string> ReadListen(YamlReader& r, const Value& value) {
  std::vector<std::string> listen;
  std::optional<std::vector<StringItem>> items = r.StringList(value);
  if (!items) return listen;
  absl::flat_hash_set<std::string> seen;  // linear, however long the list
  if (items->empty()) r.ValueError(value, "needs at least one address");
  for (StringItem& item : *items) {
    absl::Status status = CheckListenAddress(item.text);
    if (!status.ok()) {
      r.Error(item.pos, std::string(status.message()));
    } else if (!seen.insert(item.text).second) {
      r.Error(item.pos, absl::StrCat(Quoted(item.text), " is listed twice"));
    } else {
      listen.push_back(std::move(item.text));
    }
  }
  return listen;
}

void ReadTcp(YamlReader& r, const Value& value, TcpSettings& tcp) {
  std::optional<Fields> f = r.Map(value, kTcpKeys);
  if (!f) return;
  if (const Value* v = f->Get("idle_timeout_ms")) {
    Assign(r.Integer(*v, 1, 3600000), tcp.idle_timeout_ms);
  }
  if (const Value* v = f->Get("max_connections")) {
    Assign(r.Integer(*v, 1, 1000000), tcp.max_connections);
  }
  if (const Value* v = f->Get("max_connections_per_prefix")) {
    Assign(r.Integer(*v, 1, 1000000), tcp.max_connections_per_prefix);
  }
}

// The limits both HTTP listeners take (metrics, the MTA-STS policy host).
template <typename Settings>
void ReadHttpLimits(YamlReader& r, const Fields& f, Settings& http) {
  if (const Value* v = f.Get("max_connections"))
    Assign(r.Integer(*v, 1, 1000000), http.max_connections);
  if (const Value* v = f.Get("max_connections_per_client"))
    Assign(r.Integer(*v, 1, 1000000), http.max_connections_per_client);
  if (const Value* v = f.Get("header_timeout_ms"))
    Assign(r.Integer(*v, 100, 60000), http.header_timeout_ms);
}

// One ADDR:PORT, if `value` is there and valid.
void ReadListen(YamlReader& r, const Value* value, std::string& listen) {
  if (value == nullptr) return;
  std::optional<std::string> text = r.String(*value);
  if (!text) return;
  absl::Status status = CheckListenAddress(*text);
  if (!status.ok()) {
    r.ValueError(*value, status.message());
  } else {
    listen = *text;
  }
}

void ReadMetrics(YamlReader& r, const Value& value, MetricsSettings& metrics) {
  std::optional<Fields> f = r.Map(value, kMetricsKeys);
  if (!f) return;
  if (const Value* v = f->Get("enabled")) Assign(r.Bool(*v), metrics.enabled);
  if (const Value* v = f->Get("top_domains"))
    Assign(r.Integer(*v, 0, 10000), metrics.top_domains);
  if (const Value* v = f->Get("tracked_domains"))
    Assign(r.Integer(*v, 0, 1 << 20), metrics.tracked_domains);
  ReadHttpLimits(r, *f, metrics);
  ReadListen(r, f->Get("listen"), metrics.listen);
}

void ReadMtaStsHttp(YamlReader& r, const Value& value, MtaStsHttpSettings& http) {
  std::optional<Fields> f = r.Map(value, kMtaStsKeys);
  if (!f) return;
  http.enabled = true;  // the section asks for it
  if (const Value* v = f->Get("enabled")) Assign(r.Bool(*v), http.enabled);
  ReadHttpLimits(r, *f, http);
  ReadListen(r, f->Get("http_listen"), http.http_listen);
}

// "name" or "name:group": POSIX portable names (letters, digits, '.', '_',
// '-', not starting with '-'), at most 32 characters each, as useradd takes
// them. Whether the account exists is checked by `dnsd serve`, on the
// machine that runs it, not here.
std::optional<std::string> ReadUser(YamlReader& r, const Value& value) {
  std::optional<std::string> text = r.String(value);
  if (!text) return std::nullopt;
  auto bad_part = [](absl::string_view part) -> const char* {
    if (part.empty()) return "is empty";
    if (part.size() > 32) return "is longer than 32 characters";
    if (part.front() == '-') return "starts with '-'";
    if (part.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789._-") != absl::string_view::npos) {
      return "has a character other than letters, digits, '.', '_' and '-'";
    }
    if (part.find_first_not_of("0123456789") == absl::string_view::npos) {
      return "is a number; give the name";
    }
    return nullptr;
  };
  absl::string_view whole = *text;
  size_t colon = whole.find(':');
  absl::string_view name = whole.substr(0, colon);
  if (const char* why = bad_part(name)) {
    r.ValueError(value, absl::StrCat("the user name in ", Quoted(whole), " ", why));
    return std::nullopt;
  }
  if (colon != absl::string_view::npos) {
    if (const char* why = bad_part(whole.substr(colon + 1))) {
      r.ValueError(value, absl::StrCat("the group name in ", Quoted(whole), " ", why));
      return std::nullopt;
    }
  }
  return text;
}

void ReadRateLimit(YamlReader& r, const Value& value, RateLimitSettings& rrl) {
  std::optional<Fields> f = r.Map(value, kRateLimitKeys);
  if (!f) return;
  if (const Value* v = f->Get("enabled")) Assign(r.Bool(*v), rrl.enabled);
  if (const Value* v = f->Get("responses_per_second")) {
    Assign(r.Integer(*v, 1, 1000000), rrl.responses_per_second);
  }
  if (const Value* v = f->Get("slip")) Assign(r.Integer(*v, 0, 100), rrl.slip);
  if (const Value* v = f->Get("ipv4_prefix")) Assign(r.Integer(*v, 8, 32), rrl.ipv4_prefix);
  if (const Value* v = f->Get("ipv6_prefix")) Assign(r.Integer(*v, 16, 128), rrl.ipv6_prefix);
  if (const Value* v = f->Get("allow")) rrl.allow = ReadPrefixList(r, *v, Family::kAny);
  if (const Value* v = f->Get("table_size")) {
    Assign(r.Integer(*v, 1024, 16777216), rrl.table_size);
  }
}

// What NSID and CHAOS id.server answer (RFC 5001, RFC 4892): printable
// ASCII, so that it reads the same in kdig's NSID line and in a TXT
// string, and one TXT string long (RFC 1035 §3.3.14).
std::optional<std::string> ReadIdentity(YamlReader& r, const Value& value) {
  std::optional<std::string> text = r.String(value);
  if (!text) return std::nullopt;
  if (text->empty()) {
    r.ValueError(value, "must not be empty; leave `identity` out to answer no identity");
    return std::nullopt;
  }
  if (text->size() > 255) {
    r.ValueError(value, absl::StrCat("is ", text->size(), " octets long; at most 255 fit"));
    return std::nullopt;
  }
  for (char c : *text) {
    if (c < 0x20 || c > 0x7e) {
      r.ValueError(value, "must be printable ASCII (space to '~')");
      return std::nullopt;
    }
  }
  return text;
}

// The SOA RNAME (RFC 1035 §3.3.13) as a name; "hostmaster@provider.test" is
// accepted as the mailbox it stands for.
std::optional<std::string> ReadHostmaster(YamlReader& r, const Value& value) {
  std::optional<std::string> text = r.String(value);
  if (!text) return std::nullopt;
  std::string name = *text;
  if (size_t at = name.find('@'); at != std::string::npos) {
    if (name.substr(0, at).find('.') != std::string::npos) {
      r.ValueError(value,
                   "a mailbox with a dot before '@' cannot be an SOA "
                   "RNAME here; use one without dots");
      return std::nullopt;
    }
    name[at] = '.';
  }
  absl::StatusOr<std::string> normalized = NormalizeDomainName(name);
  if (!normalized.ok()) {
    r.ValueError(value, normalized.status().message());
    return std::nullopt;
  }
  return *std::move(normalized);
}

void ReadGuard(YamlReader& r, const Value& value, GuardSettings& g) {
  std::optional<Fields> f = r.Map(value, kGuardKeys);
  if (!f) return;
  if (const Value* v = f->Get("max_drop_percent")) Assign(r.Integer(*v, 0, 100), g.max_drop_percent);
  if (const Value* v = f->Get("small_drop")) Assign(r.Integer(*v, 0, 1000000), g.small_drop);
}

void ReadReload(YamlReader& r, const Value& value, ReloadSettings& reload) {
  std::optional<Fields> f = r.Map(value, kReloadKeys);
  if (!f) return;
  if (const Value* v = f->Get("settle_ms")) Assign(r.Integer(*v, 0, 10000), reload.settle_ms);
}

void ReadSoa(YamlReader& r, const Value& value, ProviderSettings& p) {
  std::optional<Fields> f = r.Map(value, kSoaKeys);
  if (!f) return;
  if (const Value* v = f->Get("refresh"))
    Assign(r.Integer(*v, 1, kMaxTimer), p.soa_refresh);
  if (const Value* v = f->Get("retry"))
    Assign(r.Integer(*v, 1, kMaxTimer), p.soa_retry);
  if (const Value* v = f->Get("expire"))
    Assign(r.Integer(*v, 1, kMaxTimer), p.soa_expire);
}

// The provider keys every server file has, and the zones the record
// families add (config/family.h: provider_keys).
std::vector<absl::string_view> ProviderKeys() {
  std::vector<absl::string_view> keys(std::begin(kProviderKeys), std::end(kProviderKeys));
  for (const RecordFamily* family : Families()) {
    absl::Span<const absl::string_view> own = family->provider_keys();
    keys.insert(keys.end(), own.begin(), own.end());
  }
  return keys;
}

void ReadProvider(YamlReader& r, const Value& value, ProviderSettings& p) {
  std::vector<absl::string_view> keys = ProviderKeys();
  std::optional<Fields> f = r.Map(value, keys);
  if (!f) return;
  for (size_t i = std::size(kProviderKeys); i < keys.size(); ++i) {
    if (const Value* v = f->Get(keys[i])) {
      if (auto name = ReadDomainName(r, *v)) p.family_zones[std::string(keys[i])] = *name;
    }
  }
  if (const Value* v = r.Require(*f, "nameservers")) {
    p.nameservers = ReadDomainNameList(r, *v);
    if (v->node.IsSequence() && v->node.size() == 0) {
      r.ValueError(*v, "needs at least one name server");
    }
  }
  if (const Value* v = r.Require(*f, "hostmaster"))
    Assign(ReadHostmaster(r, *v), p.hostmaster);
  if (const Value* v = r.Require(*f, "spf_zone"))
    Assign(ReadDomainName(r, *v), p.spf_zone);
  if (const Value* v = r.Require(*f, "dmarc_zone"))
    Assign(ReadDomainName(r, *v), p.dmarc_zone);
  if (const Value* v = r.Require(*f, "report_domain"))
    Assign(ReadDomainName(r, *v), p.report_domain);
  if (const Value* v = f->Get("spf_template")) {
    std::optional<std::string> text = r.String(*v);
    if (text && text->empty()) r.ValueError(*v, "must not be empty");
    if (text && !text->empty()) p.spf_template = *text;
  }
  if (const Value* v = f->Get("ttl")) Assign(r.Integer(*v, 1, 86400), p.ttl);
  if (const Value* v = f->Get("negative_ttl"))
    Assign(r.Integer(*v, 0, 86400), p.negative_ttl);
  if (const Value* v = f->Get("soa")) ReadSoa(r, *v, p);
}


// ---- the catalog refresher: resolver, refresh, state_dir -----------------

void ReadResolver(YamlReader& r, const Value& value, ResolverSettings& resolver) {
  std::optional<Fields> f = r.Map(value, kResolverKeys);
  if (!f) return;
  if (const Value* v = r.Require(*f, "servers")) {
    // The same ADDR:PORT form as `listen`, and the same checks.
    resolver.servers = ReadListen(r, *v);
  }
  if (const Value* v = f->Get("timeout_ms")) {
    Assign(r.Integer(*v, 10, 60000), resolver.timeout_ms);
  }
}

void ReadRefresh(YamlReader& r, const Value& value, RefreshSettings& refresh) {
  std::optional<Fields> f = r.Map(value, kRefreshKeys);
  if (!f) return;
  constexpr int64_t kWeek = 7 * 86400;
  if (const Value* v = f->Get("enabled")) Assign(r.Bool(*v), refresh.enabled);
  if (const Value* v = f->Get("min_interval_s")) {
    Assign(r.Integer(*v, 1, kWeek), refresh.min_interval_s);
  }
  if (const Value* v = f->Get("max_interval_s")) {
    Assign(r.Integer(*v, 1, kWeek), refresh.max_interval_s);
  }
  if (const Value* v = f->Get("retry_initial_s")) {
    Assign(r.Integer(*v, 1, kWeek), refresh.retry_initial_s);
  }
  if (const Value* v = f->Get("retry_max_s")) {
    Assign(r.Integer(*v, 1, kWeek), refresh.retry_max_s);
  }
  if (refresh.min_interval_s > refresh.max_interval_s) {
    r.ValueError(value, absl::StrCat("min_interval_s (", refresh.min_interval_s,
                                     ") is above max_interval_s (", refresh.max_interval_s, ")"));
  }
  if (refresh.retry_initial_s > refresh.retry_max_s) {
    r.ValueError(value, absl::StrCat("retry_initial_s (", refresh.retry_initial_s,
                                     ") is above retry_max_s (", refresh.retry_max_s, ")"));
  }
}

// A refresher without a state directory would lose its ranges on every
// restart, which must never happen.
void ReadRefresher(YamlReader& r, const Fields& f, ServerConfig& server) {
  if (const Value* v = f.Get("resolver")) ReadResolver(r, *v, server.resolver);
  if (const Value* v = f.Get("refresh")) ReadRefresh(r, *v, server.refresh);
  if (const Value* v = f.Get("state_dir")) Assign(ReadPath(r, *v), server.state_dir);
  const Value* resolver = f.Get("resolver");
  if (resolver != nullptr && server.refresh_active() && server.state_dir.empty()) {
    r.ValueError(*resolver,
                 "a resolver turns the catalog refresh on, which needs state_dir for its "
                 "last good ranges (or set refresh.enabled: false)");
  }
}

void ReadServer(YamlReader& r, const Value& root, ServerConfig& server) {
  std::optional<Fields> f = r.Map(root, kServerKeys);
  if (!f) return;
  if (const Value* v = f->Get("listen")) server.listen = ReadListen(r, *v);
  if (const Value* v = f->Get("threads"))
    Assign(r.Integer(*v, 0, 256), server.threads);
  if (const Value* v = f->Get("tcp")) ReadTcp(r, *v, server.tcp);
  if (const Value* v = f->Get("udp_payload"))
    Assign(r.Integer(*v, 512, 4096), server.udp_payload);
  if (const Value* v = f->Get("metrics")) ReadMetrics(r, *v, server.metrics);
  if (const Value* v = f->Get("user")) Assign(ReadUser(r, *v), server.user);
  if (const Value* v = f->Get("rate_limit")) ReadRateLimit(r, *v, server.rate_limit);
  if (const Value* v = f->Get("guard")) ReadGuard(r, *v, server.guard);
  if (const Value* v = f->Get("reload")) ReadReload(r, *v, server.reload);
  if (const Value* v = f->Get("identity")) Assign(ReadIdentity(r, *v), server.identity);
  if (const Value* v = f->Get("mta_sts")) ReadMtaStsHttp(r, *v, server.mta_sts);
  if (const Value* v = r.Require(*f, "provider"))
    ReadProvider(r, *v, server.provider);
  if (const Value* v = r.Require(*f, "catalog"))
    Assign(ReadPath(r, *v), server.catalog_path);
  if (const Value* v = r.Require(*f, "domains"))
    Assign(ReadPath(r, *v), server.domains_dir);
  ReadRefresher(r, *f, server);
  if (const Value* v = f->Get("dnstap")) ReadDnstap(r, *v, server.dnstap);
}

}  // namespace

Loaded<ServerConfig> LoadServerFile(const std::string& path, const std::string& read_from) {
  ServerConfig server;
  server.path = path;
  return LoadWith(path, std::move(server), ReadServer, read_from);
}

}  // namespace dnsd::config
