#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <random>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "dnsd/protocol/base/log.h"
#include "dnsd/cli/commands.h"
#include "config/load_and_compile.h"
#include "config/loader.h"
#include "dnsd/metrics/exporter.h"
#include "dnsd/metrics/mta_sts_collector.h"
#include "dnsd/mta_sts/policy_service.h"
#include "dnsd/protocol/net/endpoint.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dnsd/control/refresh/ldns_dns.h"
#include "dnsd/control/refresh/refresher.h"
#include "dnsd/control/config_watcher.h"
#include "dnsd/control/descriptor_limit.h"
#include "dnsd/control/memory_release.h"
#include "dnsd/control/privileges.h"
#include "dnsd/control/reloader.h"
#include "dnsd/control/schedule_timer.h"
#include "dnsd/server/server.h"
#include "dnsd/control/systemd_notify.h"
#include "dnsd/cli/serve_image.h"
#include "dnsd/cli/version.h"
#include "dnsd/dnstap/writer.h"
#include "dnsd/metrics/dnstap_collector.h"
#include "config/zone_kinds.h"

namespace dnsd::cli {
namespace {

absl::StatusOr<ServerOptions> MakeOptions(const ServeArgs& args,
                                          const config::ServerConfig& server) {
  ServerOptions options;
  for (const std::string& text : args.listen.empty() ? server.listen : args.listen) {
    auto ep = ParseEndpoint(text);
    if (!ep.ok()) return ep.status();
    options.listen.push_back(*ep);
  }
  options.threads = args.threads >= 0 ? args.threads : server.threads;
  options.tcp.idle_timeout = std::chrono::milliseconds(server.tcp.idle_timeout_ms);
  options.tcp.max_connections = server.tcp.max_connections;
  // Per client prefix, with the prefix lengths rate limiting counts UDP
  // answers by (whether or not rate limiting is on).
  options.tcp.per_prefix.limit = server.tcp.max_connections_per_prefix;
  options.tcp.per_prefix.ipv4_prefix = static_cast<int>(server.rate_limit.ipv4_prefix);
  options.tcp.per_prefix.ipv6_prefix = static_cast<int>(server.rate_limit.ipv6_prefix);
  {
    std::random_device random;
    options.tcp.per_prefix.seed = uint64_t{random()} << 32 | random();
  }
  if (server.metrics.top_domains > 0) options.tracked_domains = server.metrics.tracked_domains;
  if (server.rate_limit.enabled) {
    const config::RateLimitSettings& r = server.rate_limit;
    RateLimiterOptions rrl;
    rrl.responses_per_second = r.responses_per_second;
    rrl.slip = r.slip;
    rrl.ipv4_prefix = static_cast<int>(r.ipv4_prefix);
    rrl.ipv6_prefix = static_cast<int>(r.ipv6_prefix);
    rrl.allow = r.allow;
    rrl.table_size = r.table_size;
    // Keyed by a secret, so nobody can pick prefixes that share buckets.
    std::random_device random;
    rrl.seed = uint64_t{random()} << 32 | random();
    options.rate_limit = std::move(rrl);
  }
  return options;
}

// The dnstap writer the server file asks for (restart-only), with a tap
// for each worker; nullptr when dnstap is off.
absl::StatusOr<std::unique_ptr<dnstap::Writer>> MakeDnstap(const config::ServerConfig& server,
                                                            unsigned threads) {
  const config::DnstapSettings& d = server.dnstap;
  if (!d.enabled()) return nullptr;
  dnstap::Options o;
  o.unix_path = d.socket;
  if (!d.tcp.empty()) {
    absl::StatusOr<Endpoint> ep = ParseEndpoint(d.tcp);
    if (!ep.ok()) return ep.status();
    o.tcp_address = FormatIpAddress(ep->address);
    o.tcp_port = ep->port;
  }
  o.queries = d.queries;
  if (d.spf_only) o.only_zone_kind = config::KindOf("spf");
  o.sample = d.sample;
  o.client_address = d.client_address == "none"     ? dnstap::ClientAddress::kNone
                     : d.client_address == "prefix" ? dnstap::ClientAddress::kPrefix
                                                    : dnstap::ClientAddress::kFull;
  // The same client prefix as rate limiting and the TCP per-prefix limit.
  o.ipv4_prefix = static_cast<int>(server.rate_limit.ipv4_prefix);
  o.ipv6_prefix = static_cast<int>(server.rate_limit.ipv6_prefix);
  o.identity = server.identity;
  o.version = absl::StrCat("dnsd ", kVersion);
  return std::make_unique<dnstap::Writer>(std::move(o), threads);
}

// The MTA-STS policy host, bound now (before privileges go, so any port
// works) and started with the workers; null when the server file turns it off.
absl::StatusOr<std::unique_ptr<mta_sts::PolicyService>> BindPolicyHost(
    const config::MtaStsHttpSettings& settings, const SnapshotHolder& snapshots, unsigned slot) {
  if (!settings.enabled) return nullptr;
  http::Limits limits;
  limits.max_connections = settings.max_connections;
  limits.max_connections_per_client = settings.max_connections_per_client;
  limits.head_timeout = std::chrono::milliseconds(settings.header_timeout_ms);
  limits.write_timeout = limits.head_timeout;
  return mta_sts::PolicyService::Bind(settings.http_listen, limits, snapshots, slot);
}

std::string DescribeRateLimit(const config::RateLimitSettings& r) {
  if (!r.enabled) return "off";
  std::vector<std::string> allow;
  for (const IpPrefix& p : r.allow) allow.push_back(FormatIpPrefix(p));
  return absl::StrCat(r.responses_per_second, " answers/s per /", r.ipv4_prefix, " and /",
                      r.ipv6_prefix, ", slip ", r.slip, ", allow [", absl::StrJoin(allow, ", "),
                      "]");
}

// The start's progress, logged and told to systemd: a progress line comes
// every 2 s or so (the listing of a million files takes a few), so a start
// that has said nothing for a minute is stuck, whatever its size.
config::ProgressFn StartProgress() {
  constexpr int kStuckSeconds = 60;
  return [](const config::LoadProgress& p) {
    std::string line = LoadProgressLine("start", p);
    if (line.empty()) return;
    LogInfo("%s", line);
    NotifyStarting(line, kStuckSeconds);
  };
}

std::string ServingStatus(const Reloader& reloader) {
  ReloadStatus st = reloader.status();
  return absl::StrCat("serving generation ", st.generation, ", ", st.domains, " domains",
                      st.last_ok ? "" : "; the last reload was rejected");
}

// What PlanPrivileges decided, done once the sockets are bound and before
// any thread starts. False: dnsd must not go on.
bool SettlePrivileges(PrivilegePlan plan, const std::optional<Account>& account,
                      const config::ServerConfig& files) {
  switch (plan) {
    case PrivilegePlan::kSwitchUser: {
      if (absl::Status s = SwitchUser(*account); !s.ok()) {
        LogError("cannot become user '%s': %s", account->user, s.message());
        return false;
      }
      LogInfo("running as user %s (uid %d), group %s (gid %d); no supplementary groups, no "
              "capabilities; the configuration is read as this user from now on",
              account->user, account->uid, account->group, account->gid);
      return true;
    }
    case PrivilegePlan::kDropCapabilities:
      if (absl::Status s = DropCapabilities(); !s.ok()) {
        LogError("cannot drop capabilities: %s", s.message());
        return false;
      }
      LogInfo("dropped all capabilities; running as uid %d", getuid());
      break;
    case PrivilegePlan::kKeepRoot:
      // Asked for, so not a warning.
      LogInfo("running as root, as --allow-root asks; set `user:` in %s to drop privileges",
              files.path);
      return true;
    case PrivilegePlan::kNothing:
    case PrivilegePlan::kRefuse:
      break;
  }
  if (!files.user.empty()) {
    LogInfo("not started as root: `user: %s` is not applied; running as uid %d", files.user,
            getuid());
  }
  return true;
}

std::string FolderOf(const std::string& file) {
  std::filesystem::path folder = std::filesystem::path(file).parent_path();
  return folder.empty() ? std::string(".") : folder.string();
}

// The catalog refresher the server file asks for (restart-only settings),
// with its saved ranges loaded, so the first snapshot already answers with
// them. A broken server file is reported by the load that follows.
std::unique_ptr<refresh::Refresher> MakeRefresher(const std::string& server_file) {
  config::Loaded<config::ServerConfig> server = config::LoadServerFile(server_file);
  // Assigned, not built by ?: (GCC 12 warns falsely on that form).
  config::ServerConfig settings;
  if (server.ok()) settings = *server.value;
  auto refresher = std::make_unique<refresh::Refresher>(
      refresh::OptionsFor(settings),
      [resolver = settings.resolver] { return refresh::LdnsDns::FromSettings(resolver); });
  refresher->LoadState();
  return refresher;
}

// Ranges that changed reach the answer path through a new snapshot, which
// the control thread compiles; changes arriving while one is queued ride
// along with it.
void StartRefresher(refresh::Refresher& refresher, boost::asio::io_context& control,
                    Reloader& reloader, std::atomic<bool>& queued) {
  refresher.Start([&] {
    if (queued.exchange(true)) return;
    boost::asio::post(control, [&] {
      queued = false;
      reloader.Reload("catalog refresh", /*compile_always=*/true);
    });
  });
}

// SIGHUP and file changes reload; SIGINT and SIGTERM stop.
void RunControlLoop(Server& server, Reloader& reloader, const config::ServerConfig& files,
                    refresh::Refresher& refresher) {
  boost::asio::io_context control;
  boost::asio::signal_set stop(control, SIGINT, SIGTERM);
  stop.async_wait([&](const boost::system::error_code&, int signal) {
    LogInfo("signal %d: stopping", signal);
    NotifyStopping();
    server.Stop();
    control.stop();
  });
  ScheduleTimer schedule(control, reloader, [&] { NotifyReady(ServingStatus(reloader)); });
  auto reload = [&](const char* why, const std::vector<std::string>* domain_files = nullptr,
                    Reloader::Publish publish = Reloader::Publish::kWhole) {
    NotifyReloading(absl::StrCat("reloading (", why, ")"));
    reloader.Reload(why, /*compile_always=*/false, domain_files, publish);
    NotifyReady(ServingStatus(reloader));
    schedule.Arm();  // an edit may have moved the next scheduled change
  };
  boost::asio::signal_set hup(control, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reload("SIGHUP");
      wait_hup();
    });
  };
  wait_hup();
  std::string domains_dir = std::filesystem::absolute(files.domains_dir).lexically_normal();
  while (domains_dir.size() > 1 && domains_dir.back() == '/') domains_dir.pop_back();
  ConfigWatcher watcher(control, std::chrono::milliseconds(files.reload.settle_ms),
                        [&](const WatchedChanges& changes) {
                          // Only domain files changed: read those and stat no other.
                          bool domain_files_only =
                              !changes.everything &&
                              std::all_of(changes.paths.begin(), changes.paths.end(),
                                          [&](const std::string& path) {
                                            return FolderOf(path) == domains_dir;
                                          });
                          // Files edited in place changed one by one on
                          // disk: a large batch of them may go out in parts.
                          reload("files changed", domain_files_only ? &changes.paths : nullptr,
                                 changes.replaced ? Reloader::Publish::kWhole
                                                  : Reloader::Publish::kInParts);
                        });
  std::vector<std::string> folders = {FolderOf(files.path), FolderOf(files.catalog_path),
                                      files.domains_dir};
  if (absl::Status s = watcher.Watch(folders); !s.ok()) {
    LogWarning("%s; reload with SIGHUP instead", s.message());
  }
  // Files edited while the first load ran were not watched yet: look once
  // (a stat per file; no compile unless something changed).
  reloader.Reload("catch-up after start");
  std::atomic<bool> rebuild_queued{false};
  StartRefresher(refresher, control, reloader, rebuild_queued);
  schedule.Arm();
  // Ready only now: a `systemctl reload` (SIGHUP) sent from here on reloads.
  NotifyReady(ServingStatus(reloader));
  control.run();
  refresher.Stop();  // before `control`, which its callback posts to, goes
}

// The account to become, when the plan is to switch to one; an error when
// dnsd must not run as planned.
absl::StatusOr<std::optional<Account>> AccountFor(PrivilegePlan plan, const ServeArgs& args,
                                                 const config::ServerConfig& server_file) {
  if (plan == PrivilegePlan::kRefuse) {
    return absl::PermissionDeniedError(absl::StrCat(
        "refusing to run as root: set `user:` in ", args.config,
        " to the account dnsd should become once its ports are bound, or pass --allow-root to "
        "keep root (not recommended)"));
  }
  if (plan != PrivilegePlan::kSwitchUser) return std::nullopt;
  absl::StatusOr<Account> found = LookUpAccount(server_file.user);
  if (!found.ok()) {
    return absl::NotFoundError(absl::StrCat(args.config, ": user: ", found.status().message()));
  }
  return std::optional<Account>(*std::move(found));
}

// The descriptors dnsd may hold at once: every TCP connection, the MTA-STS
// policy host's and the metrics endpoint's up to their caps.
DescriptorNeed DescriptorsFor(const ServeArgs& args, const config::ServerConfig& server_file,
                              const ServerOptions& options, bool metrics_on) {
  DescriptorNeed need = DescriptorsNeeded(server_file.tcp.max_connections, options.listen.size(),
                                          Server::ThreadCount(options.threads));
  if (server_file.mta_sts.enabled || !args.mta_sts_listen.empty()) {
    need.http_connections = server_file.mta_sts.max_connections;
  }
  // Counted in the margin, which the log names "metrics" (the fixed part
  // is the rest of the margin).
  if (metrics_on) need.margin += server_file.metrics.max_connections;
  return need;
}

// What the reloader starts from: generation 1, as loaded.
ReloadStatus FirstStatus(const config::LoadedConfig& loaded) {
  ReloadStatus first;
  first.generation = 1;
  first.digest = loaded.snapshot->digest;
  first.last_attempt = first.last_success = std::chrono::system_clock::now();
  first.last_seconds = loaded.seconds;
  first.errors = std::make_shared<const std::vector<config::Diagnostic>>(loaded.errors);
  first.file_errors = loaded.file_errors;
  first.failed_files = FailedFiles(loaded.report);
  first.domains = loaded.set().domains.size();
  first.next_change = loaded.snapshot->next_change;
  first.upcoming = loaded.snapshot->upcoming;
  return first;
}

void StartDnstap(dnstap::Writer& dnstap, const config::DnstapSettings& settings) {
  const dnstap::Options& o = dnstap.options();
  LogInfo("dnstap: %s to %s, %s, 1 in %d, client address %s",
          o.queries ? "queries and responses" : "responses", dnstap.Describe(),
          settings.spf_only ? "SPF zone only" : "all zones", o.sample, settings.client_address);
  dnstap.Start();
}

}  // namespace

int Serve(const ServeArgs& args) {
  // Until the control loop handles SIGHUP, one must not end the process
  // (its default action); what it asked for is done by the catch-up reload.
  std::signal(SIGHUP, SIG_IGN);
  // As started (root, say), only the server file is read: what to bind and
  // whom to become. The catalog, the domain files, the saved ranges and
  // the server file once more are read after the privileges are gone, with
  // the rights every reload has: a file the account cannot read is never
  // served, not served until the first reload.
  config::Loaded<config::ServerConfig> started = config::LoadServerFile(args.config);
  for (const config::Diagnostic& d : started.errors) {
    LogError("%s", config::FormatDiagnostic(d));
  }
  if (!started.ok()) {
    LogError("%s: not starting: the configuration has errors", args.config);
    return 1;
  }
  const config::ServerConfig& server_file = *started.value;
  auto options = MakeOptions(args, server_file);
  if (!options.ok()) {
    LogError("%s", options.status().message());
    return 2;
  }

  PrivilegePlan plan = PlanPrivileges(geteuid() == 0, HoldsCapabilities(),
                                      !server_file.user.empty(), args.allow_root);
  absl::StatusOr<std::optional<Account>> account = AccountFor(plan, args, server_file);
  if (!account.ok()) {
    LogError("%s", account.status().message());
    return 1;
  }
  const bool metrics_on = server_file.metrics.enabled || !args.metrics.empty();
  // Before a socket is opened: every connection is a descriptor.
  absl::StatusOr<std::string> descriptors =
      EnsureDescriptorLimit(DescriptorsFor(args, server_file, *options, metrics_on));
  if (!descriptors.ok()) {
    LogError("%s: %s", args.config, descriptors.status().message());
    return 1;
  }
  LogInfo("%s", *descriptors);
  // Before the first thread starts, so that every thread inherits it.
  if (absl::Status s = ForbidNewPrivileges(); !s.ok()) LogWarning("%s", s.message());

  // Bound with an empty snapshot: no worker reads it before Start(), by
  // when the loaded one has replaced it.
  // One reader slot per worker, and the last for the MTA-STS policy host.
  const unsigned policy_slot = Server::ThreadCount(options->threads);
  SnapshotHolder snapshots(std::make_unique<config::Snapshot>(), policy_slot + 1);
  // Declared before the server, so that it outlives the workers' taps; its
  // thread starts later, after the privileges are settled.
  auto dnstap = MakeDnstap(server_file, Server::ThreadCount(options->threads));
  if (!dnstap.ok()) {
    LogError("%s: dnstap: %s", args.config, dnstap.status().message());
    return 1;
  }
  options->dnstap = dnstap->get();
  auto server = Server::Bind(*options, snapshots);
  if (!server.ok()) {
    LogError("%s", server.status().message());
    return 1;
  }
  config::MtaStsHttpSettings policy_settings = server_file.mta_sts;
  if (!args.mta_sts_listen.empty()) {
    policy_settings.enabled = true;
    policy_settings.http_listen = args.mta_sts_listen;
  }
  auto policy_host = BindPolicyHost(policy_settings, snapshots, policy_slot);
  if (!policy_host.ok()) {
    LogError("%s: mta_sts.http_listen: %s", args.config, policy_host.status().message());
    return 1;
  }
  // Bound now, like the policy host, so any port works; it serves once the
  // reloader it reports on exists.
  std::unique_ptr<MetricsExporter> metrics;
  if (metrics_on) {
    auto exporter = MetricsExporter::Bind(
        args.metrics.empty() ? server_file.metrics.listen : args.metrics, server_file.metrics);
    if (!exporter.ok()) {
      LogError("%s", exporter.status().message());
      return 1;
    }
    metrics = *std::move(exporter);
  }
  if (!SettlePrivileges(plan, *account, server_file)) return 1;

  LogInfo("start: loading %s", args.config);
  config::LoadState state(args.config);
  // Between a load's phases, what the last phase freed goes back to the
  // kernel: a full reload's peak is then what it holds, not that plus
  // what the allocator kept.
  state.release_freed = [] { ReleaseFreedMemory(); };
  // A domain's model, once compiled, is read again only when a change
  // needs it (config/config_state.h): most of a domain's bytes otherwise.
  state.files.set_release(true);
  std::unique_ptr<refresh::Refresher> refresher = MakeRefresher(args.config);
  const std::string image_path = ImagePath(server_file);
  OfferImage(image_path, state);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, false, StartProgress(),
                                                       refresher->ranges().get());
  LogImageTaken(loaded);
  LogDiagnostics(config::AllDiagnostics(loaded));
  if (loaded.fatal || loaded.snapshot == nullptr) {
    LogError("%s: not starting: the configuration has errors", args.config);
    return 1;
  }
  LogInfo("loaded %d domains into %d zones in %.3f s (%d domain files with errors)",
          loaded.set().domains.size(), loaded.snapshot->zones.zone_count(), loaded.seconds,
          loaded.report.files_failed);

  ReloadStatus first = FirstStatus(loaded);
  config::ServerConfig files = loaded.set().server;
  refresher->SetCatalog(loaded.set().catalog);
  // ConfigState keeps what reloads need; drop these. (Member by member:
  // assigning a fresh LoadReport trips GCC 12's -Wmaybe-uninitialized.)
  loaded.report.set.domains.clear();
  config::Catalog().senders.swap(loaded.report.set.catalog.senders);
  // The status keeps its own copy of the diagnostics; these would stay for
  // the life of the server.
  std::vector<config::Diagnostic>().swap(loaded.errors);
  std::vector<config::Diagnostic>().swap(loaded.fresh_errors);
  loaded.file_errors = config::FileDiagnosticsList();
  loaded.report.file_errors = config::FileDiagnosticsList();
  std::vector<config::Diagnostic>().swap(loaded.report.set.errors);
  snapshots.Publish(std::move(loaded.snapshot));
  ReleaseFreedMemory();  // what reading the files left behind
  LogInfo("response rate limiting: %s", DescribeRateLimit(files.rate_limit));
  LogInfo("tcp: at most %d connections, %d per /%d or /%d client prefix, idle timeout %d ms",
          files.tcp.max_connections, files.tcp.max_connections_per_prefix,
          files.rate_limit.ipv4_prefix, files.rate_limit.ipv6_prefix, files.tcp.idle_timeout_ms);
  if (*dnstap != nullptr) StartDnstap(**dnstap, files.dnstap);
  (*server)->Start();
  for (const Endpoint& ep : (*server)->bound()) {
    LogInfo("listening on %s (udp, tcp) with %d threads", FormatEndpoint(ep),
            (*server)->threads());
  }
  if (*policy_host != nullptr) {
    (*policy_host)->Start();
    LogInfo("MTA-STS policy host (http) on port %d", (*policy_host)->port());
  }
  Reloader reloader(state, snapshots, std::move(first));
  reloader.set_refresh_hooks([&] { return refresher->ranges(); },
                             [&](const config::ConfigSet& set) { refresher->SetCatalog(set.catalog); });
  if (metrics != nullptr) {
    metrics->Serve(**server, reloader, refresher.get());
    if (*dnstap != nullptr) metrics->AddCollectable(std::make_shared<DnstapCollector>(**dnstap));
    if (*policy_host != nullptr) {
      metrics->AddCollectable(std::make_shared<MtaStsCollector>(**policy_host));
    }
    LogInfo("metrics on port %d (/metrics, status page at /)", metrics->port());
  }
  RunControlLoop(**server, reloader, files, *refresher);
  // The next start takes what is unchanged from it.
  SaveImage(image_path, state);
  // Before the reloader and the refresher it reports on go.
  if (metrics != nullptr) metrics->Stop();
  // The workers have stopped: write what their rings still hold.
  if (*dnstap != nullptr) (*dnstap)->Stop();
  LogInfo("stopped");
  return 0;
}

}  // namespace dnsd::cli
