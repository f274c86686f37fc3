#include "core/aggregate.h"

#include <gtest/gtest.h>

namespace telemetry {
namespace {

TEST(Aggregate, EmptyHasNoMean) {
  Aggregate empty;
  EXPECT_EQ(empty.count, 0);
  EXPECT_FALSE(empty.Mean().has_value());
}

TEST(Aggregate, TracksCountSumMinMax) {
  Aggregate aggregate;
  for (double value : {12.0, -3.5, 40.25}) aggregate.Add(value);
  EXPECT_EQ(aggregate.count, 3);
  EXPECT_DOUBLE_EQ(aggregate.Sum(), 48.75);
  EXPECT_EQ(aggregate.min, -3.5);
  EXPECT_EQ(aggregate.max, 40.25);
  EXPECT_DOUBLE_EQ(*aggregate.Mean(), 16.25);
}

TEST(Aggregate, MergeEqualsAddingOneByOne) {
  Aggregate left, right, all;
  for (int i = 0; i < 100; ++i) {
    double value = i * 0.1 - 3;
    (i % 3 == 0 ? left : right).Add(value);
    all.Add(value);
  }
  left.Merge(right);
  EXPECT_EQ(left.count, all.count);
  EXPECT_DOUBLE_EQ(left.Sum(), all.Sum());
  EXPECT_EQ(left.min, all.min);
  EXPECT_EQ(left.max, all.max);
  Aggregate empty;
  left.Merge(empty);
  EXPECT_EQ(left.count, all.count);
}

TEST(Aggregate, CompensatedSumStaysExactWhereNaiveSummationDrifts) {
  Aggregate aggregate;
  double naive = 0;
  for (int i = 0; i < 10'000'000; ++i) {
    aggregate.Add(0.1);
    naive += 0.1;
  }
  EXPECT_NE(naive, 1'000'000.0);            // plain double summation has drifted
  EXPECT_EQ(aggregate.Sum(), 1'000'000.0);  // the compensated sum has not
}

TEST(RoundHalfEven, RoundsTiesToEvenAsTheOriginalDid) {
  EXPECT_EQ(RoundHalfEven(2.5), 2.0);
  EXPECT_EQ(RoundHalfEven(3.5), 4.0);
  EXPECT_EQ(RoundHalfEven(-2.5), -2.0);
  EXPECT_EQ(RoundHalfEven(2.4), 2.0);
  EXPECT_EQ(RoundHalfEven(2.6), 3.0);
  EXPECT_EQ(RoundHalfEven(12.0), 12.0);
}

}  // namespace
}  // namespace telemetry
