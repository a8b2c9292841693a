// LoadServerFile: dnsd.yaml.
#include "config/loader.h"
#include "config/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dnsd::config {
namespace {

using ::dnsd::config::testing::Brief;
using ::dnsd::config::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kProvider[] = R"(provider:
  nameservers: [ns1.provider.test]
  hostmaster: hostmaster.provider.test
  spf_zone: _spf.provider.test
  dmarc_zone: _dmarc.provider.test
  report_domain: reports.provider.test
)";

TEST(ServerFileTest, LoadsEverySetting) {
  TempDir dir;
  std::string path = dir.Write("etc/dnsd.yaml", R"(
listen: ["127.0.0.1:5300", "[::1]:5300"]
threads: 4
tcp: {idle_timeout_ms: 5000, max_connections: 10}
udp_payload: 1400
provider:
  nameservers: [NS1.provider.test., ns2.provider.test]
  hostmaster: hostmaster@Provider.test
  spf_zone: _spf.provider.test
  spf_template: "%{ir}.%{d}"
  dmarc_zone: _dmarc.provider.test
  report_domain: reports.provider.test
  ttl: 600
  negative_ttl: 0
  soa: {refresh: 7200, retry: 900, expire: 604800}
catalog: senders.yaml
domains: ../domains/
)");
  Loaded<ServerConfig> loaded = LoadServerFile(path);
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const ServerConfig& s = *loaded.value;
  EXPECT_EQ(s.path, path);
  EXPECT_THAT(s.listen, ElementsAre("127.0.0.1:5300", "[::1]:5300"));
  EXPECT_EQ(s.threads, 4u);
  EXPECT_EQ(s.tcp.idle_timeout_ms, 5000u);
  EXPECT_EQ(s.tcp.max_connections, 10u);
  EXPECT_EQ(s.udp_payload, 1400);
  const ProviderSettings& p = s.provider;
  EXPECT_THAT(p.nameservers,
              ElementsAre("ns1.provider.test", "ns2.provider.test"));
  EXPECT_EQ(p.hostmaster, "hostmaster.provider.test");
  EXPECT_EQ(p.spf_zone, "_spf.provider.test");
  EXPECT_EQ(p.spf_template, "%{ir}.%{d}");
  EXPECT_EQ(p.dmarc_zone, "_dmarc.provider.test");
  EXPECT_EQ(p.report_domain, "reports.provider.test");
  EXPECT_EQ(p.ttl, 600u);
  EXPECT_EQ(p.negative_ttl, 0u);
  EXPECT_EQ(p.soa_refresh, 7200u);
  EXPECT_EQ(p.soa_retry, 900u);
  EXPECT_EQ(p.soa_expire, 604800u);
  EXPECT_EQ(s.catalog_path, (dir.path() / "etc/senders.yaml").string());
  EXPECT_EQ(s.domains_dir, (dir.path() / "domains/").string());
}

TEST(ServerFileTest, DefaultsAndAbsolutePaths) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(dir.Write(
      "dnsd.yaml", std::string(kProvider) +
                       "catalog: /etc/dnsd/senders.yaml\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_THAT(loaded.value->listen, ElementsAre("127.0.0.1:5300"));
  EXPECT_EQ(loaded.value->threads, 0u);
  EXPECT_EQ(loaded.value->udp_payload, 1232);
  EXPECT_EQ(loaded.value->provider.spf_template, "%{i}._ip.%{h}._ehlo.%{d}");
  EXPECT_EQ(loaded.value->provider.ttl, 300u);
  EXPECT_EQ(loaded.value->catalog_path, "/etc/dnsd/senders.yaml");
  EXPECT_EQ(loaded.value->domains_dir, (dir.path() / "d").string());
}

TEST(ServerFileTest, ListenAddressesAreChecked) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("dnsd.yaml", std::string(kProvider) + R"(catalog: s.yaml
domains: d
listen:
  - 127.0.0.1
  - "::1:53"
  - "[127.0.0.1]:53"
  - "[::1]:0"
  - "[::1]:65536"
  - "192.0.2.1:+53"
  - 192.0.2.1:53
  - 192.0.2.1:53
  - localhost:53
)"));
  EXPECT_THAT(
      Brief(loaded.errors),
      ElementsAre(
          "10:5: listen address '127.0.0.1' has no port (ADDR:PORT)",
          "11:5: listen address '::1:53' needs brackets around IPv6: "
          "[ADDR]:PORT",
          "12:5: listen address '[127.0.0.1]:53' has brackets around an IPv4 "
          "address",
          "13:5: listen address '[::1]:0' has a bad port (1 to 65535)",
          "14:5: listen address '[::1]:65536' has a bad port (1 to 65535)",
          "15:5: listen address '192.0.2.1:+53' has a bad port (1 to 65535)",
          "17:5: '192.0.2.1:53' is listed twice",
          "18:5: listen address 'localhost:53' is not an IP address and "
          "port"));
  EXPECT_FALSE(loaded.value.has_value());
}

TEST(ServerFileTest, RangesRequiredKeysAndNames) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(dir.Write("dnsd.yaml", R"(
listen: []
threads: 257
udp_payload: 511
tcp: {idle_timeout_ms: 0, max_conections: 5}
provider:
  nameservers: []
  hostmaster: first.last@provider.test
  spf_zone: "_spf..provider.test"
  spf_template: ""
  ttl: 0
  negative_ttl: "60"
  soa: {refresh: 0}
catalog: ""
)"));
  EXPECT_THAT(
      Brief(loaded.errors),
      ElementsAre(
          "2:1: missing required key 'domains'",
          "2:9: listen: needs at least one address",
          "3:10: threads: expected an integer from 0 to 256, got '257'",
          "4:14: udp_payload: expected an integer from 512 to 4096, got '511'",
          "5:24: tcp.idle_timeout_ms: expected an integer from 1 to 3600000, "
          "got '0'",
          "5:27: unknown key 'max_conections'; did you mean 'max_connections'?",
          "7:3: provider: missing required key 'dmarc_zone'",
          "7:3: provider: missing required key 'report_domain'",
          "7:16: provider.nameservers: needs at least one name server",
          "8:15: provider.hostmaster: a mailbox with a dot before '@' cannot "
          "be an SOA RNAME here; use one without dots",
          "9:13: provider.spf_zone: domain name '_spf..provider.test' has an "
          "empty label",
          "10:17: provider.spf_template: must not be empty",
          "11:8: provider.ttl: expected an integer from 1 to 86400, got '0'",
          "12:17: provider.negative_ttl: expected an integer from 0 to 86400, "
          "got the quoted string '60'; remove the quotes",
          "13:18: provider.soa.refresh: expected an integer from 1 to "
          "2147483647, got '0'",
          "14:10: catalog: must not be empty"));
}

TEST(ServerFileTest, Identity) {
  TempDir dir;
  std::string base = std::string(kProvider) + "catalog: s\ndomains: d\n";
  Loaded<ServerConfig> unset = LoadServerFile(dir.Write("unset.yaml", base));
  ASSERT_THAT(Brief(unset.errors), IsEmpty());
  EXPECT_EQ(unset.value->identity, "");  // NSD's hide-identity: answer none

  Loaded<ServerConfig> set =
      LoadServerFile(dir.Write("set.yaml", base + "identity: \"ns1 (fra-3)\"\n"));
  ASSERT_THAT(Brief(set.errors), IsEmpty());
  EXPECT_EQ(set.value->identity, "ns1 (fra-3)");

  Loaded<ServerConfig> bad = LoadServerFile(dir.Write(
      "bad.yaml", base + "identity: \"\"\n"));
  EXPECT_THAT(Brief(bad.errors),
              ElementsAre("9:11: identity: must not be empty; leave `identity` out to answer "
                          "no identity"));
  Loaded<ServerConfig> long_one = LoadServerFile(
      dir.Write("long.yaml", base + "identity: " + std::string(256, 'x') + "\n"));
  EXPECT_THAT(Brief(long_one.errors),
              ElementsAre("9:11: identity: is 256 octets long; at most 255 fit"));
  Loaded<ServerConfig> control = LoadServerFile(
      dir.Write("control.yaml", base + "identity: \"ns1\\tfra\"\n"));
  EXPECT_THAT(Brief(control.errors),
              ElementsAre("9:11: identity: must be printable ASCII (space to '~')"));
}

TEST(ServerFileTest, TcpPerPrefixLimit) {
  TempDir dir;
  std::string base = std::string(kProvider) + "catalog: s\ndomains: d\n";
  Loaded<ServerConfig> unset = LoadServerFile(dir.Write("unset.yaml", base));
  ASSERT_THAT(Brief(unset.errors), IsEmpty());
  EXPECT_EQ(unset.value->tcp.max_connections_per_prefix, 64u);
  Loaded<ServerConfig> set = LoadServerFile(
      dir.Write("set.yaml", base + "tcp: {max_connections: 5000, max_connections_per_prefix: 8}\n"));
  ASSERT_THAT(Brief(set.errors), IsEmpty());
  EXPECT_EQ(set.value->tcp.max_connections, 5000u);
  EXPECT_EQ(set.value->tcp.max_connections_per_prefix, 8u);
  Loaded<ServerConfig> zero = LoadServerFile(
      dir.Write("zero.yaml", base + "tcp: {max_connections_per_prefix: 0}\n"));
  EXPECT_THAT(Brief(zero.errors),
              ElementsAre("9:35: tcp.max_connections_per_prefix: expected an integer from 1 to "
                          "1000000, got '0'"));
}

TEST(ServerFileTest, UserAndRateLimit) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("dnsd.yaml", std::string(kProvider) + R"(catalog: s.yaml
domains: d
user: dnsd:dnsd-config
rate_limit:
  enabled: false
  responses_per_second: 50
  slip: 0
  ipv4_prefix: 32
  ipv6_prefix: 64
  allow: [192.0.2.0/24, "2001:db8::/32"]
  table_size: 4096
)"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const ServerConfig& s = *loaded.value;
  EXPECT_EQ(s.user, "dnsd:dnsd-config");
  const RateLimitSettings& r = s.rate_limit;
  EXPECT_FALSE(r.enabled);
  EXPECT_EQ(r.responses_per_second, 50u);
  EXPECT_EQ(r.slip, 0u);
  EXPECT_EQ(r.ipv4_prefix, 32u);
  EXPECT_EQ(r.ipv6_prefix, 64u);
  ASSERT_EQ(r.allow.size(), 2u);
  EXPECT_EQ(FormatIpPrefix(r.allow[0]), "192.0.2.0/24");
  EXPECT_EQ(FormatIpPrefix(r.allow[1]), "2001:db8::/32");
  EXPECT_EQ(r.table_size, 4096u);
}

TEST(ServerFileTest, RateLimitDefaultsAllowOnlyLoopback) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("dnsd.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const RateLimitSettings& r = loaded.value->rate_limit;
  EXPECT_EQ(loaded.value->user, "");
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.responses_per_second, 1000u);
  EXPECT_EQ(r.slip, 2u);
  EXPECT_EQ(r.ipv4_prefix, 24u);
  EXPECT_EQ(r.ipv6_prefix, 56u);
  ASSERT_EQ(r.allow.size(), 2u);
  EXPECT_EQ(FormatIpPrefix(r.allow[0]), "127.0.0.0/8");
  EXPECT_EQ(FormatIpPrefix(r.allow[1]), "::1/128");
  EXPECT_EQ(r.table_size, 65536u);
  // An empty list limits loopback too.
  loaded = LoadServerFile(dir.Write(
      "e.yaml", std::string(kProvider) + "catalog: s\ndomains: d\nrate_limit: {allow: []}\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_THAT(loaded.value->rate_limit.allow, IsEmpty());
}

TEST(ServerFileTest, UserAndRateLimitMistakes) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("dnsd.yaml", std::string(kProvider) + R"(catalog: s.yaml
domains: d
user: "-x:"
rate_limit:
  responses_per_second: 0
  slip: 101
  ipv4_prefix: 33
  ipv6_prefix: 8
  allow: [192.0.2.1/24, 192.0.2.0/24, 192.0.2.0/24]
  table_size: 100
  enable: true
)"));
  EXPECT_THAT(
      Brief(loaded.errors),
      ElementsAre(
          "9:7: user: the user name in '-x:' starts with '-'",
          "11:25: rate_limit.responses_per_second: expected an integer from 1 to 1000000, "
          "got '0'",
          "12:9: rate_limit.slip: expected an integer from 0 to 100, got '101'",
          "13:16: rate_limit.ipv4_prefix: expected an integer from 8 to 32, got '33'",
          "14:16: rate_limit.ipv6_prefix: expected an integer from 16 to 128, got '8'",
          "15:11: '192.0.2.1/24' has host bits set; did you mean '192.0.2.0/24'?",
          "15:39: '192.0.2.0/24' is listed twice",
          "16:15: rate_limit.table_size: expected an integer from 1024 to 16777216, got '100'",
          "17:3: unknown key 'enable'; did you mean 'enabled'?"));
  for (const char* bad : {"\"1000\"", "\"dnsd:\"", "\"a b\"", "\"dnsd:0\""}) {
    Loaded<ServerConfig> one = LoadServerFile(dir.Write(
        "u.yaml", std::string(kProvider) + "catalog: s\ndomains: d\nuser: " + bad + "\n"));
    EXPECT_FALSE(one.value.has_value()) << bad;
  }
}

TEST(ServerFileTest, TopLevelMistakes) {
  TempDir dir;
  EXPECT_THAT(Brief(LoadServerFile(dir.Write("a.yaml", "[]\n")).errors),
              ElementsAre("1:1: expected a mapping, got a list"));
  EXPECT_THAT(
      Brief(LoadServerFile(dir.Write("b.yaml", std::string(kProvider) +
                                                   "catalog: s\ndomains: d\n"
                                                   "resolvers: {servers: x}\n"
                                                   "thread: 2\n"))
                .errors),
      ElementsAre("9:1: unknown key 'resolvers'; did you mean 'resolver'?",
                  "10:1: unknown key 'thread'; did you mean 'threads'?"));
}

TEST(ServerFileTest, CatalogRefreshSettings) {
  TempDir dir;
  std::string path = dir.Write("etc/dnsd.yaml", std::string(kProvider) + R"(catalog: s
domains: d
resolver: {servers: ["127.0.0.1:53", "[::1]:5353"], timeout_ms: 500}
refresh: {min_interval_s: 60, max_interval_s: 3600, retry_initial_s: 5, retry_max_s: 600}
state_dir: ../state
)");
  Loaded<ServerConfig> loaded = LoadServerFile(path);
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const ServerConfig& s = *loaded.value;
  EXPECT_THAT(s.resolver.servers, ElementsAre("127.0.0.1:53", "[::1]:5353"));
  EXPECT_EQ(s.resolver.timeout_ms, 500u);
  EXPECT_TRUE(s.refresh.enabled);
  EXPECT_EQ(s.refresh.min_interval_s, 60u);
  EXPECT_EQ(s.refresh.max_interval_s, 3600u);
  EXPECT_EQ(s.refresh.retry_initial_s, 5u);
  EXPECT_EQ(s.refresh.retry_max_s, 600u);
  EXPECT_EQ(s.state_dir, (dir.path() / "state").string());
  EXPECT_TRUE(s.refresh_active());
}

TEST(ServerFileTest, CatalogRefreshIsOffWithoutAResolver) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("a.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_FALSE(loaded.value->refresh_active());
  loaded = LoadServerFile(dir.Write("b.yaml", std::string(kProvider) +
                                                  "catalog: s\ndomains: d\n"
                                                  "resolver: {servers: [\"127.0.0.1:53\"]}\n"
                                                  "refresh: {enabled: false}\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_FALSE(loaded.value->refresh_active());
}

TEST(ServerFileTest, CatalogRefreshMistakes) {
  TempDir dir;
  EXPECT_THAT(
      Brief(LoadServerFile(dir.Write("a.yaml", std::string(kProvider) +
                                                   "catalog: s\ndomains: d\n"
                                                   "resolver: {servers: [\"127.0.0.1\"]}\n"
                                                   "refresh: {min_interval_s: 10, "
                                                   "max_interval_s: 5, retry_max_s: 0}\n"))
                .errors),
      ElementsAre("9:22: listen address '127.0.0.1' has no port (ADDR:PORT)",
                  "10:10: refresh: min_interval_s (10) is above max_interval_s (5)",
                  "10:63: refresh.retry_max_s: expected an integer from 1 to 604800, got '0'"));
  EXPECT_THAT(Brief(LoadServerFile(dir.Write("c.yaml", std::string(kProvider) +
                                                           "catalog: s\ndomains: d\n"
                                                           "resolver: {servers: [\"127.0.0.1:53\"]}\n"))
                        .errors),
              ElementsAre("9:11: resolver: a resolver turns the catalog refresh on, which needs "
                          "state_dir for its last good ranges (or set refresh.enabled: false)"));
  EXPECT_THAT(Brief(LoadServerFile(dir.Write("b.yaml", std::string(kProvider) +
                                                           "catalog: s\ndomains: d\n"
                                                           "resolver: {timeout_ms: 5}\n"
                                                           "state_dir: \"\"\n"))
                        .errors),
              ElementsAre("9:11: resolver: missing required key 'servers'",
                          "9:24: resolver.timeout_ms: expected an integer from 10 to 60000, "
                          "got '5'",
                          "10:12: state_dir: must not be empty"));
}

TEST(ServerFileTest, ReloadSettleTime) {
  TempDir dir;
  auto load = [&](const std::string& extra) {
    return LoadServerFile(
        dir.Write("dnsd.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n" + extra));
  };
  Loaded<ServerConfig> unset = load("");
  ASSERT_THAT(Brief(unset.errors), IsEmpty());
  EXPECT_EQ(unset.value->reload.settle_ms, 300u);
  Loaded<ServerConfig> quick = load("reload: {settle_ms: 20}\n");
  ASSERT_THAT(Brief(quick.errors), IsEmpty());
  EXPECT_EQ(quick.value->reload.settle_ms, 20u);
  EXPECT_THAT(Brief(load("reload: {settle_ms: 10001}\n").errors),
              ElementsAre(::testing::HasSubstr("10000")));
  EXPECT_THAT(Brief(load("reload: {settle: 20}\n").errors), ElementsAre(::testing::HasSubstr("settle")));
}

TEST(ServerFileTest, DnstapIsOffByDefault) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("dnsd.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_FALSE(loaded.value->dnstap.enabled());
}

TEST(ServerFileTest, DnstapSettings) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(dir.Write("etc/dnsd.yaml", std::string(kProvider) + R"(catalog: s
domains: d
dnstap:
  socket: run/dnstap.sock
  messages: query+response
  zones: spf
  sample: 10
  client_address: prefix
)"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const DnstapSettings& d = loaded.value->dnstap;
  EXPECT_TRUE(d.enabled());
  EXPECT_EQ(d.socket, (dir.path() / "etc/run/dnstap.sock").string());  // beside the server file
  EXPECT_EQ(d.tcp, "");
  EXPECT_TRUE(d.queries);
  EXPECT_TRUE(d.spf_only);
  EXPECT_EQ(d.sample, 10u);
  EXPECT_EQ(d.client_address, "prefix");

  Loaded<ServerConfig> tcp = LoadServerFile(dir.Write(
      "t.yaml", std::string(kProvider) + "catalog: s\ndomains: d\ndnstap: {tcp: \"[::1]:6000\"}\n"));
  ASSERT_THAT(Brief(tcp.errors), IsEmpty());
  EXPECT_EQ(tcp.value->dnstap.tcp, "[::1]:6000");
  EXPECT_FALSE(tcp.value->dnstap.queries);
  EXPECT_FALSE(tcp.value->dnstap.spf_only);
  EXPECT_EQ(tcp.value->dnstap.sample, 1u);
  EXPECT_EQ(tcp.value->dnstap.client_address, "full");
}

TEST(ServerFileTest, DnstapMistakes) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(dir.Write("dnsd.yaml", std::string(kProvider) + R"(catalog: s
domains: d
dnstap:
  socket: /run/dnstap.sock
  tcp: 127.0.0.1:6000
  messages: queries
  zones: spff
  sample: 0
  client_address: partial
  samples: 2
)"));
  EXPECT_THAT(
      Brief(loaded.errors),
      ElementsAre(
          "11:8: dnstap.tcp: give either socket or tcp, not both: dnstap writes to one collector",
          ::testing::HasSubstr("12:13: dnstap.messages:"),
          ::testing::HasSubstr("13:10: dnstap.zones:"),
          "14:11: dnstap.sample: expected an integer from 1 to 1000000, got '0'",
          ::testing::HasSubstr("15:19: dnstap.client_address:"),
          "16:3: unknown key 'samples'; did you mean 'sample'?"));
  Loaded<ServerConfig> bad_tcp = LoadServerFile(dir.Write(
      "t.yaml", std::string(kProvider) + "catalog: s\ndomains: d\ndnstap: {tcp: localhost:6000}\n"));
  EXPECT_THAT(Brief(bad_tcp.errors),
              ElementsAre(::testing::HasSubstr("9:15: dnstap.tcp: 'localhost:6000' is not")));
  Loaded<ServerConfig> long_path = LoadServerFile(dir.Write(
      "l.yaml", std::string(kProvider) + "catalog: s\ndomains: d\ndnstap: {socket: /" +
                    std::string(120, 'x') + "}\n"));
  EXPECT_THAT(Brief(long_path.errors),
              ElementsAre(::testing::HasSubstr("a Unix socket path has at most 107")));
}

TEST(ServerFileTest, MtaStsPolicyHostIsOnWithItsSectionOnLoopback) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("a.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_FALSE(loaded.value->mta_sts.enabled);
  loaded = LoadServerFile(
      dir.Write("on.yaml", std::string(kProvider) + "catalog: s\ndomains: d\nmta_sts: {}\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_TRUE(loaded.value->mta_sts.enabled);
  EXPECT_EQ(loaded.value->mta_sts.http_listen, "127.0.0.1:8461");
  loaded = LoadServerFile(dir.Write(
      "b.yaml", std::string(kProvider) +
                    "catalog: s\ndomains: d\n"
                    "mta_sts: {enabled: false, http_listen: \"[::1]:80\", max_connections: 9, "
                    "max_connections_per_client: 3, header_timeout_ms: 700}\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  const MtaStsHttpSettings& m = loaded.value->mta_sts;
  EXPECT_FALSE(m.enabled);
  EXPECT_EQ(m.http_listen, "[::1]:80");
  EXPECT_EQ(m.max_connections, 9u);
  EXPECT_EQ(m.max_connections_per_client, 3u);
  EXPECT_EQ(m.header_timeout_ms, 700u);
  EXPECT_THAT(Brief(LoadServerFile(dir.Write("c.yaml", std::string(kProvider) +
                                                           "catalog: s\ndomains: d\n"
                                                           "mta_sts: {http_listen: \"8461\", "
                                                           "header_timeout_ms: 0, port: 1}\n"))
                        .errors),
              ElementsAre("9:24: mta_sts.http_listen: listen address '8461' has no port "
                          "(ADDR:PORT)",
                          "9:51: mta_sts.header_timeout_ms: expected an integer from 100 to "
                          "60000, got '0'",
                          ::testing::HasSubstr("9:54: unknown key 'port'")));
}

TEST(ServerFileTest, MetricsEndpointLimits) {
  TempDir dir;
  Loaded<ServerConfig> loaded = LoadServerFile(
      dir.Write("a.yaml", std::string(kProvider) + "catalog: s\ndomains: d\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->metrics.max_connections, 64u);
  EXPECT_EQ(loaded.value->metrics.max_connections_per_client, 8u);
  EXPECT_EQ(loaded.value->metrics.header_timeout_ms, 5000u);
  loaded = LoadServerFile(dir.Write(
      "b.yaml", std::string(kProvider) +
                    "catalog: s\ndomains: d\n"
                    "metrics: {max_connections: 9, max_connections_per_client: 3, "
                    "header_timeout_ms: 700}\n"));
  ASSERT_THAT(Brief(loaded.errors), IsEmpty());
  EXPECT_EQ(loaded.value->metrics.max_connections, 9u);
  EXPECT_EQ(loaded.value->metrics.max_connections_per_client, 3u);
  EXPECT_EQ(loaded.value->metrics.header_timeout_ms, 700u);
  EXPECT_THAT(Brief(LoadServerFile(dir.Write("c.yaml", std::string(kProvider) +
                                                           "catalog: s\ndomains: d\n"
                                                           "metrics: {max_connections_per_client: "
                                                           "0}\n"))
                        .errors),
              ElementsAre(::testing::HasSubstr("metrics.max_connections_per_client: expected "
                                               "an integer from 1 to 1000000, got '0'")));
}

}  // namespace
}  // namespace dnsd::config
