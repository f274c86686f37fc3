// Range statistics: GET /api/v1/stats?sensorID=&from=&to=
//   -> 200 {"count":n,"sum":s,"mean":m,"min":a,"max":b}   (mean/min/max null when count is 0)
// Every parameter is optional; from is inclusive, to exclusive, each epoch seconds or any time ParseTime() accepts.
#pragma once

#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

void AddStatsApi(http::Router& router, Store& store);

// The query a request asks for, or kInvalidArgument naming the parameter at fault (unknown names included).
StatusOr<StatsQuery> ParseStatsQuery(const http::Request& request);

}  // namespace telemetry::api
