#include <csignal>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "dnsd/base/log.h"
#include "dnsd/cli/commands.h"
#include "dnsd/cli/load.h"
#include "dnsd/net/endpoint.h"
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
  return options;
}

}  // namespace

int Serve(const ServeArgs& args) {
  LoadedConfig loaded = LoadAndCompile(args.config, 1);
  for (const config::Diagnostic& d : loaded.errors) {
    LogError("%s", config::FormatDiagnostic(d));
  }
  if (loaded.fatal || loaded.snapshot == nullptr) {
    LogError("%s: not starting: the configuration has errors", args.config);
    return 1;
  }
  auto options = MakeOptions(args, loaded.set.server);
  if (!options.ok()) {
    LogError("%s", options.status().message());
    return 2;
  }
  LogInfo("loaded %d domains into %d zones (%d domain files with errors)",
          loaded.set.domains.size(), loaded.snapshot->zones.zone_count(),
          loaded.errors.size());

  SnapshotHolder snapshots(std::move(loaded.snapshot));
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

  boost::asio::io_context control;
  boost::asio::signal_set signals(control, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    LogInfo("signal %d: stopping", signal);
    (*server)->Stop();
  });
  control.run();
  LogInfo("stopped");
  return 0;
}

}  // namespace dnsd::cli
