#include "api/influxql_rows.h"

#include <gtest/gtest.h>

namespace telemetry::api {
namespace {

using influxql::Call;
using influxql::Column;
using influxql::Function;

Call Ranked(Function function, std::size_t count) {
  Call call;
  call.function = function;
  call.count = count;
  return call;
}

std::vector<std::string> Picked(const RankedReadings& ranked) {
  std::vector<std::string> picked;
  for (const Reading& r : ranked.InTimeOrder()) picked.push_back(r.sensor_id + "@" + std::to_string(r.time));
  return picked;
}

// integral() in buckets of 100 ns, per ns: trapezoids; a bucket's area ends at its end on the line to the next
// reading (over an empty bucket), from where the next goes on; at one instant the first reading by sensor rank ends
// the area before it and the last starts the area after; no value for a bucket without readings.
TEST(Integrate, TrapezoidsEndingEachBucketOnTheLineToTheNextReading) {
  influxql::Select select;
  Column column;
  column.kind = Column::Kind::kAggregate;
  column.call.function = Function::kIntegral;
  column.call.unit = 1;
  select.columns.push_back(column);
  select.interval = 100;
  select.integrates = true;
  std::vector<Bucket> buckets(4);
  buckets[0].points = {{10, 1, 0}, {50, 3, 0}};
  buckets[2].points = {{250, 9, 1}, {250, 5, 0}};  // two sensors at one instant, not in rank order
  buckets[3].points = {{320, 1, 0}};
  Integrate(select, {0, 100, 200, 300}, buckets);
  ASSERT_EQ(buckets[0].integrals.size(), 1u);
  EXPECT_EQ(buckets[0].integrals[0].first, 1);
  // 0.5 * (1 + 3) * 40, then to 100 on the line to (250, 5): 3.5 there.
  EXPECT_DOUBLE_EQ(buckets[0].integrals[0].second, 80 + 0.5 * (3 + 3.5) * 50);
  EXPECT_TRUE(buckets[1].integrals.empty());
  // From (100, 3.5) to the first reading at 250 (5), then from the last (9) to 300 on the line to (320, 1).
  double at_300 = 9 - 8.0 * 50 / 70;
  EXPECT_DOUBLE_EQ(buckets[2].integrals[0].second, 0.5 * (3.5 + 5) * 150 + 0.5 * (9 + at_300) * 50);
  EXPECT_DOUBLE_EQ(buckets[3].integrals[0].second, 0.5 * (at_300 + 1) * 20);

  // Without buckets: one reading alone has no area; the unit divides each trapezoid.
  influxql::Select whole;
  whole.columns.push_back(column);
  whole.columns[0].call.unit = 10;
  whole.integrates = true;
  std::vector<Bucket> one(1);
  one[0].points = {{5, 7, 0}};
  Integrate(whole, {0}, one);
  EXPECT_EQ(one[0].integrals, (std::vector<std::pair<TimeNs, double>>{{10, 0.0}}));
  one[0].integrals.clear();
  one[0].points.push_back({25, 9, 0});
  Integrate(whole, {0}, one);
  EXPECT_EQ(one[0].integrals, (std::vector<std::pair<TimeNs, double>>{{10, 16.0}}));
}

// As InfluxDB picks them: the earliest and latest reading; at one instant the greater value, then the first sensor.
// Transformations of the readings, as InfluxDB 1.6 computes them (each expectation is its answer to the same
// readings): of readings at one instant, sensor by sensor; a derivative or difference only from the instant's first,
// the others passed over; elapsed in whole units; under ORDER BY time DESC over the readings newest first, an
// instant's still sensor by sensor, the rate per the time between them whichever way it runs.
TEST(ReadingRows, TransformationsOfTheReadings) {
  using Kind = influxql::Transform::Kind;
  std::vector<Reading> readings = {{"a", 100, 1},  {"b", 100, 5}, {"a", 200, 2},
                                   {"c", 200, 10}, {"b", 300, 3}, {"a", 400, 4}};
  auto rows_of = [&](Kind kind, TimeNs unit, std::size_t window, bool descending) {
    influxql::Select select;
    Column column;
    column.kind = Column::Kind::kValue;
    column.transform = influxql::Transform{kind, unit, window};
    select.columns.push_back(column);
    select.transforms_readings = true;
    select.descending = descending;
    std::vector<Row> rows = ReadingRows(select, readings);
    OrderAndLimit(select, rows);
    std::vector<std::string> shown;
    for (const Row& row : rows) {
      const Cell& cell = row.cells[0];
      std::string value = std::holds_alternative<std::int64_t>(cell) ? std::to_string(std::get<std::int64_t>(cell))
                                                                     : std::to_string(std::get<double>(cell));
      shown.push_back(std::to_string(row.time) + ":" + value);
    }
    return shown;
  };
  using Shown = std::vector<std::string>;
  EXPECT_EQ(rows_of(Kind::kDifference, 0, 0, false), (Shown{"200:1.000000", "300:1.000000", "400:1.000000"}));
  EXPECT_EQ(rows_of(Kind::kDerivative, 100, 0, false), (Shown{"200:1.000000", "300:1.000000", "400:1.000000"}));
  EXPECT_EQ(rows_of(Kind::kElapsed, 10, 0, false), (Shown{"100:0", "200:10", "200:0", "300:10", "400:10"}));
  EXPECT_EQ(rows_of(Kind::kMovingAverage, 0, 2, false),
            (Shown{"100:3.000000", "200:3.500000", "200:6.000000", "300:6.500000", "400:3.500000"}));
  EXPECT_EQ(rows_of(Kind::kCumulativeSum, 0, 0, false),
            (Shown{"100:1.000000", "100:6.000000", "200:8.000000", "200:18.000000", "300:21.000000", "400:25.000000"}));
  EXPECT_EQ(rows_of(Kind::kDifference, 0, 0, true), (Shown{"300:-1.000000", "200:-1.000000", "100:-1.000000"}));
  EXPECT_EQ(rows_of(Kind::kDerivative, 100, 0, true), (Shown{"300:-1.000000", "200:-1.000000", "100:-1.000000"}));
  EXPECT_EQ(rows_of(Kind::kNonNegativeDerivative, 100, 0, true), Shown{});
  EXPECT_EQ(rows_of(Kind::kCumulativeSum, 0, 0, true),
            (Shown{"400:4.000000", "300:7.000000", "200:9.000000", "200:19.000000", "100:20.000000", "100:25.000000"}));
}

TEST(FirstAndLast, PickByTimeThenTheGreaterValueThenTheFirstSensor) {
  Reading early{"z", 10, 1}, late{"a", 20, 1}, late_greater{"c", 20, 5}, late_greater_b{"b", 20, 5};
  EXPECT_TRUE(FirstPicks(early, late));
  EXPECT_FALSE(FirstPicks(late, early));
  EXPECT_TRUE(LastPicks(late, early));
  EXPECT_TRUE(FirstPicks(late_greater, late));
  EXPECT_TRUE(LastPicks(late_greater, late));
  EXPECT_TRUE(FirstPicks(late_greater_b, late_greater));
  EXPECT_TRUE(LastPicks(late_greater_b, late_greater));
  EXPECT_FALSE(LastPicks(late_greater, late_greater_b));
}

// max() and min() pick, of equal values, the earliest reading, then the first sensor (as top() and bottom() do).
TEST(RanksBefore, MaxAndMinPickTheValueThenTheEarliestThenTheFirstSensor) {
  Call max{Function::kMax}, min{Function::kMin};
  EXPECT_TRUE(RanksBefore(max, Reading{"b", 30, 9}, Reading{"a", 10, 7}));
  EXPECT_TRUE(RanksBefore(min, Reading{"a", 10, 7}, Reading{"b", 30, 9}));
  EXPECT_TRUE(RanksBefore(max, Reading{"b", 10, 9}, Reading{"a", 30, 9}));
  EXPECT_TRUE(RanksBefore(min, Reading{"a", 10, 9}, Reading{"b", 10, 9}));
  EXPECT_FALSE(RanksBefore(max, Reading{"b", 10, 9}, Reading{"a", 10, 9}));
}

TEST(RankedReadings, TopKeepsTheGreatestAndOfEqualValuesTheEarliest) {
  Call top = Ranked(Function::kTop, 3);
  RankedReadings ranked;
  EXPECT_TRUE(ranked.Offer(top, Reading{"a", 50, 7}));
  EXPECT_TRUE(ranked.Offer(top, Reading{"a", 40, 9}));
  EXPECT_TRUE(ranked.Offer(top, Reading{"b", 30, 9}));
  EXPECT_FALSE(ranked.Offer(top, Reading{"c", 60, 1}));  // below all three: not kept
  EXPECT_FALSE(ranked.Offer(top, Reading{"c", 20, 9}));  // replaces the 7, not counted as more
  EXPECT_FALSE(ranked.Offer(top, Reading{"d", 10, 8}));  // below the three 9s now
  EXPECT_FALSE(ranked.Offer(top, Reading{"a", 20, 9}));  // a 9 as early as c's: the first sensor by id wins
  EXPECT_EQ(Picked(ranked), (std::vector<std::string>{"a@20", "c@20", "b@30"}));
}

TEST(RankedReadings, BottomKeepsTheSmallest) {
  Call bottom = Ranked(Function::kBottom, 2);
  RankedReadings ranked;
  for (int i = 0; i < 100; ++i) ranked.Offer(bottom, Reading{"s", i, static_cast<double>((i * 37) % 100) - 50});
  // (i * 37) % 100 is 0 at i = 0 and 1 at i = 73: the two smallest, -50 and -49.
  EXPECT_EQ(Picked(ranked), (std::vector<std::string>{"s@0", "s@73"}));
}

TEST(RankedReadings, EachPickIsARowDatedByItsReadingWithItsSensor) {
  influxql::Select select;
  Column top;
  top.kind = Column::Kind::kAggregate;
  top.call = Ranked(Function::kTop, 2);
  top.name = "top";
  Column sensor;
  sensor.kind = Column::Kind::kSensorTag;
  sensor.name = "sensorID";
  select.columns = {top, sensor};
  select.aggregate = true;
  select.ranked = top.call;
  select.interval = 100;
  select.fill = influxql::Fill::kNumber;  // no row for an empty bucket all the same
  std::vector<Bucket> buckets(3);
  for (const Reading& r : {Reading{"b", 10, 5}, Reading{"a", 90, 6}, Reading{"c", 50, 1}, Reading{"a", 250, 3}}) {
    Bucket& bucket = buckets[static_cast<std::size_t>(r.time / 100)];
    bucket.aggregate.Add(r.value);
    bucket.ranked.Offer(top.call, r);
  }
  std::vector<Row> rows = AggregateRows(select, {0, 100, 200}, buckets);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].time, 10);
  EXPECT_EQ(rows[0].sensor, "b");
  EXPECT_EQ(rows[0].cells, (std::vector<Cell>{5.0, std::monostate{}}));
  EXPECT_EQ(rows[1].time, 90);
  EXPECT_EQ(rows[1].sensor, "a");
  EXPECT_EQ(rows[2].time, 250);
  EXPECT_EQ(rows[2].cells[0], Cell(3.0));
}

}  // namespace
}  // namespace telemetry::api
