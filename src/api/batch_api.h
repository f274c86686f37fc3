// Batch writes: POST /api/v1/readings with a JSON array of readings in the original's shape, or NDJSON
// (Content-Type: application/x-ndjson), optionally gzip'd (Content-Encoding: gzip). Valid readings are stored
// even when others are rejected:
//   -> 200 {"stored":n,"duplicates":n,"rejected":[]}                       everything stored (or already there)
//   -> 400 {"stored":n,"duplicates":n,"rejected":[{"index":i,"code":c,"message":m}]}   some were not
// `index` counts items from 0 (NDJSON: non-blank lines); `code` is invalid_argument or conflict.
#pragma once

#include "api/ingest_options.h"
#include "core/clock.h"
#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

void AddBatchApi(http::Router& router, Store& store, Clock clock, const IngestOptions& options);

}  // namespace telemetry::api
