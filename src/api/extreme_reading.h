// The reading behind a max() or min(): the earliest reading of a range (then the first sensor by id) holding the
// greatest or smallest value the rollups gave for it, found without reading the range. InfluxDB dates a lone max()
// by that reading and names its sensor beside it (SELECT max(value), sensorID ...); the rollups know the value only.
//
// The search cuts the range into at most ~64 spans whose inner boundaries are whole days, hours, minutes... (so the
// store sums them from its rollups), asks the store for all of them at once (Store::Series), goes on into the
// first span holding the value, and reads the readings of a span once it holds few: a handful of store calls
// whatever the range holds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "core/reading.h"
#include "core/status.h"
#include "core/time.h"
#include "storage/store.h"

namespace telemetry::api {

struct ExtremeQuery {
  std::optional<std::string> sensor_id;  // all sensors when empty
  TimeNs from = kMinTime;                // inclusive
  TimeNs to = kMaxTime;                  // exclusive
  bool greatest = true;                  // max(); false: min()
  Aggregate total;                       // the range's, as the store summed it (count > 0)
  // A span holding at most this many readings is read rather than cut further: a page of readings costs about what
  // one more round of spans does.
  std::int64_t read_below = 1000;
};

// On OK, the reading; none when the store's readings no longer hold the value its rollups gave (a write under way
// when they were summed, seen by the rollups before the readings show it).
using ExtremeCallback = std::function<void(StatusOr<std::optional<Reading>>)>;

void FindExtremeReading(Store& store, ExtremeQuery query, ExtremeCallback done);

// An aggregate's max (greatest) or min.
inline double ExtremeOf(const Aggregate& aggregate, bool greatest) { return greatest ? aggregate.max : aggregate.min; }

// The boundaries [from, ..., to) the search cuts a span into: at most kSearchSpans + 1 spans, each inner boundary
// a whole multiple (since the epoch) of a step that is itself a whole number of days, hours, minutes, seconds,
// milliseconds, microseconds or nanoseconds. REQUIRES: from < to.
inline constexpr std::size_t kSearchSpans = 64;
std::vector<TimeNs> SearchBoundaries(TimeNs from, TimeNs to);

}  // namespace telemetry::api
