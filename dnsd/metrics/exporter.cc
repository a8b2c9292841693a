#include "dnsd/metrics/exporter.h"

#include <ctime>
#include <sstream>
#include <utility>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dnsd/cli/version.h"
#include "dnsd/metrics/catalog_collector.h"
#include "dnsd/metrics/http_collector.h"
#include "dnsd/metrics/memory_collector.h"
#include "dnsd/metrics/server_collector.h"
#include "dnsd/metrics/visibility_collector.h"

namespace dnsd {
namespace {

// The Prometheus text exposition format, version 0.0.4 (prometheus-cpp's
// exposer left the version out; Prometheus reads both as text).
constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";

http::Limits LimitsOf(const config::MetricsSettings& settings) {
  http::Limits limits;
  limits.max_connections = settings.max_connections;
  limits.max_connections_per_client = settings.max_connections_per_client;
  limits.head_timeout = std::chrono::milliseconds(settings.header_timeout_ms);
  // A scraper reads its answer at once; one that does not is let go as soon.
  limits.write_timeout = limits.head_timeout;
  return limits;
}

http::Response NotAllowed() {
  http::Response r = http::Plain(405);
  r.allow = "GET, HEAD";
  return r;
}

std::string Time(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&tt));
  return buf;
}

}  // namespace

MetricsExporter::MetricsExporter(const config::MetricsSettings& settings)
    : settings_(settings), started_(std::chrono::system_clock::now()) {}

// The HTTP server goes first (it is the last member), with its thread, so
// no scrape runs while the collectors go.
MetricsExporter::~MetricsExporter() = default;

absl::StatusOr<std::unique_ptr<MetricsExporter>> MetricsExporter::Bind(
    const std::string& listen, const config::MetricsSettings& settings) {
  std::unique_ptr<MetricsExporter> e(new MetricsExporter(settings));
  MetricsExporter* self = e.get();
  auto http = http::Server::Bind(listen, LimitsOf(settings),
                                 [self](const http::Request& r) { return self->Handle(r); });
  if (!http.ok()) {
    // Most often the port is still held by a live process, such as a dnsd
    // that has not finished stopping (connections a stopped one left in
    // TIME_WAIT do not count: the server binds with SO_REUSEADDR).
    bool in_use = absl::StrContains(http.status().message(), "Address already in use");
    return absl::UnavailableError(
        absl::StrCat("metrics on ", listen, ": ", http.status().message(),
                     in_use ? " (another process, perhaps a dnsd still stopping, holds it)" : ""));
  }
  e->http_ = *std::move(http);
  return e;
}

void MetricsExporter::Serve(const Server& server, const Reloader& reloader,
                            const refresh::Refresher* refresher) {
  server_ = &server;
  reloader_ = &reloader;
  refresher_ = refresher;
  AddCollectable(std::make_shared<ServerCollector>(server, reloader, started_));
  AddCollectable(std::make_shared<VisibilityCollector>(server, settings_.top_domains));
  if (refresher != nullptr) AddCollectable(std::make_shared<CatalogCollector>(*refresher));
  AddCollectable(std::make_shared<MetricsHttpCollector>(http_->stats()));
  AddCollectable(std::make_shared<MemoryCollector>());
  http_->Start();
}

absl::StatusOr<std::unique_ptr<MetricsExporter>> MetricsExporter::Start(
    const std::string& listen, const Server& server, const Reloader& reloader,
    size_t top_domains, const refresh::Refresher* refresher) {
  config::MetricsSettings settings;
  settings.top_domains = static_cast<uint32_t>(top_domains);
  auto e = Bind(listen, settings);
  if (e.ok()) (*e)->Serve(server, reloader, refresher);
  return e;
}

void MetricsExporter::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  std::lock_guard<std::mutex> lock(mu_);
  collectables_.push_back(std::move(collectable));
}

// On the HTTP thread; collecting only sums counters, so it never blocks
// for long (the handler must not).
http::Response MetricsExporter::Handle(const http::Request& request) const {
  if (request.path != "/metrics" && request.path != "/") return http::Plain(404);
  if (request.method != "GET" && request.method != "HEAD") return NotAllowed();
  http::Response r;
  if (request.path == "/metrics") {
    r.content_type = kMetricsType;
    r.body = Scrape();
  } else {
    r.content_type = "text/plain; charset=utf-8";
    r.body = StatusPage();
  }
  return r;
}

std::string MetricsExporter::Scrape() const {
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectables = collectables_;
  }
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : collectables) {
    std::vector<prometheus::MetricFamily> more = c->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
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
  ReloadStatus st = reloader_->status();
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now() - started_);
  std::string page = absl::StrFormat(
      "dnsd %s\n\nuptime:         %d s\nthreads:        %d\ngeneration:     %d\n"
      "digest:         %016x\n"
      "domains:        %d\nlast reload:    %s, %s, %.3f s\nreloads:        %d (%d rejected)\n",
      cli::kVersion, uptime.count(), server_->threads(), st.generation, st.digest, st.domains,
      Time(st.last_attempt), st.last_ok ? "published" : "REJECTED", st.last_seconds,
      st.attempts, st.failures);
  absl::StrAppend(&page, "\nconfiguration errors: ",
                  config::CountErrors(*st.errors) + config::CountErrors(st.file_errors),
                  ", warnings: ",
                  config::CountWarnings(*st.errors) + config::CountWarnings(st.file_errors), "\n");
  for (const config::Diagnostic& d : config::Merged(*st.errors, st.file_errors)) {
    absl::StrAppend(&page, "  ", config::FormatDiagnostic(d), "\n");
  }
  absl::StrAppend(&page, "\nscheduled changes due next: ", st.upcoming.empty() ? "none" : "", "\n");
  for (const auto& [domain, change] : st.upcoming) {
    absl::StrAppend(&page, "  ", config::FormatUtc(change.at), "  ", domain, "  ", change.what,
                    "\n");
  }
  absl::StrAppend(&page, CatalogSection(), "\nmetrics: /metrics\n");
  return page;
}

}  // namespace dnsd
