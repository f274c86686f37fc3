#include "api/metrics_api.h"

#include <array>
#include <charconv>
#include <optional>

#include "storage/free_space.h"

namespace telemetry::api {
namespace {

// Methods beyond these are one label value, so that clients cannot grow the label set.
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS",
                                                             "PATCH"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace

ServiceMetrics::ServiceMetrics()
    : requests_(registry_.AddCounter("telemetry_http_requests_total", "HTTP requests answered.",
                                     {"route", "method", "code"})),
      request_seconds_(registry_.AddHistogram("telemetry_http_request_duration_seconds",
                                              "Time from a request's arrival to its answer.", {"route"},
                                              // From 10 µs: most answers take 5-70 µs (docs/performance.md).
                                              {0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                               0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10})),
      readings_(registry_.AddCounter("telemetry_readings_total",
                                     "Readings written, by outcome: stored, duplicate (an identical retry), "
                                     "conflict (another value at the same sensor and time), expired (older "
                                     "than --retention-days keeps), failed (the store failed).",
                                     {"outcome"})),
      rejected_(registry_.AddCounter("telemetry_readings_rejected_total", "Readings refused as invalid (never stored).")
                    .With({})),
      commit_readings_(registry_
                           .AddHistogram("telemetry_commit_readings",
                                         "New readings made durable per commit (an fsync of the log, or a "
                                         "DynamoDB transaction).",
                                         {}, {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000})
                           .With({})),
      commit_seconds_(
          registry_
              .AddHistogram("telemetry_commit_duration_seconds", "Time one commit took to be durable.", {},
                            {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})
              .With({})) {
  registry_.AddGauge("telemetry_build_info", "The running build; always 1.", {"version"}).With({TELEMETRY_VERSION}).Set(1);
}

http::Router::Observer ServiceMetrics::HttpObserver() {
  return [this](const http::Router::Answered& answered) {
    std::string_view route = answered.route.empty() ? "unmatched" : answered.route;
    char status[12];
    std::string_view status_text(status, std::to_chars(status, status + sizeof status, answered.status).ptr - status);
    requests_.With({route, MethodLabel(answered.method), status_text}).Inc();
    request_seconds_.With({route}).Observe(std::chrono::duration<double>(answered.took).count());
  };
}

CommitObserver ServiceMetrics::OnCommit() {
  return [this](std::size_t readings, std::chrono::nanoseconds took) {
    commit_readings_.Observe(static_cast<double>(readings));
    commit_seconds_.Observe(std::chrono::duration<double>(took).count());
  };
}

WriteCounters ServiceMetrics::Writes() {
  return WriteCounters{readings_.With({"stored"}), readings_.With({"duplicate"}), readings_.With({"conflict"}),
                       readings_.With({"expired"}), readings_.With({"failed"})};
}

std::function<void(std::size_t)> ServiceMetrics::OnRejected() {
  return [this](std::size_t readings) { rejected_.Inc(readings); };
}

std::function<void(std::size_t)> ServiceMetrics::OnSensorsHeld() {
  metrics::Gauge& held = registry_
                             .AddGauge("telemetry_store_sensors_held",
                                       "Sensors whose recent times the embedded store's writer holds in memory, "
                                       "each let go of after --sensor-idle-seconds without a reading.")
                             .With({});
  return [&held](std::size_t sensors) { held.Set(static_cast<std::int64_t>(sensors)); };
}

std::function<void(TimeNs, std::int64_t)> ServiceMetrics::OnExpired() {
  metrics::Counter& deleted =
      registry_
          .AddCounter("telemetry_store_readings_deleted_total",
                      "Readings the embedded store deleted past --retention-days (whole UTC days, at midnight).")
          .With({});
  metrics::Gauge& cutoff = registry_
                               .AddGauge("telemetry_store_retention_cutoff_seconds",
                                         "Unix time before which the embedded store keeps no reading "
                                         "(--retention-days); moves at each UTC midnight.")
                               .With({});
  return [&deleted, &cutoff](TimeNs before, std::int64_t readings) {
    deleted.Inc(static_cast<std::uint64_t>(readings));
    cutoff.Set(before / kNanosPerSecond);
  };
}

void ServiceMetrics::Watch(const http::Server& server) {
  registry_.AddCallback("telemetry_http_open_connections", "HTTP connections open now.", false,
                        [&server] { return static_cast<double>(server.open_connections()); });
}

void ServiceMetrics::Watch(const aws::DynamoDbClient& client) {
  registry_.AddCallback("telemetry_dynamodb_requests_total", "HTTP requests sent to DynamoDB, retries included.",
                        true, [&client] { return static_cast<double>(client.requests_sent()); });
  registry_.AddCallback("telemetry_dynamodb_retries_total", "Requests to DynamoDB that were retries.", true,
                        [&client] { return static_cast<double>(client.retries_sent()); });
  registry_.AddCallback("telemetry_dynamodb_throttles_total", "DynamoDB answers that said it was throttling.", true,
                        [&client] { return static_cast<double>(client.throttles()); });
}

void ServiceMetrics::WatchDisk(std::string data_dir, std::uint64_t min_free_bytes) {
  registry_.AddCallback("telemetry_disk_free_bytes",
                        "Bytes free on the data directory's disk; writes get 507 below telemetry_disk_min_free_bytes.",
                        false, [data_dir = std::move(data_dir)] {
                          std::optional<std::uint64_t> free = FreeBytes(data_dir);
                          return free ? static_cast<double>(*free) : -1.0;
                        });
  registry_.AddGauge("telemetry_disk_min_free_bytes", "Free bytes below which writes get 507 (--min-free-mb).")
      .With({})
      .Set(static_cast<std::int64_t>(min_free_bytes));
}

void ServiceMetrics::AddRoute(http::Router& router) {
  router.Add("GET", "/metrics", [this](http::Request&&, http::Responder respond) {
    respond(http::Response{200, "text/plain; version=0.0.4; charset=utf-8", registry_.Render(), {}, nullptr});
  });
}

}  // namespace telemetry::api
