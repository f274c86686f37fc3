// The buckets of a time series: [from, to) cut into intervals, aligned to the epoch (UTC) or to local midnights of
// a time zone, so that "daily" means the user's days, 23 or 25 hours long across DST changes.
//
//   SeriesBoundaries(from, to, kNanosPerHour, berlin, 10'000)  ->  hourly boundaries, Berlin days
#pragma once

#include <cstddef>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace date {
class time_zone;
}

namespace telemetry {

// Boundaries b0 < b1 < ... of the buckets covering [from, to), widened to whole buckets: bucket i is
// [b_i, b_{i+1}).
// - No zone (UTC): multiples of `interval` since the epoch.
// - A zone, interval a whole number of days: every n-th local midnight (counted from 1970-01-01 local).
// - A zone, interval dividing a day: from each local midnight, steps of `interval` of elapsed time up to the next
//   local midnight (the last bucket of a 23-hour day is shorter).
// kInvalidArgument when the interval is not a whole number of minutes, or with a zone neither divides nor is a
// multiple of a day, or when there would be more than `max_buckets` buckets.
// REQUIRES: from < to.
StatusOr<std::vector<TimeNs>> SeriesBoundaries(TimeNs from, TimeNs to, TimeNs interval, const date::time_zone* zone,
                                               std::size_t max_buckets);

// Parses an interval: a positive whole number with a unit m, h or d ("1m", "15m", "6h", "1d"). kInvalidArgument
// otherwise.
StatusOr<TimeNs> ParseInterval(std::string_view text);

}  // namespace telemetry
