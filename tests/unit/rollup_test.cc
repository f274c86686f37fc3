#include "core/rollup.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace telemetry {
namespace {

// Every instant in [from, to) must be covered exactly once by the plan's raw spans and buckets.
void ExpectExactCover(TimeNs from, TimeNs to, int finest_level = kFinestSensorLevel) {
  RangePlan plan = PlanRange(from, to, finest_level);
  std::vector<TimeSpan> pieces = plan.raw;
  for (const BucketSpan& span : plan.buckets) {
    // Bucket edges, or an open end of the range (the buckets from it are all there are on that side).
    if (span.first_start != kMinTime) {
      EXPECT_EQ(span.first_start % kRollupWidths[span.level], 0);
    }
    if (span.end_start != kMaxTime) {
      EXPECT_EQ(span.end_start % kRollupWidths[span.level], 0);
    }
    pieces.push_back({span.first_start, span.end_start});
  }
  std::sort(pieces.begin(), pieces.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.from < b.from; });
  TimeNs covered = from;
  for (const TimeSpan& piece : pieces) {
    EXPECT_EQ(piece.from, covered) << "gap or overlap in [" << from << ", " << to << ")";
    EXPECT_LT(piece.from, piece.to);
    covered = piece.to;
  }
  EXPECT_EQ(covered, from == to ? from : to);
  // Unsigned: an open end's span would overflow TimeNs (and must fail here, not wrap into a pass).
  for (const TimeSpan& raw : plan.raw) {
    EXPECT_LT(static_cast<std::uint64_t>(raw.to) - static_cast<std::uint64_t>(raw.from),
              static_cast<std::uint64_t>(kRollupWidths[finest_level]));
  }
}

TEST(PlanRange, EverythingIsTheTotal) {
  RangePlan plan = PlanRange(kMinTime, kMaxTime, kFinestSensorLevel);
  EXPECT_TRUE(plan.whole_series);
}

TEST(PlanRange, UsesTheCoarsestBucketsThatFit) {
  TimeNs day = 19000 * kNanosPerDay;
  RangePlan plan = PlanRange(day + 9 * kNanosPerHour + 58 * kNanosPerMinute + 30 * kNanosPerSecond,
                             day + 12 * kNanosPerHour + 10, kFinestSensorLevel);
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{day + 9 * kNanosPerHour + 58 * kNanosPerMinute + 30 * kNanosPerSecond,
                                              day + 9 * kNanosPerHour + 59 * kNanosPerMinute},
                                             {day + 12 * kNanosPerHour, day + 12 * kNanosPerHour + 10}}));
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0], (BucketSpan{1, day + 9 * kNanosPerHour + 59 * kNanosPerMinute, day + 10 * kNanosPerHour}));
  EXPECT_EQ(plan.buckets[1], (BucketSpan{2, day + 10 * kNanosPerHour, day + 12 * kNanosPerHour}));
}

TEST(PlanRange, ASubMinuteRangeIsReadRaw) {
  RangePlan plan = PlanRange(10, 20, kFinestSensorLevel);
  EXPECT_TRUE(plan.buckets.empty());
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{10, 20}}));
  EXPECT_TRUE(PlanRange(10, 10, kFinestSensorLevel).raw.empty());
}

TEST(PlanRange, AllSensorsUseSecondsSoTheirRawEdgesAreUnderASecond) {
  RangePlan plan = PlanRange(kNanosPerSecond / 2, 150 * kNanosPerSecond + 7, kFinestAllSensorsLevel);
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{kNanosPerSecond / 2, kNanosPerSecond},
                                             {150 * kNanosPerSecond, 150 * kNanosPerSecond + 7}}));
  EXPECT_EQ(plan.buckets, (std::vector<BucketSpan>{{0, kNanosPerSecond, kNanosPerMinute},
                                                   {0, 2 * kNanosPerMinute, 150 * kNanosPerSecond},
                                                   {1, kNanosPerMinute, 2 * kNanosPerMinute}}));
}

TEST(PlanRange, CoversRandomRangesExactly) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<TimeNs> offset(0, 400 * kNanosPerDay);
  for (int i = 0; i < 5000; ++i) {
    TimeNs a = offset(random) - 200 * kNanosPerDay, b = offset(random) - 200 * kNanosPerDay;
    if (i % 4 == 0) a = FloorTo(a, kNanosPerHour);
    if (i % 5 == 0) b = FloorTo(b, kNanosPerMinute);
    ExpectExactCover(std::min(a, b), std::max(a, b), i % 2 ? kFinestSensorLevel : kFinestAllSensorsLevel);
  }
}

TEST(PlanRange, BoundsTheWorkByTheLengthOfTheRangeNotItsReadings) {
  RangePlan plan = PlanRange(7, 3650 * kNanosPerDay + 7, kFinestAllSensorsLevel);  // ten years
  EXPECT_LE(plan.raw.size(), 2u);
  EXPECT_LE(plan.buckets.size(), 2u * (kRollupLevels - 1) + 1);
  ExpectExactCover(kMinTime, 5);
  ExpectExactCover(-5, kMaxTime);
}

// A range open at one end is read from the coarsest buckets out to that end, never from raw readings.
TEST(PlanRange, AnOpenEndIsReadFromBuckets) {
  TimeNs day = 19000 * kNanosPerDay;
  RangePlan before = PlanRange(kMinTime, day + 5, kFinestSensorLevel);
  EXPECT_EQ(before.raw, (std::vector<TimeSpan>{{day, day + 5}}));
  ASSERT_EQ(before.buckets.size(), 1u);
  EXPECT_EQ(before.buckets[0].level, kRollupLevels - 1);
  EXPECT_EQ(before.buckets[0].end_start, day);
  RangePlan after = PlanRange(day - 5, kMaxTime, kFinestAllSensorsLevel);
  EXPECT_EQ(after.raw, (std::vector<TimeSpan>{{day - 5, day}}));
  ASSERT_EQ(after.buckets.size(), 1u);
  EXPECT_EQ(after.buckets[0].first_start, day);
}

TEST(PlanRange, CountsTheMostRowsItsBucketsHold) {
  TimeNs day = 19000 * kNanosPerDay;
  // A minute of the first hour, then two hours (the raw edges are not counted).
  EXPECT_EQ(MostBucketRows(PlanRange(day + 9 * kNanosPerHour + 58 * kNanosPerMinute + 30 * kNanosPerSecond,
                                     day + 12 * kNanosPerHour + 10, kFinestSensorLevel)),
            3u);
  EXPECT_EQ(MostBucketRows(PlanRange(kMinTime, kMaxTime, kFinestSensorLevel)), 1u);  // the total
  EXPECT_EQ(MostBucketRows(PlanRange(10, 20, kFinestSensorLevel)), 0u);              // raw only
  // Every day back to the earliest representable time (1677): ~125,750 of them, no overflow.
  std::uint64_t open = MostBucketRows(PlanRange(kMinTime, day, kFinestSensorLevel));
  EXPECT_GT(open, 125'000u);
  EXPECT_LT(open, 126'000u);
}

TEST(PlanSeries, AYearOfHoursIsOneRange) {
  std::vector<TimeNs> boundaries;
  for (TimeNs t = 0; t <= 365 * kNanosPerDay; t += kNanosPerHour) boundaries.push_back(t);
  RangePlan plan = PlanSeries(boundaries, kFinestSensorLevel);
  ASSERT_EQ(plan.buckets.size(), 1u);
  EXPECT_EQ(plan.buckets[0], (BucketSpan{2, 0, 365 * kNanosPerDay}));
  EXPECT_TRUE(plan.raw.empty());
  EXPECT_EQ(SpanIndex(boundaries, 0), 0u);
  EXPECT_EQ(SpanIndex(boundaries, kNanosPerHour - 1), 0u);
  EXPECT_EQ(SpanIndex(boundaries, kNanosPerHour), 1u);
  EXPECT_EQ(SpanIndex(boundaries, 365 * kNanosPerDay - 1), 365u * 24 - 1);
}

// Every bucket and raw span of the merged plan lies within one span, and together they cover every span exactly.
TEST(PlanSeries, EveryPieceLiesInOneSpanAndTheSpansAreCovered) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<TimeNs> boundaries{std::uniform_int_distribution<TimeNs>(-5 * kNanosPerDay, 5 * kNanosPerDay)(random)};
    int spans = std::uniform_int_distribution<int>(1, 40)(random);
    for (int i = 0; i < spans; ++i) {
      TimeNs step = round % 3 == 0 ? kNanosPerDay + (i % 2 ? kNanosPerHour : -kNanosPerHour)  // DST-like days
                                   : std::uniform_int_distribution<TimeNs>(1, 3 * kNanosPerHour)(random);
      boundaries.push_back(boundaries.back() + step);
    }
    int finest = round % 2 ? kFinestSensorLevel : kFinestAllSensorsLevel;
    RangePlan plan = PlanSeries(boundaries, finest);
    std::vector<TimeNs> covered(boundaries.size() - 1, 0);
    auto add = [&](TimeNs from, TimeNs to) {
      std::size_t span = SpanIndex(boundaries, from);
      // A merged range may cross spans, but each of its buckets lies in one.
      ASSERT_LE(to, boundaries[span + 1]);
      covered[span] += to - from;
    };
    for (const BucketSpan& range : plan.buckets) {
      for (TimeNs bucket = range.first_start; bucket < range.end_start; bucket += kRollupWidths[range.level]) {
        add(bucket, bucket + kRollupWidths[range.level]);
      }
    }
    for (const TimeSpan& raw : plan.raw) {
      for (std::size_t span = SpanIndex(boundaries, raw.from); span + 1 < boundaries.size(); ++span) {
        TimeNs from = std::max(raw.from, boundaries[span]), to = std::min(raw.to, boundaries[span + 1]);
        if (from >= to) break;
        add(from, to);
      }
    }
    for (std::size_t span = 0; span + 1 < boundaries.size(); ++span) {
      EXPECT_EQ(covered[span], boundaries[span + 1] - boundaries[span]) << "span " << span;
    }
  }
}

}  // namespace
}  // namespace telemetry
