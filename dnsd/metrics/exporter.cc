#include "dnsd/metrics/exporter.h"

#include <atomic>
#include <ctime>
#include <exception>

#include <CivetServer.h>
#include <prometheus/exposer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dnsd/cli/version.h"
#include "dnsd/metrics/catalog_collector.h"
#include "dnsd/metrics/server_collector.h"
#include "dnsd/metrics/visibility_collector.h"

namespace dnsd {
namespace {

std::atomic<const MetricsExporter*> g_exporter{nullptr};

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
        std::vector<std::string>{"listening_ports", listen, "num_threads", "2"}, &callbacks);
  } catch (const std::exception& ex) {
    // civetweb reports a failed bind by throwing; no exception crosses here.
    return absl::UnavailableError(absl::StrCat("metrics on ", listen, ": ", ex.what()));
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
