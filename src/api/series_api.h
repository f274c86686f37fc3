// Time series: GET /api/v1/series?sensorID=&from=&to=&interval=&tz=
//   -> 200 {"buckets":[{"time":"2021-10-04T09:00:00Z","count":n,"mean":m,"min":a,"max":b}, ...]}
// One sensor or all; buckets of `interval` (1m 5m 15m 1h 6h 1d, any whole number of minutes, hours or days;
// default 1h) covering [from, to) widened to whole buckets (default: the last 24 hours), aligned to the epoch or,
// with tz= (an IANA zone such as Europe/Berlin), to local midnights. Empty buckets are omitted; at most
// kMaxSeriesBuckets buckets, a 400 beyond. Every bucket is exact, from the rollups.
#pragma once

#include <cstddef>

#include "core/clock.h"
#include "http/router.h"
#include "storage/store.h"

namespace telemetry::api {

inline constexpr std::size_t kMaxSeriesBuckets = 10'000;

void AddSeriesApi(http::Router& router, Store& store, Clock clock);

}  // namespace telemetry::api
