#include "core/rollup.h"

#include <gtest/gtest.h>

#include <random>

namespace telemetry {
namespace {

constexpr TimeNs kMinute = 60 * kNanosPerSecond;
constexpr TimeNs kHour = 60 * kMinute;
constexpr TimeNs kDay = 24 * kHour;

// Every instant in [from, to) must be covered exactly once by the plan's raw spans and buckets.
void ExpectExactCover(TimeNs from, TimeNs to, int finest_level = kFinestSensorLevel) {
  RangePlan plan = PlanRange(from, to, finest_level);
  std::vector<TimeSpan> pieces = plan.raw;
  for (const BucketSpan& span : plan.buckets) {
    EXPECT_EQ(span.first_start % kRollupWidths[span.level], 0);
    EXPECT_EQ(span.end_start % kRollupWidths[span.level], 0);
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
  for (const TimeSpan& raw : plan.raw) EXPECT_LT(raw.to - raw.from, kRollupWidths[finest_level]);
}

TEST(PlanRange, EverythingIsTheTotal) {
  RangePlan plan = PlanRange(kMinTime, kMaxTime, kFinestSensorLevel);
  EXPECT_TRUE(plan.whole_series);
}

TEST(PlanRange, UsesTheCoarsestBucketsThatFit) {
  TimeNs day = 19000 * kDay;
  RangePlan plan =
      PlanRange(day + 9 * kHour + 58 * kMinute + 30 * kNanosPerSecond, day + 12 * kHour + 10, kFinestSensorLevel);
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{day + 9 * kHour + 58 * kMinute + 30 * kNanosPerSecond,
                                              day + 9 * kHour + 59 * kMinute},
                                             {day + 12 * kHour, day + 12 * kHour + 10}}));
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0], (BucketSpan{1, day + 9 * kHour + 59 * kMinute, day + 10 * kHour}));
  EXPECT_EQ(plan.buckets[1], (BucketSpan{2, day + 10 * kHour, day + 12 * kHour}));
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
  EXPECT_EQ(plan.buckets, (std::vector<BucketSpan>{{0, kNanosPerSecond, kMinute},
                                                   {0, 2 * kMinute, 150 * kNanosPerSecond},
                                                   {1, kMinute, 2 * kMinute}}));
}

TEST(PlanRange, CoversRandomRangesExactly) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<TimeNs> offset(0, 400 * kDay);
  for (int i = 0; i < 5000; ++i) {
    TimeNs a = offset(random) - 200 * kDay, b = offset(random) - 200 * kDay;
    if (i % 4 == 0) a = FloorTo(a, kHour);
    if (i % 5 == 0) b = FloorTo(b, kMinute);
    ExpectExactCover(std::min(a, b), std::max(a, b), i % 2 ? kFinestSensorLevel : kFinestAllSensorsLevel);
  }
}

TEST(PlanRange, BoundsTheWorkByTheLengthOfTheRangeNotItsReadings) {
  RangePlan plan = PlanRange(7, 3650 * kDay + 7, kFinestAllSensorsLevel);  // ten years
  EXPECT_LE(plan.raw.size(), 2u);
  EXPECT_LE(plan.buckets.size(), 2u * (kRollupLevels - 1) + 1);
  ExpectExactCover(kMinTime, 5);
  ExpectExactCover(-5, kMaxTime);
}

}  // namespace
}  // namespace telemetry
