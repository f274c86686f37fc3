// InfluxDB-compatible writes, so that Telegraf, the InfluxDB client libraries and the influx CLI write to
// telemetryd unchanged:
//   POST /write?db=&rp=&precision=         (1.x; db required, rp ignored)      -> 204
//   POST /api/v2/write?org=&bucket=&precision=  (2.x; bucket required)           -> 204
//   GET|HEAD /ping                                                              -> 204, X-Influxdb-Version
// Bodies are line protocol, optionally gzip'd. A point becomes a reading when its measurement is the configured
// one (default "temperature"), it has a sensorID (or sensor) tag and a numeric value (or temperature) field; other
// tags (host, ...) are ignored. Anything not stored is reported — other measurements, other fields, lines that do
// not parse, conflicting values — in InfluxDB's way: 400 {"error":"partial write: ..."} after storing the rest.
#pragma once

#include <string_view>

#include "api/ingest_options.h"
#include "core/clock.h"
#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

// The InfluxDB version /ping announces: 1.x clients check the major version.
inline constexpr const char* kInfluxCompatibleVersion = "1.8.10";

enum class InfluxDialect { kV1, kV2 };

// An error answer as InfluxDB of that version words it: 1.x {"error":"..."}, 2.x {"code":"invalid","message":"..."}.
http::Response InfluxError(InfluxDialect dialect, int status, std::string_view message);

void AddInfluxApi(http::Router& router, Store& store, Clock clock, const IngestOptions& options);

}  // namespace telemetry::api
