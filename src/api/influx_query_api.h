// InfluxDB 1.x's query endpoint, so that Grafana's InfluxDB (InfluxQL) data source, the influx CLI and the InfluxDB
// client libraries read from telemetryd unchanged:
//
//   GET|POST /query?q=SELECT mean(value) FROM temperature WHERE time >= now() - 1h GROUP BY time(5m)&epoch=ms
//   -> 200 {"results":[{"statement_id":0,"series":[{"name":"temperature","columns":["time","mean"],
//                                                   "values":[[1633338000000,12.5],...]}]}]}
//
// Parameters as InfluxDB takes them, in the URL or (POST) a form body: q (the statements, core/influxql.h says which),
// db and rp (accepted, ignored: one store answers every database), epoch (ns u µ ms s m h: times as integers in that
// unit; RFC 3339 strings without it), params (a JSON object binding $name placeholders), chunked and chunk_size
// (accepted: the answer is one chunk). A query that does not parse, or asks for what is not supported, is a 400
// {"error":"error parsing query: ..."}; a statement that fails while running is its result's "error", as InfluxDB
// reports it. Every number is exact: aggregates from the same rollups as /api/v1/stats and /api/v1/series, the
// functions of the readings (first, last, median, percentile, stddev) from at most `max_readings_folded` readings
// per statement.
#pragma once

#include <cstddef>
#include <string>

#include "core/clock.h"
#include "core/retention.h"
#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

struct QueryApiOptions {
  std::string measurement = "temperature";  // the one line protocol writes to (IngestOptions::influx_measurement)
  std::size_t max_readings_folded = 0;      // readings a statement may fold, at most
  Retention retention;                      // the store's: SHOW RETENTION POLICIES shows it
};

void AddInfluxQueryApi(http::Router& router, Store& store, Clock clock, QueryApiOptions options);

}  // namespace telemetry::api
