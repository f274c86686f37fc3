#include "core/rollup.h"

#include <gtest/gtest.h>

#include <random>

namespace telemetry {
namespace {

constexpr TimeNs kMinute = 60 * kNanosPerSecond;
constexpr TimeNs kHour = 60 * kMinute;
constexpr TimeNs kDay = 24 * kHour;

// Every instant in [from, to) must be covered exactly once by the plan's raw spans and buckets.
void ExpectExactCover(TimeNs from, TimeNs to) {
  RangePlan plan = PlanRange(from, to);
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
  for (const TimeSpan& raw : plan.raw) EXPECT_LT(raw.to - raw.from, kMinute);
}

TEST(PlanRange, EverythingIsTheTotal) {
  RangePlan plan = PlanRange(kMinTime, kMaxTime);
  EXPECT_TRUE(plan.whole_series);
}

TEST(PlanRange, UsesTheCoarsestBucketsThatFit) {
  TimeNs day = 19000 * kDay;
  RangePlan plan = PlanRange(day + 9 * kHour + 58 * kMinute + 30 * kNanosPerSecond, day + 12 * kHour + 10);
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{day + 9 * kHour + 58 * kMinute + 30 * kNanosPerSecond,
                                              day + 9 * kHour + 59 * kMinute},
                                             {day + 12 * kHour, day + 12 * kHour + 10}}));
  ASSERT_EQ(plan.buckets.size(), 2u);
  EXPECT_EQ(plan.buckets[0], (BucketSpan{0, day + 9 * kHour + 59 * kMinute, day + 10 * kHour}) );
  EXPECT_EQ(plan.buckets[1], (BucketSpan{1, day + 10 * kHour, day + 12 * kHour}));
}

TEST(PlanRange, ASubMinuteRangeIsReadRaw) {
  RangePlan plan = PlanRange(10, 20);
  EXPECT_TRUE(plan.buckets.empty());
  EXPECT_EQ(plan.raw, (std::vector<TimeSpan>{{10, 20}}));
  EXPECT_TRUE(PlanRange(10, 10).raw.empty());
}

TEST(PlanRange, CoversRandomRangesExactly) {
  std::mt19937_64 random(42);
  std::uniform_int_distribution<TimeNs> offset(0, 400 * kDay);
  for (int i = 0; i < 5000; ++i) {
    TimeNs a = offset(random) - 200 * kDay, b = offset(random) - 200 * kDay;
    if (i % 4 == 0) a = FloorTo(a, kHour);
    if (i % 5 == 0) b = FloorTo(b, kMinute);
    ExpectExactCover(std::min(a, b), std::max(a, b));
  }
}

TEST(PlanRange, BoundsTheWorkByTheLengthOfTheRangeNotItsReadings) {
  RangePlan plan = PlanRange(7, 3650 * kDay + 7);  // ten years
  EXPECT_LE(plan.raw.size(), 2u);
  EXPECT_LE(plan.buckets.size(), 2u * (kRollupLevels - 1) + 1);
  ExpectExactCover(kMinTime, 5);
  ExpectExactCover(-5, kMaxTime);
}

}  // namespace
}  // namespace telemetry
