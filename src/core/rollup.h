// Rollups: per-series aggregates over fixed time buckets, from which any range's statistics are assembled at a
// cost bounded by the number of buckets touched, never by the number of readings in the range.
//
// A series is one sensor, or all sensors together. Each stored reading is added to one bucket per level (the second
// (all sensors only), the minute, the hour and the UTC day that contain it) and to the series' all-time total.
// PlanRange() splits [from, to) into the coarsest whole buckets that fit, plus at most two raw spans shorter than
// the finest bucket at its edges:
//
//   [09:59:30, 12:00:10)  ->  raw [09:59:30, 10:00:00), hours [10:00, 12:00), raw [12:00:00, 12:00:10)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/time.h"

namespace telemetry {

// Bucket widths, finest first; each divides the next.
inline constexpr std::array<TimeNs, 4> kRollupWidths = {kNanosPerSecond, kNanosPerMinute, kNanosPerHour, kNanosPerDay};
inline constexpr int kRollupLevels = static_cast<int>(kRollupWidths.size());
// The finest level kept per sensor. The all-sensors series also keeps seconds: its raw edges would otherwise hold
// every sensor's readings of up to a minute, while a second of them costs one bucket write per second of writes.
inline constexpr int kFinestSensorLevel = 1;
inline constexpr int kFinestAllSensorsLevel = 0;
// The coarsest level, UTC days: every series has a row for each day that holds a reading.
inline constexpr int kDayLevel = kRollupLevels - 1;
// The level whose single bucket (start 0) holds the series' all-time total.
inline constexpr int kTotalLevel = kRollupLevels;

// A half-open time span [from, to).
struct TimeSpan {
  TimeNs from = 0;
  TimeNs to = 0;
  friend bool operator==(const TimeSpan&, const TimeSpan&) = default;
};

// Buckets of one level whose start lies in [first_start, end_start).
struct BucketSpan {
  int level = 0;
  TimeNs first_start = 0;
  TimeNs end_start = 0;
  friend bool operator==(const BucketSpan&, const BucketSpan&) = default;
};

struct RangePlan {
  bool whole_series = false;    // the range is everything: read the total bucket only
  std::vector<TimeSpan> raw;    // spans to aggregate from raw readings (at most two, each under one finest bucket)
  std::vector<BucketSpan> buckets;
};

// Calls fn(level, bucket_start) for every bucket a reading at `time` belongs to: one per level from
// `finest_level` up, then the total (kTotalLevel, start 0).
template <typename Fn>
void ForEachBucket(TimeNs time, int finest_level, Fn fn) {
  for (int level = finest_level; level < kRollupLevels; ++level) fn(level, FloorTo(time, kRollupWidths[level]));
  fn(kTotalLevel, TimeNs{0});
}

// The plan for a series whose finest level is `finest_level`.
// REQUIRES: from <= to; 0 <= finest_level < kRollupLevels. kMinTime/kMaxTime stand for an open end.
RangePlan PlanRange(TimeNs from, TimeNs to, int finest_level);

// The most rows reading `plan` takes from its bucket spans: one per bucket, which on a sparse level may be a reading
// instead of a row (the whole series: one). A span out to an open end counts every bucket to the end of time; the
// count is exact in 64 unsigned bits. Raw spans are not counted: what they hold is known only by reading them.
std::uint64_t MostBucketRows(const RangePlan& plan);

// The plan for consecutive spans [boundaries[0], boundaries[1]), [boundaries[1], boundaries[2]), ... of one series
// (a time series): every span's PlanRange, with bucket spans of one level that touch merged into one (so that a
// year of hours is one range to read) and touching raw spans likewise. Every bucket and raw reading the plan reads
// lies in exactly one span: SpanIndex() finds it. whole_series only for the single span (kMinTime, kMaxTime).
// REQUIRES: at least two boundaries, ascending.
RangePlan PlanSeries(const std::vector<TimeNs>& boundaries, int finest_level);

// The index of the span [boundaries[i], boundaries[i+1]) holding `time`. REQUIRES: boundaries[0] <= time <
// boundaries.back().
std::size_t SpanIndex(const std::vector<TimeNs>& boundaries, TimeNs time);

}  // namespace telemetry
