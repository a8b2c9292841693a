#include <atomic>
#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "dnsd/base/log.h"
#include "dnsd/cli/commands.h"
#include "config/load_and_compile.h"
#include "config/loader.h"
#include "dnsd/metrics/exporter.h"
#include "dnsd/net/endpoint.h"
#include "dnsd/refresh/ldns_dns.h"
#include "dnsd/refresh/refresher.h"
#include "dnsd/server/config_watcher.h"
#include "dnsd/server/reloader.h"
#include "dnsd/server/server.h"

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
  if (server.metrics.top_domains > 0) options.tracked_domains = server.metrics.tracked_domains;
  return options;
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
  config::ServerConfig settings = server.ok() ? *server.value : config::ServerConfig{};
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
    server.Stop();
    control.stop();
  });
  boost::asio::signal_set hup(control, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      reloader.Reload("SIGHUP");
      wait_hup();
    });
  };
  wait_hup();
  ConfigWatcher watcher(control, std::chrono::milliseconds(300),
                        [&] { reloader.Reload("files changed"); });
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
  control.run();
  refresher.Stop();  // before `control`, which its callback posts to, goes
}

}  // namespace

int Serve(const ServeArgs& args) {
  // Until the control loop handles SIGHUP, one must not end the process
  // (its default action); what it asked for is done by the catch-up reload.
  std::signal(SIGHUP, SIG_IGN);
  config::ConfigState state(args.config);
  std::unique_ptr<refresh::Refresher> refresher = MakeRefresher(args.config);
  config::LoadedConfig loaded = config::LoadAndCompile(state, 1, false, LogLoadProgress("start"),
                                                       refresher->ranges().get());
  for (const config::Diagnostic& d : loaded.errors) {
    LogError("%s", config::FormatDiagnostic(d));
  }
  if (loaded.fatal || loaded.snapshot == nullptr) {
    LogError("%s: not starting: the configuration has errors", args.config);
    return 1;
  }
  auto options = MakeOptions(args, loaded.set().server);
  if (!options.ok()) {
    LogError("%s", options.status().message());
    return 2;
  }
  LogInfo("loaded %d domains into %d zones in %.3f s (%d domain files with errors)",
          loaded.set().domains.size(), loaded.snapshot->zones.zone_count(), loaded.seconds,
          loaded.report.files_failed);

  ReloadStatus first;
  first.generation = 1;
  first.last_attempt = first.last_success = std::chrono::system_clock::now();
  first.last_seconds = loaded.seconds;
  first.errors = loaded.errors;
  first.domains = loaded.set().domains.size();
  config::ServerConfig files = loaded.set().server;
  refresher->SetCatalog(loaded.set().catalog);
  loaded.report = {};  // ConfigState keeps what reloads need; drop this copy
  SnapshotHolder snapshots(std::move(loaded.snapshot), Server::ThreadCount(options->threads));
  auto server = Server::Bind(*options, snapshots);
  if (!server.ok()) {
    LogError("%s", server.status().message());
    return 1;
  }
  (*server)->Start();
  for (const Endpoint& ep : (*server)->bound()) {
    LogInfo("listening on %s (udp, tcp) with %d threads", FormatEndpoint(ep),
            (*server)->threads());
  }
  Reloader reloader(state, snapshots, std::move(first));
  reloader.set_refresh_hooks([&] { return refresher->ranges(); },
                             [&](const config::ConfigSet& set) { refresher->SetCatalog(set.catalog); });
  std::unique_ptr<MetricsExporter> metrics;
  if (files.metrics.enabled || !args.metrics.empty()) {
    std::string listen = args.metrics.empty() ? files.metrics.listen : args.metrics;
    auto exporter = MetricsExporter::Start(listen, **server, reloader,
                                           files.metrics.top_domains, refresher.get());
    if (!exporter.ok()) {
      LogError("%s", exporter.status().message());
      (*server)->Stop();
      return 1;
    }
    metrics = std::move(*exporter);
    LogInfo("metrics on port %d (/metrics, status page at /)", metrics->port());
  }
  RunControlLoop(**server, reloader, files, *refresher);
  LogInfo("stopped");
  return 0;
}

}  // namespace dnsd::cli
