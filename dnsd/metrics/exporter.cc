#include "dnsd/metrics/exporter.h"

#include <atomic>
#include <ctime>
#include <exception>

#include <CivetServer.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <prometheus/exposer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dnsd/cli/version.h"
#include "dnsd/metrics/catalog_collector.h"
#include "dnsd/metrics/server_collector.h"
#include "dnsd/metrics/visibility_collector.h"
#include "dnsd/protocol/net/endpoint.h"

namespace dnsd {
namespace {

std::atomic<const MetricsExporter*> g_exporter{nullptr};

// civetweb (1.15, Debian 12) gives each connection a thread of its own from
// the moment the connection is taken up until its request is answered, and
// a request may take request_timeout_ms to arrive: a client that connects
// and never finishes its request holds a thread that long. With civetweb's
// 30 s and the 2 threads dnsd used to ask for, two such clients took
// /metrics and / offline. So: threads enough for 50 such clients with room
// left for Prometheus, a kubelet probe and an operator's curl, and a
// timeout after which a stalled client's thread comes back. A scraper sends
// its request in one go, so 5 s is ample; the same timeout bounds each
// write of the answer to a client that does not read. Keep-alive stays off
// (civetweb's default): every scrape is a connection of its own and holds
// no thread in between. civetweb has no per-client connection limit (its
// threads take a connection before anything could look at the client's
// address), so more than kThreads stalled clients still delay a scrape, by
// up to kRequestTimeoutMs per round; docs/operator-guide.md says to keep the
// port on loopback or a private network.
constexpr char kThreads[] = "64";
constexpr char kRequestTimeoutMs[] = "5000";

// civetweb calls this before its own handlers; a non-zero return means
// "handled" (and is the HTTP status). Only "/" is ours.
int BeginRequest(mg_connection* conn) {
  const mg_request_info* info = mg_get_request_info(conn);
  const MetricsExporter* exporter = g_exporter.load();
  if (exporter == nullptr || info->local_uri == nullptr || std::string(info->local_uri) != "/") {
    return 0;
  }
  std::string body = exporter->StatusPage();
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: %zu\r\nConnection: close\r\n\r\n",
            body.size());
  mg_write(conn, body.data(), body.size());
  return 200;
}

// When its bind fails civetweb says only "null context when constructing
// CivetServer. Possible problem binding to port." Binding the same way
// (SO_REUSEADDR, as civetweb 1.15 does on Linux, so that connections a
// stopped dnsd left in TIME_WAIT never get in the way) finds out why: most
// often the port is still held by a live process, such as a dnsd that has
// not finished stopping.
std::string WhyNoBind(const std::string& listen) {
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(listen);
  if (!endpoint.ok()) return "";
  boost::system::error_code ec;
  boost::asio::ip::address address =
      boost::asio::ip::make_address(FormatIpAddress(endpoint->address, endpoint->v6), ec);
  if (ec) return "";
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io);
  boost::asio::ip::tcp::endpoint where(address, endpoint->port);
  if (probe.open(where.protocol(), ec) ||
      probe.set_option(boost::asio::socket_base::reuse_address(true), ec) ||
      probe.bind(where, ec)) {
    return absl::StrCat(" (", ec.message(),
                        ec == boost::asio::error::address_in_use
                            ? ": another process, perhaps a dnsd still stopping, holds it)"
                            : ")");
  }
  return "";
}

std::string Time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

}  // namespace

MetricsExporter::MetricsExporter(const Server& server, const Reloader& reloader,
                                 const refresh::Refresher* refresher)
    : server_(server),
      reloader_(reloader),
      refresher_(refresher),
      started_(std::chrono::system_clock::now()) {}

MetricsExporter::~MetricsExporter() {
  g_exporter.store(nullptr);
  exposer_.reset();  // stops civetweb's threads before the collector goes
}

void MetricsExporter::Register(std::shared_ptr<prometheus::Collectable> collectable) {
  exposer_->RegisterCollectable(collectable);
  registered_.push_back(std::move(collectable));
}

absl::StatusOr<std::unique_ptr<MetricsExporter>> MetricsExporter::Start(
    const std::string& listen, const Server& server, const Reloader& reloader,
    size_t top_domains, const refresh::Refresher* refresher) {
  std::unique_ptr<MetricsExporter> e(new MetricsExporter(server, reloader, refresher));
  e->collector_ = std::make_shared<ServerCollector>(server, reloader, e->started_);
  e->visibility_ = std::make_shared<VisibilityCollector>(server, top_domains);
  static CivetCallbacks callbacks = [] {
    CivetCallbacks c{};
    c.begin_request = BeginRequest;
    return c;
  }();
  try {
    e->exposer_ = std::make_unique<prometheus::Exposer>(
        std::vector<std::string>{"listening_ports", listen, "num_threads", kThreads,
                                 "request_timeout_ms", kRequestTimeoutMs},
        &callbacks);
  } catch (const std::exception& ex) {
    // civetweb reports a failed bind by throwing; no exception crosses here.
    return absl::UnavailableError(
        absl::StrCat("metrics on ", listen, ": ", ex.what(), WhyNoBind(listen)));
  }
  e->exposer_->RegisterCollectable(e->collector_);
  e->exposer_->RegisterCollectable(e->visibility_);
  if (refresher != nullptr) {
    e->catalog_collector_ = std::make_shared<CatalogCollector>(*refresher);
    e->exposer_->RegisterCollectable(e->catalog_collector_);
  }
  std::vector<int> ports = e->exposer_->GetListeningPorts();
  e->port_ = ports.empty() ? 0 : ports.front();
  g_exporter.store(e.get());
  return e;
}

// One line per sender: where its ranges come from, and how old they are.
std::string MetricsExporter::CatalogSection() const {
  if (refresher_ == nullptr) return "";
  const refresh::RefresherOptions& o = refresher_->options();
  std::string out =
      o.active ? absl::StrFormat("\ncatalog refresh: on (resolvers %s; every %d to %d s)\n",
                                 o.resolvers, o.timing.min_interval_s, o.timing.max_interval_s)
               : std::string("\ncatalog refresh: off (seed ranges)\n");
  auto now = std::chrono::system_clock::now();
  auto ago = [&](std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(now - t).count();
  };
  for (const refresh::SenderStatus& s : refresher_->status()) {
    absl::StrAppend(&out, absl::StrFormat("  %-16s %5d ranges (%s)", s.id, s.ranges,
                                          s.refreshed ? "refreshed" : "seed"));
    if (s.last_success) {
      absl::StrAppend(&out, absl::StrFormat(", refreshed %d s ago", ago(*s.last_success)));
    } else if (o.active) {
      absl::StrAppend(&out, ", never refreshed");
    }
    if (s.next_attempt) {
      absl::StrAppend(&out, absl::StrFormat(", next in %d s", -ago(*s.next_attempt)));
    }
    absl::StrAppend(&out, absl::StrFormat("; %d ok, %d failed, %d rejected", s.ok, s.failed,
                                          s.rejected));
    if (!s.last_error.empty()) absl::StrAppend(&out, "; last error: ", s.last_error);
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string MetricsExporter::StatusPage() const {
  ReloadStatus st = reloader_.status();
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() - started_);
  std::string page = absl::StrFormat(
      "dnsd %s\n\nuptime:         %d s\nthreads:        %d\ngeneration:     %d\n"
      "digest:         %016x\n"
      "domains:        %d\nlast reload:    %s, %s, %.3f s\nreloads:        %d (%d rejected)\n",
      cli::kVersion, uptime.count(), server_.threads(), st.generation, st.digest, st.domains,
      Time(st.last_attempt), st.last_ok ? "published" : "REJECTED", st.last_seconds,
      st.attempts, st.failures);
  absl::StrAppend(&page, "\nconfiguration errors: ", st.errors.size(), "\n");
  for (const config::Diagnostic& d : st.errors) {
    absl::StrAppend(&page, "  ", config::FormatDiagnostic(d), "\n");
  }
  absl::StrAppend(&page, CatalogSection(), "\nmetrics: /metrics\n");
  return page;
}

}  // namespace dnsd
