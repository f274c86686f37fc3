// Limits and names of the bulk write endpoints (batch JSON, InfluxDB line protocol).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace telemetry::api {

struct IngestOptions {
  std::size_t max_batch_readings = 100'000;        // readings (or points) per request; 413 beyond
  std::size_t max_decoded_bytes = 64 << 20;        // body size once gzip is undone; 413 beyond
  std::string influx_measurement = "temperature";  // the line-protocol measurement that holds readings
  // Told how many readings of a request were refused as invalid (for metrics). Optional.
  std::function<void(std::size_t)> on_rejected;
};

}  // namespace telemetry::api
