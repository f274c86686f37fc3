#include "core/influxql.h"

#include <gtest/gtest.h>

#include <cmath>

namespace telemetry::influxql {
namespace {

// 2021-10-04T09:00:00Z, what now() means in these tests.
constexpr TimeNs kQueryNow = 1'633'338'000 * kNanosPerSecond;

StatusOr<std::vector<Statement>> ParseQuery(std::string_view text, const BoundParams& params = {}) {
  return Parse(text, "temperature", params, kQueryNow);
}

Select ParseSelect(std::string_view text, const BoundParams& params = {}) {
  StatusOr<std::vector<Statement>> parsed = ParseQuery(text, params);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
  if (!parsed.ok() || parsed->size() != 1 || !std::holds_alternative<Select>(parsed->front())) return Select{};
  return std::move(std::get<Select>(std::move(parsed).value().front()));
}

std::string ParseError(std::string_view text, const BoundParams& params = {}) {
  StatusOr<std::vector<Statement>> parsed = ParseQuery(text, params);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(InfluxQl, GrafanasDefaultQuery) {
  Select select =
      ParseSelect(R"(SELECT mean("value") FROM "temperature" WHERE ("sensorID" = '107') AND time >= now() - 6h and )"
                  R"(time <= now() GROUP BY time(1m), "sensorID" fill(null))");
  ASSERT_EQ(select.columns.size(), 1u);
  EXPECT_EQ(select.columns[0].kind, Column::Kind::kAggregate);
  EXPECT_EQ(select.columns[0].call.function, Function::kMean);
  EXPECT_EQ(select.columns[0].name, "mean");
  EXPECT_TRUE(select.aggregate);
  EXPECT_TRUE(select.measurement_matches);
  EXPECT_EQ(select.from, kQueryNow - 6 * kNanosPerHour);
  EXPECT_EQ(select.to, kQueryNow + 1);  // time <= now(): the bound is exclusive, one nanosecond on
  EXPECT_TRUE(select.to_given);
  EXPECT_EQ(select.interval, kNanosPerMinute);
  EXPECT_TRUE(select.group_by_sensor);
  EXPECT_EQ(select.fill, Fill::kNull);
  ASSERT_NE(select.tags, nullptr);
  EXPECT_EQ(select.tags->NamedSensors(), std::vector<std::string>{"107"});
  EXPECT_EQ(BucketStarts(select).size(), 361u);  // 6 hours of minutes, the last one holding now() alone
}

TEST(InfluxQl, TypeCastsAsGrafanaWritesThem) {
  Select select =
      ParseSelect(R"(SELECT mean("value"::field) FROM "autogen"."temperature" WHERE ("sensorID"::tag = '107') AND )"
                  R"(time >= 1633338000000ms GROUP BY time(1m), "sensorID"::tag)");
  EXPECT_EQ(select.columns[0].call.function, Function::kMean);
  EXPECT_EQ(select.tags->NamedSensors(), std::vector<std::string>{"107"});
  EXPECT_TRUE(select.group_by_sensor);
  EXPECT_EQ(ParseSelect(R"(SELECT "value"::field, "sensorID"::tag FROM temperature)").columns[1].kind,
            Column::Kind::kSensorTag);
}

TEST(InfluxQl, TimesInEveryForm) {
  constexpr TimeNs kMs = 1'000'000;
  struct Case {
    std::string where;
    TimeNs from, to;
  } cases[] = {
      {"time >= '2021-10-04T09:00:00Z'", kQueryNow, kMaxTime},
      {"time > '2021-10-04 09:00:00'", kQueryNow + 1, kMaxTime},
      {"time < '2021-10-04T11:00:00+02:00'", kMinTime, kQueryNow},
      {"time <= 1633338000000000000", kMinTime, kQueryNow + 1},
      {"time >= 1633338000000ms AND time < 1633338060000ms", kQueryNow, kQueryNow + 60'000 * kMs},
      {"time = '2021-10-04T09:00:00.5Z'", kQueryNow + 500 * kMs, kQueryNow + 500 * kMs + 1},
      {"'2021-10-04' <= time", kQueryNow - 9 * kNanosPerHour, kMaxTime},
      {"time > now() - 1h - 30m AND time < now() + 5m", kQueryNow - 90 * kNanosPerMinute + 1,
       kQueryNow + 5 * kNanosPerMinute},
      {"time >= '2021-10-04T09:00:00Z' + 30m", kQueryNow + 30 * kNanosPerMinute, kMaxTime},
      {"time >= -5s", -5 * kNanosPerSecond, kMaxTime},
      {"time >= 10s AND time >= 20s AND time < 50s AND time < 40s", 20 * kNanosPerSecond, 40 * kNanosPerSecond},
  };
  for (const Case& c : cases) {
    Select select = ParseSelect("SELECT value FROM temperature WHERE " + c.where);
    EXPECT_EQ(select.from, c.from) << c.where;
    EXPECT_EQ(select.to, c.to) << c.where;
    EXPECT_EQ(select.tags, nullptr) << c.where;
  }
}

TEST(InfluxQl, ColumnsAliasesAndSources) {
  Select select = ParseSelect(
      R"(select MEAN(value), mean(temperature), max(*) AS "top", count(value) from telemetry.autogen."temperature")");
  ASSERT_EQ(select.columns.size(), 4u);
  EXPECT_EQ(select.columns[0].name, "mean");
  EXPECT_EQ(select.columns[1].name, "mean_1");
  EXPECT_EQ(select.columns[2].name, "top");
  EXPECT_EQ(select.columns[2].call.function, Function::kMax);
  EXPECT_EQ(select.columns[3].call.function, Function::kCount);
  EXPECT_TRUE(select.measurement_matches);

  Select raw = ParseSelect("SELECT * FROM db..temperature");
  ASSERT_EQ(raw.columns.size(), 2u);
  EXPECT_EQ(raw.columns[0].kind, Column::Kind::kSensorTag);
  EXPECT_EQ(raw.columns[0].name, "sensorID");
  EXPECT_EQ(raw.columns[1].kind, Column::Kind::kValue);
  EXPECT_FALSE(raw.aggregate);

  EXPECT_FALSE(ParseSelect("SELECT value FROM humidity").measurement_matches);
  EXPECT_TRUE(ParseSelect("SELECT value FROM /^temp/").measurement_matches);
  EXPECT_FALSE(ParseSelect("SELECT value FROM /^hum/").measurement_matches);
  EXPECT_EQ(ParseSelect("SELECT spread(value) FROM temperature").columns[0].name, "spread");
  Select selectors = ParseSelect("SELECT first(value), LAST(value), max(value) FROM temperature");
  EXPECT_EQ(selectors.columns[0].call.function, Function::kFirst);
  EXPECT_EQ(selectors.columns[1].call.function, Function::kLast);
  EXPECT_EQ(selectors.columns[1].name, "last");
  EXPECT_TRUE(selectors.reads_readings);
  EXPECT_FALSE(ParseSelect("SELECT max(value) FROM temperature").reads_readings);
  EXPECT_EQ(ParseSelect("SELECT sum(*) FROM temperature").columns[0].name, "sum_value");
}

TEST(InfluxQl, ConditionsOnTheValue) {
  Select select = ParseSelect(
      "SELECT count(value) FROM temperature WHERE value > 30 AND sensorID = 'a' AND 40 >= \"temperature\" AND "
      "time > now() - 1h AND value != $skip",
      {{"skip", std::int64_t{35}}});
  ASSERT_EQ(select.value_conditions.size(), 3u);
  EXPECT_EQ(select.value_conditions[0].op, ValueCondition::Op::kGreater);
  EXPECT_EQ(select.value_conditions[0].number, 30.0);
  EXPECT_EQ(select.value_conditions[1].op, ValueCondition::Op::kLessOrEqual);  // turned round: value <= 40
  EXPECT_EQ(select.value_conditions[1].number, 40.0);
  EXPECT_EQ(select.value_conditions[2].op, ValueCondition::Op::kNotEqual);
  EXPECT_TRUE(select.reads_readings);  // count() then comes from the readings, as no rollup can filter
  EXPECT_EQ(select.tags->NamedSensors(), std::vector<std::string>{"a"});
  EXPECT_EQ(select.from, kQueryNow - kNanosPerHour + 1);
  EXPECT_TRUE(select.value_conditions[0].Accepts(30.5));
  EXPECT_FALSE(select.value_conditions[0].Accepts(30));
  EXPECT_TRUE(select.value_conditions[1].Accepts(40));
  EXPECT_FALSE(select.value_conditions[2].Accepts(35));
  EXPECT_FALSE(ParseSelect("SELECT count(value) FROM temperature WHERE sensorID = 'a'").reads_readings);
  EXPECT_EQ(ParseSelect("SELECT value FROM temperature WHERE (value < -5.5)").value_conditions[0].number, -5.5);

  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE value = 'warm'"),
            "the value compares with a number, such as value > 30 at line 1, char 37");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE value =~ /1/"),
            "the value compares with a number, such as value > 30 at line 1, char 37");
  // Joined by OR (and AND within), among themselves: readings outside a band, or inside one of two.
  Select outside = ParseSelect(
      "SELECT count(value) FROM temperature WHERE (value < -20 OR value > 80) AND time > now() - 1h AND sensorID = "
      "'a'");
  ASSERT_EQ(outside.value_conditions.size(), 1u);
  EXPECT_EQ(outside.value_conditions[0].kind, ValueCondition::Kind::kOr);
  EXPECT_TRUE(outside.reads_readings);
  EXPECT_EQ(outside.tags->NamedSensors(), std::vector<std::string>{"a"});
  for (double v : {-20.5, 80.5}) EXPECT_TRUE(outside.value_conditions[0].Accepts(v)) << v;
  for (double v : {-20.0, 0.0, 80.0}) EXPECT_FALSE(outside.value_conditions[0].Accepts(v)) << v;
  Select bands =
      ParseSelect("SELECT value FROM temperature WHERE value >= 10 AND value < 20 OR 30 <= value AND value < 40");
  ASSERT_EQ(bands.value_conditions.size(), 1u);
  for (double v : {10.0, 19.5, 30.0, 39.5}) EXPECT_TRUE(bands.value_conditions[0].Accepts(v)) << v;
  for (double v : {9.5, 20.0, 29.5, 40.0}) EXPECT_FALSE(bands.value_conditions[0].Accepts(v)) << v;
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE (value > 1 OR value = 'x')"),
            "the value compares with a number, such as value > 30 at line 1, char 51");
  EXPECT_EQ(ParseError("SHOW TAG VALUES WITH KEY = sensorID WHERE value > 1"),
            "SHOW takes conditions on time and tags, not on the value at line 1, char 43");
}

TEST(InfluxQl, TransformationsOfAggregates) {
  Select select = ParseSelect(
      "SELECT derivative(mean(value), 1m), NON_NEGATIVE_DERIVATIVE(max(value)), difference(median(value)) AS d, "
      "moving_average(mean(value), 3), cumulative_sum(count(value)), non_negative_difference(min(value)) FROM "
      "temperature WHERE time > now() - 1d GROUP BY time(5m)");
  ASSERT_EQ(select.columns.size(), 6u);
  EXPECT_EQ(select.columns[0].name, "derivative");
  EXPECT_EQ(select.columns[0].call.function, Function::kMean);
  EXPECT_EQ(select.columns[0].transform->kind, Transform::Kind::kDerivative);
  EXPECT_EQ(select.columns[0].transform->unit, kNanosPerMinute);
  EXPECT_EQ(select.columns[1].transform->unit, 5 * kNanosPerMinute);  // by default the interval, as InfluxDB's
  EXPECT_EQ(select.columns[2].name, "d");
  EXPECT_EQ(select.columns[3].transform->window, 3u);
  EXPECT_EQ(select.columns[4].call.function, Function::kCount);
  EXPECT_EQ(select.columns[5].transform->kind, Transform::Kind::kNonNegativeDifference);
  EXPECT_TRUE(select.aggregate);
  EXPECT_TRUE(select.reads_readings);  // median()
  EXPECT_FALSE(ParseSelect("SELECT mean(value) FROM temperature").columns[0].transform);

  EXPECT_FALSE(select.lead_bucket);  // cumulative_sum() is read from the range's first bucket on
  // Transformations alone read one bucket more, before the range (moved back by one interval), as InfluxDB does:
  // the first bucket's derivative is then from the one before it.
  Select led = ParseSelect(
      "SELECT derivative(mean(value)), moving_average(max(value), 3) FROM temperature WHERE time >= 90m AND "
      "time < 5h GROUP BY time(1h)");
  EXPECT_TRUE(led.lead_bucket);
  EXPECT_EQ(led.from, 30 * kNanosPerMinute);
  EXPECT_EQ(BucketStarts(led).front(), 0);

  EXPECT_EQ(ParseError("SELECT derivative(1) FROM temperature"),
            "derivative() takes the field, value, or an aggregate such as mean(value) with GROUP BY time() at line "
            "1, char 19");
  EXPECT_EQ(ParseError("SELECT derivative(mean(value)) FROM temperature"),
            "derivative() of an aggregate needs GROUP BY time()");
  EXPECT_EQ(ParseError("SELECT derivative(mean(value)) * 2 FROM temperature"),
            "derivative() takes no arithmetic at line 1, char 32");
  EXPECT_EQ(ParseError("SELECT 2 * difference(max(value)) FROM temperature"),
            "difference() takes no arithmetic at line 1, char 12");
  EXPECT_EQ(ParseError("SELECT moving_average(mean(value)) FROM temperature"),
            "found ), expected , at line 1, char 34");
  EXPECT_EQ(ParseError("SELECT moving_average(mean(value), 0) FROM temperature"),
            "found 0, expected a number of buckets from 1 to 10000 at line 1, char 36");
  EXPECT_EQ(ParseError("SELECT derivative(mean(value), 0s) FROM temperature"),
            "found 0s, expected a unit of time such as 1m at line 1, char 32");
  EXPECT_EQ(ParseError("SELECT cumulative_sum(mean(value), 1m) FROM temperature"),
            "found ,, expected ) at line 1, char 34");
}

TEST(InfluxQl, ModeAndDistinctCountFromTheReadings) {
  Select select = ParseSelect("SELECT MODE(value), count(DISTINCT(temperature)), count(value) FROM temperature");
  ASSERT_EQ(select.columns.size(), 3u);
  EXPECT_EQ(select.columns[0].call.function, Function::kMode);
  EXPECT_EQ(select.columns[0].name, "mode");
  EXPECT_EQ(select.columns[1].call.function, Function::kCountDistinct);
  EXPECT_EQ(select.columns[1].name, "count");  // as InfluxDB names it
  EXPECT_EQ(select.columns[2].name, "count_1");
  EXPECT_TRUE(select.reads_readings);
  EXPECT_TRUE(select.keeps_values);
  // distinct() alone: each bucket's different values its rows.
  Select distinct = ParseSelect("SELECT distinct(value) FROM temperature WHERE time > now() - 1h GROUP BY time(1m)");
  EXPECT_TRUE(distinct.distinct);
  EXPECT_EQ(distinct.columns[0].call.function, Function::kDistinct);
  EXPECT_EQ(distinct.columns[0].name, "distinct");
  EXPECT_TRUE(distinct.keeps_values);
  for (const char* mixed :
       {"SELECT distinct(value), sensorID FROM temperature", "SELECT distinct(value), max(value) FROM temperature",
        "SELECT distinct(value) * 2 FROM temperature"}) {
    EXPECT_EQ(ParseError(mixed), "aggregate function distinct() cannot be combined with other functions or fields")
        << mixed;
  }
  EXPECT_EQ(ParseError("SELECT count(distinct(value) FROM temperature"), "found FROM, expected ) at line 1, char 30");
  EXPECT_EQ(ParseError("SELECT mode(value, 2) FROM temperature"), "mode() takes one argument at line 1, char 18");
}

TEST(InfluxQl, TransformationsOfTheReadings) {
  Select select = ParseSelect(
      "SELECT derivative(value), non_negative_derivative(temperature, 1m), difference(value), elapsed(value), "
      "elapsed(value, 1s), moving_average(value, 5), cumulative_sum(value) FROM temperature WHERE sensorID = 'a'");
  ASSERT_EQ(select.columns.size(), 7u);
  EXPECT_FALSE(select.aggregate);
  EXPECT_TRUE(select.transforms_readings);
  EXPECT_EQ(select.columns[0].kind, Column::Kind::kValue);
  EXPECT_EQ(select.columns[0].name, "derivative");
  EXPECT_EQ(select.columns[0].transform->unit, kNanosPerSecond);  // of readings, per second unless told
  EXPECT_EQ(select.columns[1].transform->unit, kNanosPerMinute);
  EXPECT_EQ(select.columns[3].transform->kind, Transform::Kind::kElapsed);
  EXPECT_EQ(select.columns[3].transform->unit, 1);  // nanoseconds unless told
  EXPECT_EQ(select.columns[4].transform->unit, kNanosPerSecond);
  EXPECT_EQ(select.columns[5].transform->window, 5u);

  for (const char* mixed :
       {"SELECT difference(value), value FROM temperature", "SELECT difference(value), sensorID FROM temperature",
        "SELECT difference(value), mean(value) FROM temperature"}) {
    EXPECT_EQ(ParseError(mixed), "mixing aggregate and non-aggregate queries is not supported") << mixed;
  }
  EXPECT_EQ(ParseError("SELECT difference(value) FROM temperature WHERE time > now() - 1h GROUP BY time(1m)"),
            "aggregate function required inside the call to difference");
  EXPECT_EQ(ParseError("SELECT moving_average(value) FROM temperature"), "found ), expected , at line 1, char 28");
  EXPECT_EQ(ParseError("SELECT difference(humidity) FROM temperature"),
            "difference(humidity): the field is value (or temperature); it is the only one stored at line 1, char 8");
}

TEST(InfluxQl, FunctionsOfTheReadings) {
  Select select = ParseSelect(
      "SELECT median(value), PERCENTILE(value, 95), percentile(temperature, 99.9) AS p999, stddev(*), "
      "percentile(value, 90) - median(value) FROM temperature");
  ASSERT_EQ(select.columns.size(), 5u);
  EXPECT_EQ(select.columns[0].call.function, Function::kMedian);
  EXPECT_EQ(select.columns[0].name, "median");
  EXPECT_EQ(select.columns[1].call.function, Function::kPercentile);
  EXPECT_EQ(select.columns[1].call.percentile, 95.0);
  EXPECT_EQ(select.columns[1].name, "percentile");
  EXPECT_EQ(select.columns[2].call.percentile, 99.9);
  EXPECT_EQ(select.columns[2].name, "p999");
  EXPECT_EQ(select.columns[3].call.function, Function::kStddev);
  EXPECT_EQ(select.columns[3].name, "stddev_value");
  EXPECT_EQ(select.columns[4].name, "percentile_median");  // as InfluxDB names it
  std::map<double, double> percentiles{{90, 30}, {50, 12}};
  auto leaf = [&](const Call& call) -> std::optional<double> {
    return call.function == Function::kMedian ? 10 : percentiles.at(call.percentile);
  };
  EXPECT_EQ(select.columns[4].arithmetic->Evaluate(leaf), 20.0);  // each leaf keeps its own N
  EXPECT_TRUE(select.reads_readings);
  EXPECT_TRUE(select.keeps_values);
  EXPECT_FALSE(ParseSelect("SELECT first(value), last(value) FROM temperature").keeps_values);
  EXPECT_TRUE(ParseSelect("SELECT median(value) FROM temperature WHERE time > now() - 1d GROUP BY time(1h), sensorID")
                  .reads_readings);

  EXPECT_EQ(ParseError("SELECT percentile(value) FROM temperature"), "found ), expected , at line 1, char 24");
  EXPECT_EQ(ParseError("SELECT percentile(value, 101) FROM temperature"),
            "percentile() takes N from 0 to 100 at line 1, char 26");
  EXPECT_EQ(ParseError("SELECT percentile(value, 'x') FROM temperature"),
            "found x, expected a number from 0 to 100 at line 1, char 26");
  EXPECT_EQ(ParseError("SELECT percentile(value, 5, 6) FROM temperature"),
            "percentile() takes two arguments: the field and N at line 1, char 27");
  EXPECT_EQ(ParseError("SELECT median(value, 5) FROM temperature"), "median() takes one argument at line 1, char 20");
}

TEST(InfluxQl, TopAndBottomPickReadingsAloneOrWithTheirSensor) {
  Select select =
      ParseSelect("SELECT TOP(value, 3), sensorID FROM temperature WHERE time > now() - 1d GROUP BY time(1h)");
  ASSERT_EQ(select.columns.size(), 2u);
  EXPECT_EQ(select.columns[0].call.function, Function::kTop);
  EXPECT_EQ(select.columns[0].call.count, 3u);
  EXPECT_EQ(select.columns[0].name, "top");
  EXPECT_EQ(select.columns[1].kind, Column::Kind::kSensorTag);
  ASSERT_TRUE(select.ranked);
  EXPECT_EQ(select.ranked->function, Function::kTop);
  EXPECT_EQ(select.ranked->count, 3u);
  EXPECT_TRUE(select.aggregate);
  EXPECT_TRUE(select.reads_readings);
  EXPECT_FALSE(select.keeps_values);
  Select bottom = ParseSelect("SELECT bottom(temperature, 10000) AS coldest FROM temperature GROUP BY sensorID");
  EXPECT_EQ(bottom.ranked->function, Function::kBottom);
  EXPECT_EQ(bottom.columns[0].name, "coldest");
  EXPECT_FALSE(ParseSelect("SELECT max(value) FROM temperature").ranked);

  EXPECT_EQ(ParseError("SELECT top(value) FROM temperature"), "found ), expected , at line 1, char 17");
  EXPECT_EQ(ParseError("SELECT top(value, 0) FROM temperature"),
            "found 0, expected a number of readings from 1 to 10000 at line 1, char 19");
  EXPECT_EQ(ParseError("SELECT bottom(value, 10001) FROM temperature"),
            "found 10001, expected a number of readings from 1 to 10000 at line 1, char 22");
  EXPECT_EQ(ParseError("SELECT top(value, 2.5) FROM temperature"),
            "found 2.5, expected a number of readings from 1 to 10000 at line 1, char 19");
  EXPECT_EQ(ParseError("SELECT top(value, 2, 3) FROM temperature"),
            "top() takes two arguments: the field and N at line 1, char 20");
  EXPECT_EQ(ParseError("SELECT top(value, sensorID, 2) FROM temperature"),
            "top() of a tag's values is not supported; with GROUP BY sensorID, top(value, N) picks each sensor's N "
            "readings at line 1, char 19");
  for (const char* mixed :
       {"SELECT top(value, 2), max(value) FROM temperature", "SELECT max(value) - top(value, 2) FROM temperature",
        "SELECT top(value, 2), bottom(value, 2) FROM temperature", "SELECT top(value, 2), value FROM temperature",
        "SELECT top(value, 2), * FROM temperature"}) {
    std::string error = ParseError(mixed);
    EXPECT_TRUE(error == "selector function top() cannot be combined with other functions or fields" ||
                error == "selector function bottom() cannot be combined with other functions or fields")
        << mixed << ": " << error;
  }
  EXPECT_EQ(ParseError("SELECT top(value, 2) * 2 FROM temperature"), "top() takes no arithmetic or transformation");
  EXPECT_EQ(ParseError("SELECT difference(bottom(value, 2)) FROM temperature WHERE time > now() - 1h GROUP BY "
                       "time(1m)"),
            "bottom() takes no arithmetic or transformation");
}

TEST(InfluxQl, IntegralTakesAUnitOfTime) {
  Select select = ParseSelect("SELECT integral(value), integral(temperature, 1h) / 24 AS days FROM temperature");
  EXPECT_EQ(select.columns[0].call.function, Function::kIntegral);
  EXPECT_EQ(select.columns[0].call.unit, kNanosPerSecond);  // per second unless told, as InfluxDB's
  EXPECT_EQ(select.columns[0].name, "integral");
  EXPECT_EQ(select.columns[1].call.unit, kNanosPerHour);
  EXPECT_TRUE(select.integrates);
  EXPECT_TRUE(select.reads_readings);
  EXPECT_FALSE(select.keeps_values);
  EXPECT_FALSE(select.lone_selector);
  EXPECT_FALSE(ParseSelect("SELECT mean(value) FROM temperature").integrates);
  EXPECT_EQ(ParseError("SELECT integral(value, 0s) FROM temperature"),
            "found 0s, expected a unit of time such as 1h at line 1, char 24");
  EXPECT_EQ(ParseError("SELECT integral(value, 1h, 2) FROM temperature"),
            "integral() takes the field and a unit of time at line 1, char 26");
}

TEST(InfluxQl, ALoneSelectorIsDatedByItsReadingAndNamesItsSensor) {
  Select max = ParseSelect("SELECT max(value), sensorID FROM temperature WHERE time > now() - 1h");
  ASSERT_TRUE(max.lone_selector);
  EXPECT_EQ(max.lone_selector->function, Function::kMax);
  ASSERT_EQ(max.columns.size(), 2u);
  EXPECT_EQ(max.columns[1].kind, Column::Kind::kSensorTag);
  EXPECT_TRUE(max.aggregate);
  EXPECT_FALSE(max.reads_readings);  // the rollups give the value; the reading holding it is looked for after
  EXPECT_EQ(ParseSelect("SELECT min(temperature) AS coldest FROM temperature").lone_selector->function, Function::kMin);
  EXPECT_EQ(ParseSelect("SELECT last(value), sensorID FROM temperature GROUP BY sensorID").lone_selector->function,
            Function::kLast);
  EXPECT_EQ(ParseSelect("SELECT percentile(value, 90) FROM temperature").lone_selector->function,
            Function::kPercentile);
  // One selector in arithmetic still picks one reading, as InfluxDB dates max(value) * 2 by it.
  EXPECT_EQ(ParseSelect("SELECT max(value) * 2, sensorID FROM temperature").lone_selector->function, Function::kMax);
  // Not one reading: several functions, an aggregate.
  for (const char* many : {"SELECT max(value), min(value) FROM temperature",
                           "SELECT max(value) - min(value) FROM temperature", "SELECT mean(value) FROM temperature"}) {
    EXPECT_FALSE(ParseSelect(many).lone_selector) << many;
  }
  // In buckets, a lone max() comes from the rollups, unless sensorID beside it asks whose it is: then each bucket's
  // readings are read.
  Select bucketed = ParseSelect("SELECT max(value) FROM temperature WHERE time > now() - 1h GROUP BY time(1m)");
  EXPECT_EQ(bucketed.lone_selector->function, Function::kMax);
  EXPECT_FALSE(bucketed.reads_readings);
  Select named = ParseSelect("SELECT max(value), sensorID FROM temperature WHERE time > now() - 1h GROUP BY time(1m)");
  EXPECT_EQ(named.lone_selector->function, Function::kMax);
  EXPECT_TRUE(named.reads_readings);

  EXPECT_EQ(ParseError("SELECT percentile(value, 90), sensorID FROM temperature"),
            "percentile() beside sensorID is not supported: GROUP BY sensorID gives each sensor's");
  // The sensorID tag stays refused beside anything that picks no one reading.
  for (const char* mixed :
       {"SELECT mean(value), sensorID FROM temperature", "SELECT max(value), min(value), sensorID FROM temperature",
        "SELECT max(value) - min(value), sensorID FROM temperature"}) {
    EXPECT_EQ(ParseError(mixed), "mixing aggregate and non-aggregate queries is not supported") << mixed;
  }
}

TEST(InfluxQl, ArithmeticInColumns) {
  Select select = ParseSelect(
      "SELECT mean(value) * 1.8 + 32, (max(value) - min(value)) / 2 AS half, -count(value), last(value) - 1 "
      "FROM temperature");
  ASSERT_EQ(select.columns.size(), 4u);
  EXPECT_EQ(select.columns[0].name, "mean");  // its functions and fields name the column, as in InfluxDB
  EXPECT_EQ(select.columns[1].name, "half");
  EXPECT_EQ(select.columns[2].name, "count");
  EXPECT_TRUE(select.reads_readings);
  EXPECT_EQ(
      ParseSelect("SELECT (max(value) - min(value)) / 2, last(value) - first(value) FROM temperature").columns[0].name,
      "max_min");
  EXPECT_EQ(ParseSelect("SELECT sum(value) / count(value), max(value) - min(value) FROM temperature").columns[1].name,
            "max_min");
  EXPECT_EQ(ParseSelect("SELECT value * 2 - value / 10 FROM temperature").columns[0].name, "value_value");
  std::map<Function, double> values{
      {Function::kMean, 20}, {Function::kMax, 30}, {Function::kMin, 10}, {Function::kCount, 4}, {Function::kLast, 7}};
  auto leaf = [&](const Call& call) -> std::optional<double> { return values.at(call.function); };
  EXPECT_EQ(select.columns[0].arithmetic->Evaluate(leaf), 68.0);
  EXPECT_EQ(select.columns[1].arithmetic->Evaluate(leaf), 10.0);
  EXPECT_EQ(select.columns[2].arithmetic->Evaluate(leaf), -4.0);
  EXPECT_EQ(select.columns[3].arithmetic->Evaluate(leaf), 6.0);
  // Precedence: * and / before + and -, left to right.
  Select raw = ParseSelect("SELECT value - 2 * 3 - 1, value / 0, temperature FROM temperature");
  EXPECT_FALSE(raw.aggregate);
  auto value = [](const Call&) -> std::optional<double> { return 10.0; };
  EXPECT_EQ(raw.columns[0].arithmetic->Evaluate(value), 3.0);
  EXPECT_EQ(raw.columns[1].arithmetic->Evaluate(value), std::nullopt);  // not a finite number
  EXPECT_EQ(raw.columns[2].arithmetic, nullptr);
  EXPECT_EQ(select.columns[0].arithmetic->Evaluate([](const Call&) { return std::optional<double>(); }), std::nullopt);
  EXPECT_EQ(ParseSelect("SELECT mean(value) FROM temperature").columns[0].arithmetic, nullptr);
  StatusOr<std::vector<Statement>> two = ParseQuery("SELECT last(value) FROM temperature; SELECT mean(value) FROM t");
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(std::get<Select>(two->at(0)).reads_readings);
  EXPECT_FALSE(std::get<Select>(two->at(1)).reads_readings);  // each statement's own
}

TEST(InfluxQl, MathFunctions) {
  Select select = ParseSelect(
      "SELECT round(mean(value)), ABS(min(value) - 100) AS distance, pow(max(value), 2) - min(value), "
      "atan2(max(value), min(value)), log(max(value), 2) FROM temperature");
  ASSERT_EQ(select.columns.size(), 5u);
  EXPECT_EQ(select.columns[0].name, "round");  // the math function names the column, not the functions within it
  EXPECT_EQ(select.columns[1].name, "distance");
  EXPECT_EQ(select.columns[2].name, "pow_min");
  EXPECT_EQ(select.columns[3].name, "atan2");
  EXPECT_FALSE(select.reads_readings);  // of the rollups' aggregates
  std::map<Function, double> values{{Function::kMean, -2.5}, {Function::kMax, 8}, {Function::kMin, -1}};
  auto leaf = [&](const Call& call) -> std::optional<double> { return values.at(call.function); };
  EXPECT_EQ(select.columns[0].arithmetic->Evaluate(leaf), -3.0);  // half away from zero, as InfluxDB rounds
  EXPECT_EQ(select.columns[1].arithmetic->Evaluate(leaf), 101.0);
  EXPECT_EQ(select.columns[2].arithmetic->Evaluate(leaf), 65.0);
  EXPECT_DOUBLE_EQ(*select.columns[3].arithmetic->Evaluate(leaf), std::atan2(8.0, -1.0));
  EXPECT_EQ(select.columns[4].arithmetic->Evaluate(leaf), 3.0);

  // On raw values: every function, and abs(*) of the value; outside a function's domain, null.
  Select raw = ParseSelect(
      "SELECT abs(*), sqrt(value), ln(value), floor(value), ceil(value), exp(value), log2(value), log10(value), "
      "sin(value), cos(value), tan(value), asin(value), acos(value), atan(value) FROM temperature");
  EXPECT_FALSE(raw.aggregate);
  EXPECT_EQ(raw.columns[0].name, "abs_value");
  std::vector<std::optional<double>> at_minus_half, at_four;
  for (const Column& column : raw.columns) {
    at_minus_half.push_back(column.arithmetic->Evaluate([](const Call&) { return std::optional<double>(-0.5); }));
    at_four.push_back(column.arithmetic->Evaluate([](const Call&) { return std::optional<double>(4); }));
  }
  EXPECT_EQ(at_minus_half[0], 0.5);
  EXPECT_EQ(at_minus_half[1], std::nullopt);  // sqrt(-0.5)
  EXPECT_EQ(at_minus_half[2], std::nullopt);  // ln(-0.5)
  EXPECT_EQ(at_minus_half[3], -1.0);
  EXPECT_EQ(at_minus_half[4], 0.0);
  EXPECT_EQ(at_four[1], 2.0);
  EXPECT_EQ(at_four[6], 2.0);
  EXPECT_EQ(at_four[11], std::nullopt);  // asin(4)
  EXPECT_EQ(at_four[12], std::nullopt);  // acos(4)
  EXPECT_DOUBLE_EQ(*at_four[13], std::atan(4.0));

  // One selector, in arithmetic or not, is still a lone selector (its reading dates the row); two are not.
  EXPECT_TRUE(ParseSelect("SELECT sqrt(max(value)) * 2 FROM temperature").lone_selector);
  EXPECT_FALSE(ParseSelect("SELECT atan2(max(value), min(value)) FROM temperature").lone_selector);
  EXPECT_FALSE(ParseSelect("SELECT round(mean(value)) FROM temperature").lone_selector);

  EXPECT_EQ(ParseError("SELECT round(mean(value), 2) FROM temperature"),
            "round() takes one argument at line 1, char 25");
  EXPECT_EQ(ParseError("SELECT pow(value) FROM temperature"), "found ), expected , at line 1, char 17");
  EXPECT_EQ(ParseError("SELECT round(2.5) FROM temperature"),
            "a column needs a function such as mean(value), or value");
  EXPECT_EQ(ParseError("SELECT derivative(round(mean(value)), 1m) FROM temperature"),
            "derivative() takes an aggregate such as mean(value), not round() at line 1, char 19");
  EXPECT_EQ(ParseError("SELECT round(mean(value)) + value FROM temperature"),
            "mixing aggregate and non-aggregate queries is not supported");
}

TEST(InfluxQl, TagConditions) {
  Select select = ParseSelect(R"(SELECT value FROM temperature WHERE ("sensorID" = 'a' OR sensor = 'b') AND )"
                              R"(time > 0 AND sensorID != 'c')");
  ASSERT_NE(select.tags, nullptr);
  EXPECT_EQ(select.from, 1);
  EXPECT_EQ(select.tags->NamedSensors(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(select.tags->Accepts("a"));
  EXPECT_FALSE(select.tags->Accepts("c"));

  Select regex = ParseSelect(R"(SELECT value FROM temperature WHERE sensorID =~ /^(10\.7|x)$/ AND host !~ /./)");
  EXPECT_FALSE(regex.tags->NamedSensors().has_value());  // deciding needs the list of sensors
  EXPECT_TRUE(regex.tags->Accepts("10.7"));
  EXPECT_FALSE(regex.tags->Accepts("1047"));  // the escaped dot is a dot
  EXPECT_TRUE(regex.tags->Accepts("x"));

  // A tag that is not stored compares as the empty string, as a missing tag does in InfluxDB.
  EXPECT_FALSE(ParseSelect("SELECT value FROM temperature WHERE host = 'h1'").tags->Accepts("a"));
  EXPECT_TRUE(ParseSelect("SELECT value FROM temperature WHERE host != 'h1'").tags->Accepts("a"));
  EXPECT_TRUE(ParseSelect("SELECT value FROM temperature WHERE sensorID =~ /(?i)^AB/").tags->Accepts("abc"));
  // Names the condition can only accept: an AND keeps those of one side that the whole accepts.
  EXPECT_EQ(ParseSelect("SELECT value FROM temperature WHERE sensorID = 'a' AND sensorID =~ /b/").tags->NamedSensors(),
            std::vector<std::string>{});
}

TEST(InfluxQl, BoundParameters) {
  BoundParams params{{"sensor", std::string("107")},
                     {"since", std::int64_t{1'633'338'000'000'000'001}},
                     {"day", std::string("2021-10-05")}};
  Select select = ParseSelect(
      "SELECT count(value) FROM temperature WHERE sensorID = $sensor AND time >= $since AND "
      "time < $day",
      params);
  EXPECT_EQ(select.tags->NamedSensors(), std::vector<std::string>{"107"});
  EXPECT_EQ(select.from, kQueryNow + 1);  // exact: nanoseconds bound as an integer
  EXPECT_EQ(select.to, kQueryNow + 15 * kNanosPerHour);
  // A bound string is a value, never more query: the quote cannot end the string.
  Select injected =
      ParseSelect("SELECT value FROM temperature WHERE sensorID = $s", {{"s", std::string("x' OR sensorID != 'y")}});
  EXPECT_EQ(injected.tags->NamedSensors(), std::vector<std::string>{"x' OR sensorID != 'y"});
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE sensorID = $nope"),
            "missing parameter: nope at line 1, char 48");
}

TEST(InfluxQl, GroupByFillOrderAndLimits) {
  Select select = ParseSelect(
      "SELECT max(value) FROM temperature WHERE time >= '2021-10-04T09:07:00Z' AND time < '2021-10-04T10:00:00Z' "
      "GROUP BY time(15m, 5m), host fill(-1.5) ORDER BY time DESC LIMIT 3 OFFSET 1 SLIMIT 2 SOFFSET 4 "
      "tz('Europe/Berlin')");
  EXPECT_EQ(select.interval, 15 * kNanosPerMinute);
  EXPECT_EQ(select.interval_offset, 5 * kNanosPerMinute);
  EXPECT_EQ(select.empty_tags, std::vector<std::string>{"host"});
  EXPECT_FALSE(select.group_by_sensor);
  EXPECT_EQ(select.fill, Fill::kNumber);
  EXPECT_EQ(select.fill_value, -1.5);
  EXPECT_TRUE(select.descending);
  EXPECT_EQ(select.limit, 3u);
  EXPECT_EQ(select.offset, 1u);
  EXPECT_EQ(select.slimit, 2u);
  EXPECT_EQ(select.soffset, 4u);
  EXPECT_EQ(select.time_zone, "Europe/Berlin");
  // Buckets at :05, :20, :35, :50 of each hour: the first holds 09:07.
  std::vector<TimeNs> expected;
  for (int i = 0; i < 4; ++i) expected.push_back(kQueryNow + (5 + 15 * i) * kNanosPerMinute);
  EXPECT_EQ(BucketStarts(select), expected);

  EXPECT_EQ(ParseSelect("SELECT mean(value) FROM temperature WHERE time > now() - 1h GROUP BY *").group_by_sensor,
            true);
  EXPECT_EQ(
      ParseSelect("SELECT mean(value) FROM temperature WHERE time > now() - 1d GROUP BY time(1h) fill(previous)").fill,
      Fill::kPrevious);
  // No upper bound: buckets stop at now().
  Select open = ParseSelect("SELECT mean(value) FROM temperature WHERE time >= now() - 10m GROUP BY time(5m)");
  EXPECT_EQ(open.to, kQueryNow + 1);
  EXPECT_EQ(BucketStarts(open).size(), 3u);
  // Before the epoch, buckets still align to it.
  Select early = ParseSelect("SELECT mean(value) FROM temperature WHERE time >= -90s AND time < 0s GROUP BY time(1m)");
  EXPECT_EQ(BucketStarts(early), (std::vector<TimeNs>{-2 * kNanosPerMinute, -kNanosPerMinute}));
}

TEST(InfluxQl, ShowStatements) {
  auto show = [](std::string_view text) {
    StatusOr<std::vector<Statement>> parsed = ParseQuery(text);
    EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().message();
    return parsed.ok() ? std::move(std::get<Show>(std::move(parsed).value().front())) : Show{};
  };
  EXPECT_EQ(show("SHOW DATABASES").what, Show::What::kDatabases);
  EXPECT_EQ(show("show retention policies on telemetry").what, Show::What::kRetentionPolicies);
  Show measurements = show("SHOW MEASUREMENTS WITH MEASUREMENT =~ /(?i)TEMP/ LIMIT 100");
  EXPECT_EQ(measurements.what, Show::What::kMeasurements);
  EXPECT_TRUE(measurements.measurement_matches);
  EXPECT_EQ(measurements.limit, 100u);
  EXPECT_FALSE(show("SHOW MEASUREMENTS WITH MEASUREMENT = humidity").measurement_matches);
  EXPECT_EQ(show(R"(SHOW TAG KEYS FROM "temperature")").what, Show::What::kTagKeys);
  Show series = show("SHOW SERIES FROM temperature WHERE sensorID =~ /^1/ LIMIT 3");
  EXPECT_EQ(series.what, Show::What::kSeries);
  EXPECT_EQ(series.limit, 3u);
  EXPECT_TRUE(series.tags->Accepts("107"));
  EXPECT_EQ(show("SHOW FIELD KEYS ON db FROM temperature").what, Show::What::kFieldKeys);
  Show values = show(R"(SHOW TAG VALUES FROM temperature WITH KEY = "sensor" WHERE sensorID =~ /^1/ LIMIT 5 OFFSET 2)");
  EXPECT_EQ(values.what, Show::What::kTagValues);
  EXPECT_TRUE(values.tag_key->Accepts("sensorID"));
  EXPECT_TRUE(values.tags->Accepts("107"));
  EXPECT_FALSE(values.tags->Accepts("207"));
  EXPECT_EQ(values.limit, 5u);
  EXPECT_EQ(values.offset, 2u);
  Show in = show(R"(SHOW TAG VALUES WITH KEY IN ("host", "sensorID") WHERE time > now() - 1h)");
  EXPECT_TRUE(in.tag_key->Accepts("sensorID"));
  EXPECT_FALSE(in.tag_key->Accepts("sensorIDs"));
  EXPECT_EQ(in.from, kQueryNow - kNanosPerHour + 1);

  StatusOr<std::vector<Statement>> created = ParseQuery(R"(CREATE DATABASE "telegraf")");
  ASSERT_TRUE(created.ok()) << created.status().message();
  EXPECT_EQ(std::get<CreateDatabase>(created->front()).name, "telegraf");
  EXPECT_EQ(ParseError("CREATE DATABASE x WITH DURATION 30d"),
            "CREATE DATABASE ... WITH: retention policies are not supported; telemetryd's one store keeps readings as "
            "its --retention-days says at line 1, "
            "char 19");

  StatusOr<std::vector<Statement>> several = ParseQuery("SHOW DATABASES; SELECT count(value) FROM temperature;");
  ASSERT_TRUE(several.ok());
  EXPECT_EQ(several->size(), 2u);
}

TEST(InfluxQl, WhatIsNotSupportedIsRefusedSayingSo) {
  EXPECT_EQ(ParseError("SELECT sample(value, 3) FROM temperature"),
            "function sample() is not supported; telemetryd answers count, sum, mean, min, max, spread, first, "
            "last, median, percentile, stddev, mode, top, bottom, integral and distinct, and the math functions "
            "such as round() and abs() on them at line 1, char 8");
  EXPECT_EQ(ParseError("SELECT mean(value) * sensorID FROM temperature"),
            "the tag sensorID takes no arithmetic at line 1, char 22");
  EXPECT_EQ(ParseError("SELECT 1 + 2 FROM temperature"), "a column needs a function such as mean(value), or value");
  EXPECT_EQ(ParseError("SELECT mean(value), value FROM temperature"),
            "mixing aggregate and non-aggregate queries is not supported");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE value > 10 OR sensorID = 'a'"),
            "conditions on the value can only be joined with OR to other conditions on the value at line 1, char 51");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE time > 0 OR sensorID = 'a'"),
            "conditions on time can only be joined with AND at line 1, char 37");
  EXPECT_EQ(ParseError("SELECT value FROM temperature GROUP BY time(1m)"),
            "GROUP BY time() requires an aggregate function such as mean(value)");
  EXPECT_EQ(ParseError("SELECT mean(value) FROM temperature GROUP BY time(1m)"),
            "GROUP BY time() needs a lower time bound, such as WHERE time >= now() - 1h");
  EXPECT_NE(ParseError("SELECT mean(value) FROM temperature WHERE time > now() - 30d GROUP BY time(1m)")
                .find("GROUP BY time(1m) cuts the range into 43201 buckets; at most 10000 are answered"),
            std::string::npos);
  EXPECT_NE(ParseError("DROP MEASUREMENT temperature").find("DROP statements are not supported"), std::string::npos);
  EXPECT_NE(ParseError("SHOW USERS").find("SHOW USERS is not supported"), std::string::npos);
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE sensorID = 107"),
            "tag sensorID compares with a string in single quotes, such as '107' at line 1, char 37");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE sensorID > 'a'"),
            "tags compare with =, !=, =~ or !~ at line 1, char 37");
  EXPECT_EQ(ParseError("SELECT value FROM (SELECT value FROM temperature)"),
            "subqueries are not supported at line 1, char 19");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE time > 'yesterday'").substr(0, 25),
            "invalid time 'yesterday':");
  EXPECT_EQ(ParseError("SELECT mean(value) FROM temperature WHERE time > 0 GROUP BY time(1m) fill(nearest)"),
            "found nearest, expected null, none, previous, linear or a number at line 1, char 75");
  EXPECT_EQ(ParseError("SELECT humidity FROM temperature"),
            "\"humidity\" is neither the field value (or temperature) nor the tag sensorID at line 1, char 8");
}

TEST(InfluxQl, SyntaxErrorsSayWhereInInfluxDbsWords) {
  EXPECT_EQ(ParseError("SELECT value temperature"), "found temperature, expected FROM at line 1, char 14");
  EXPECT_EQ(ParseError("SELECT value FROM temperature\nWHERE time >"),
            "found EOF, expected a name, a string, a number or a time at line 2, char 13");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE sensorID = 'open"),
            "unterminated string at line 1, char 48");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE time > 5min"),
            "invalid duration 5min; units are ns, u, ms, s, m, h, d and w at line 1, char 44");
  EXPECT_EQ(ParseError(""), "the query is empty");
  EXPECT_EQ(ParseError("SELECT value FROM temperature garbage"),
            "found garbage, expected ';' or the end of the query at line 1, char 31");
  EXPECT_EQ(ParseError("SELECT value FROM temperature WHERE time > 99999999999999999999"),
            "the integer 99999999999999999999 is out of range at line 1, char 44");
}

TEST(InfluxQl, QueriesAreBounded) {
  std::string many = "SELECT value FROM temperature WHERE sensorID = 'a'";
  for (int i = 0; i < 1000; ++i) many += " OR sensorID = 'a'";
  EXPECT_NE(ParseError(many).find("at most 1000 comparisons per query"), std::string::npos);
  std::string nested =
      "SELECT value FROM temperature WHERE sensorID =~ /" + std::string(17, '(') + "a" + std::string(17, ')') + "/";
  EXPECT_NE(ParseError(nested).find("groups 16 deep"), std::string::npos);
  EXPECT_NE(ParseError(R"(SELECT value FROM temperature WHERE sensorID =~ /(a)\1/)").find("backreferences"),
            std::string::npos);
  EXPECT_NE(ParseError("SELECT value FROM temperature WHERE sensorID =~ /a{99999}/").find("counted repetition"),
            std::string::npos);
  // A pattern that backtracks exponentially is matched in polynomial time: this returns at once.
  Select catastrophic = ParseSelect("SELECT value FROM temperature WHERE sensorID =~ /^(a|a?)*(a*)*b$/");
  EXPECT_FALSE(catastrophic.tags->Accepts(std::string(120, 'a') + "c"));
  EXPECT_TRUE(catastrophic.tags->Accepts("aab"));
  std::string sum = "SELECT value";
  for (int i = 0; i < 1000; ++i) sum += " + value";
  EXPECT_NE(ParseError(sum + " FROM temperature").find("at most 1000 terms of arithmetic per query"),
            std::string::npos);
  // Keys listed with IN are compared as names, never compiled into a regex (whose compiler recurses per character).
  StatusOr<std::vector<Statement>> long_key =
      ParseQuery("SHOW TAG VALUES WITH KEY IN (\"" + std::string(200'000, 'k') + "\", sensorID)");
  ASSERT_TRUE(long_key.ok()) << long_key.status().message();
  EXPECT_TRUE(std::get<Show>(long_key->front()).tag_key->Accepts("sensorID"));
  std::string deep =
      "SELECT value FROM temperature WHERE " + std::string(100, '(') + "sensorID = 'a'" + std::string(100, ')');
  EXPECT_NE(ParseError(deep).find("conditions nest too deeply"), std::string::npos);
}

TEST(InfluxQl, Durations) {
  EXPECT_EQ(ParseDuration("5m"), 5 * kNanosPerMinute);
  EXPECT_EQ(ParseDuration("1633338000000ms"), kQueryNow);
  EXPECT_EQ(ParseDuration("2w"), 14 * kNanosPerDay);
  EXPECT_EQ(ParseDuration("10u"), 10'000);
  EXPECT_EQ(ParseDuration("10\xC2\xB5"), 10'000);
  EXPECT_EQ(ParseDuration("7ns"), 7);
  EXPECT_EQ(ParseDuration("5"), std::nullopt);
  EXPECT_EQ(ParseDuration("5min"), std::nullopt);
  EXPECT_EQ(ParseDuration("99999999999999d"), std::nullopt);
}

}  // namespace
}  // namespace telemetry::influxql
