// GET /metrics: what telemetryd does, in the Prometheus text format — requests by route, method and status with
// their latency, readings stored / duplicate / conflicting / rejected / failed, durable commits (readings per
// commit and their latency), open connections, DynamoDB requests, retries and throttles, and the build.
// ServiceMetrics owns the registry and hands out the hooks the other parts report through.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "aws/dynamodb_client.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "storage/metered_store.h"
#include "storage/store.h"

namespace telemetry::api {

class ServiceMetrics {
 public:
  ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // The hooks; each may be called from any thread once serving.
  http::Router::Observer HttpObserver();
  CommitObserver OnCommit();
  WriteCounters Writes();
  std::function<void(std::size_t)> OnRejected();
  // The embedded store's writer: how many sensors' times it holds in memory. Registers the gauge.
  std::function<void(std::size_t)> OnSensorsHeld();
  // For SqliteStoreOptions::on_expired: readings deleted past --retention-days, and the cutoff.
  std::function<void(TimeNs cutoff, std::int64_t readings)> OnExpired();

  // Gauges and counters read from their owners at each scrape. REQUIRES: the owner outlives the scrapes; call
  // before serving.
  void Watch(const http::Server& server);
  void Watch(const aws::DynamoDbClient& client);
  // The free space of the embedded store's disk, against which writes stop at `min_free_bytes` (507).
  void WatchDisk(std::string data_dir, std::uint64_t min_free_bytes);

  // Registers GET /metrics.
  void AddRoute(http::Router& router);

 private:
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& request_seconds_;
  metrics::Family<metrics::Counter>& readings_;
  metrics::Counter& rejected_;
  metrics::Histogram& commit_readings_;
  metrics::Histogram& commit_seconds_;
};

}  // namespace telemetry::api
