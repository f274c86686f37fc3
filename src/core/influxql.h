// The part of InfluxQL (InfluxDB 1.x's query language) that dashboards and clients send to read readings, so that
// Grafana's InfluxDB data source, the influx CLI and the InfluxDB client libraries read from telemetryd unchanged:
//
//   SELECT mean("value"), max("value") FROM "temperature" WHERE "sensorID" = '107' AND time >= now() - 6h
//     GROUP BY time(5m), "sensorID" fill(null)
//   SELECT * FROM temperature WHERE time >= '2021-10-04T09:00:00Z' ORDER BY time DESC LIMIT 10
//   SHOW MEASUREMENTS | SHOW TAG KEYS | SHOW TAG VALUES WITH KEY = "sensorID" | SHOW FIELD KEYS | SHOW SERIES
//   SHOW DATABASES | SHOW RETENTION POLICIES | CREATE DATABASE telegraf
//
// The data model as InfluxQL sees it: one measurement (the one line protocol writes to), one tag, sensorID (also
// spelled sensor), one float field, value (also spelled temperature). Aggregates: count, sum, mean, min, max,
// spread, each exact from the rollups; first, last, median, percentile, stddev, mode, count(distinct()), distinct,
// top, bottom and integral, from the readings (top and bottom alone, beside the sensorID tag at most: each picked
// reading is a row). Conditions: time compared with absolute times (RFC 3339 or "YYYY-MM-DD HH:MM:SS" strings, integer
// nanoseconds, duration literals such as 1633338000000ms) or now() plus or minus durations, joined by AND; the value
// compared with numbers (= != < <= >
// >=), joined by AND, or among themselves by OR (the statement then reads the readings); tags compared with = != =~ !~
// in any AND/OR combination. Columns may do arithmetic (+ - * / and parentheses) and InfluxQL's math functions
// (round, abs, sqrt, pow, ...) on aggregates or the value. $name
// placeholders are bound from the request's params. Anything else InfluxQL has (other functions, subqueries, INTO,
// writes and administration) is refused with a message saying what is supported, never ignored.
//
// Parsing is pure: the caller passes the instant now() stands for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"
#include "core/time.h"

namespace telemetry::influxql {

// The tag every reading has, and the field that holds its value, as queries name them.
inline constexpr std::string_view kSensorTag = "sensorID";
inline constexpr std::string_view kValueField = "value";

// A bound parameter's value, from the request's params JSON: integers apart, so that nanosecond times stay exact.
using BoundValue = std::variant<std::string, std::int64_t, double, bool>;
using BoundParams = std::map<std::string, BoundValue, std::less<>>;

// A string or regular expression a tag or measurement name is matched against.
struct NameMatcher {
  enum class Op { kEqual, kNotEqual, kMatches, kNotMatches, kOneOf };
  Op op = Op::kEqual;
  std::string text;                         // the string, or the regex's source
  std::shared_ptr<const std::regex> regex;  // for kMatches and kNotMatches
  std::vector<std::string> names;           // for kOneOf: WITH KEY IN (...)

  bool Accepts(std::string_view name) const;
};

// A condition on a sensor's tags, as a tree of AND/OR over comparisons. Tags other than sensorID are not stored:
// they compare as the empty string, as a missing tag does in InfluxDB.
struct TagCondition {
  enum class Kind { kAnd, kOr, kCompare };
  Kind kind = Kind::kCompare;
  std::unique_ptr<TagCondition> left, right;  // kAnd, kOr
  std::string tag;                            // kCompare: the tag's key, sensorID for its aliases
  NameMatcher matcher;                        // kCompare

  bool Accepts(std::string_view sensor_id) const;
  // The sensors it can accept when it names them outright (sensorID = 'a' [OR sensorID = 'b' ...]); empty when
  // deciding needs the list of sensors.
  std::optional<std::vector<std::string>> NamedSensors() const;
};

// A condition on the value, one of a SELECT's WHERE conditions joined by AND: a comparison with a number (value >
// 30), or comparisons joined by AND and OR (value < -20 OR value > 80). Readings that fail it are left out of the
// statement, which then reads the readings, not the rollups.
struct ValueCondition {
  enum class Op { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };
  enum class Kind { kCompare, kAnd, kOr };
  Op op = Op::kEqual;  // kCompare
  double number = 0;   // kCompare
  Kind kind = Kind::kCompare;
  std::shared_ptr<const ValueCondition> left, right;  // kAnd, kOr

  bool Accepts(double value) const;
};

// Aggregates from the rollups (count to spread) and functions of the readings themselves: the selectors first,
// last (the earliest and latest reading) and percentile, the aggregates median and stddev (sample standard
// deviation, as InfluxDB's), and top and bottom, the N greatest or smallest readings (of equal values the earliest),
// each a row of its own dated by its reading; integral, the area under the readings' line (trapezoids between
// consecutive readings, per unit of time); mode, the most frequent value (of equally frequent ones, the one read
// first); count(distinct(value)), how many different values; and distinct(value), alone, a row per different value
// in the order they were first read.
enum class Function {
  kCount,
  kSum,
  kMean,
  kMin,
  kMax,
  kSpread,
  kFirst,
  kLast,
  kMedian,
  kPercentile,
  kStddev,
  kTop,
  kBottom,
  kIntegral,
  kMode,
  kCountDistinct,
  kDistinct
};

// Whether a function needs the readings in its range, not only their rollups.
bool ReadsReadings(Function function);

// A function applied to the value: mean(value), percentile(value, 95), top(value, 3).
struct Call {
  Function function = Function::kMean;
  double percentile = 0;  // kPercentile's N, from 0 to 100
  std::size_t count = 0;  // kTop's and kBottom's N, from 1 to kMaxRanked
  TimeNs unit = kNanosPerSecond;  // kIntegral's unit of time: integral(value, 1h) in value-hours
};

// The most readings top() and bottom() may pick per bucket.
inline constexpr std::size_t kMaxRanked = 10'000;

// InfluxQL's math functions: of one argument, and atan2(y, x), log(x, base) and pow(x, y) of two.
enum class MathFunction {
  kAbs,
  kAcos,
  kAsin,
  kAtan,
  kAtan2,
  kCeil,
  kCos,
  kExp,
  kFloor,
  kLn,
  kLog,
  kLog2,
  kLog10,
  kPow,
  kRound,  // half away from zero, as InfluxDB rounds
  kSin,
  kSqrt,
  kTan
};

// Arithmetic in a column: mean(value) * 1.8 + 32, max(value) - min(value), value / 10, round(mean(value)). Its
// leaves are the column's aggregates (or, in a raw SELECT, the reading's value) and numbers.
struct Arithmetic {
  enum class Kind { kNumber, kLeaf, kAdd, kSubtract, kMultiply, kDivide, kMath };
  Kind kind = Kind::kLeaf;
  double number = 0;                       // kNumber
  Call call;                               // kLeaf of an aggregate column
  MathFunction math = MathFunction::kAbs;  // kMath: of left, and right for a function of two arguments
  std::shared_ptr<const Arithmetic> left, right;

  // The result, given each leaf's value: nullopt when a leaf is (an empty bucket) or the result is not a finite
  // number (a division by zero, the square root of a negative number).
  std::optional<double> Evaluate(const std::function<std::optional<double>(const Call&)>& leaf) const;
  // Each aggregate leaf's call, left to right.
  void ForEachCall(const std::function<void(const Call&)>& visit) const;
};

// A transformation of an aggregate's buckets, or of the readings themselves, in time order: derivative(mean(value),
// 1m) — the change from the last bucket with a value, per unit of time (by default the GROUP BY time() interval, for
// readings 1s); difference; their non_negative_ forms, which leave out decreases; moving_average(mean(value), 3), of
// the last N buckets with a value; cumulative_sum, the running total; and elapsed, the time since the last one, in
// whole units (by default nanoseconds). Buckets without a value (empty, under fill(null) or fill(none)) are passed
// over. Of readings at one instant (several sensors' in one series), as InfluxDB takes them: sensor by sensor, and a
// derivative or difference only from the first, the others passed over.
struct Transform {
  enum class Kind {
    kDerivative,
    kNonNegativeDerivative,
    kDifference,
    kNonNegativeDifference,
    kMovingAverage,
    kCumulativeSum,
    kElapsed
  };
  Kind kind = Kind::kDerivative;
  TimeNs unit = 0;         // derivatives and elapsed: the unit of time; 0 until CheckSelect sets the interval
  std::size_t window = 0;  // kMovingAverage: N
};

// One output column of a SELECT: an aggregate of the value, the raw value, or the sensorID tag; either of the first
// two with arithmetic or a transformation (derivative(value): a column of transformations of the readings, with
// nothing else beside it).
struct Column {
  enum class Kind { kAggregate, kValue, kSensorTag };
  Kind kind = Kind::kValue;
  Call call;                                     // kAggregate: its (first) function
  std::shared_ptr<const Arithmetic> arithmetic;  // none: the column is its function, or the value, alone
  std::optional<Transform> transform;            // kAggregate: of the function's buckets
  std::string name;  // as the answer's "columns" name it: the alias, else InfluxDB's default (the first function's)
};

// The most buckets GROUP BY time() may cut a statement's range into.
inline constexpr std::size_t kMaxBuckets = 10'000;

// fill(linear): an empty bucket on the line between the nearest filled buckets around it (none at the ends).
enum class Fill { kNull, kNone, kNumber, kPrevious, kLinear };

struct Select {
  std::vector<Column> columns;
  bool aggregate = false;              // every column is an aggregate or selector (mixing with raw is refused)
  bool transforms_readings = false;    // every column is a transformation of the readings: difference(value)
  bool reads_readings = false;         // a column's function needs the readings in the range (ReadsReadings)
  bool keeps_values = false;           // median, percentile or stddev: each bucket's values are kept
  bool integrates = false;             // integral: each bucket's readings are kept, in time order
  // top() or bottom(), the statement's only function: each bucket's N readings are its rows, with the sensorID
  // columns (the only others allowed) naming each one's sensor.
  std::optional<Call> ranked;
  // distinct(), the statement's only column: each bucket's different values are its rows, dated by the bucket.
  bool distinct = false;
  // first(), last(), min(), max() or percentile(), bare, the only column but sensorID ones: a selector that picks
  // one reading per bucket, which dates its row when there is no GROUP BY time(), and whose sensor the sensorID
  // columns (allowed beside all but percentile()) name, as InfluxDB answers a lone selector.
  std::optional<Call> lone_selector;
  bool measurement_matches = true;     // FROM names the stored measurement (or a regex matching it)
  TimeNs from = kMinTime;              // inclusive
  TimeNs to = kMaxTime;                // exclusive
  bool to_given = false;               // an upper bound was in WHERE (GROUP BY time() stops at now() without one)
  std::unique_ptr<TagCondition> tags;  // null: every sensor
  std::vector<ValueCondition> value_conditions;  // each must hold; any: reads_readings, as no rollup can filter
  std::optional<TimeNs> interval;                // GROUP BY time(interval[, offset])
  TimeNs interval_offset = 0;
  // Whether `from` was moved back by one interval for transformations, as InfluxDB moves it, so that the first
  // bucket's derivative() is from the bucket before it: that bucket is read but not answered. Only when every column
  // is a transformation (other columns' first bucket would then hold readings from before the range).
  bool lead_bucket = false;
  bool group_by_sensor = false;         // GROUP BY "sensorID" or *
  std::vector<std::string> empty_tags;  // GROUP BY tags that are not stored: each series carries them as ""
  Fill fill = Fill::kNull;
  double fill_value = 0;
  bool descending = false;  // ORDER BY time DESC
  std::size_t limit = 0;    // 0: none
  std::size_t offset = 0;
  std::size_t slimit = 0;  // series
  std::size_t soffset = 0;
  std::string time_zone;  // tz('Europe/Berlin'): day buckets at local midnight; empty: UTC
};

struct Show {
  enum class What { kDatabases, kMeasurements, kTagKeys, kTagValues, kFieldKeys, kRetentionPolicies, kSeries };
  What what = What::kMeasurements;
  bool measurement_matches = true;     // FROM (or WITH MEASUREMENT) accepts the stored measurement
  std::optional<NameMatcher> tag_key;  // SHOW TAG VALUES WITH KEY ...
  std::unique_ptr<TagCondition> tags;  // WHERE on tags
  TimeNs from = kMinTime;              // WHERE on time: sensors with readings from..to (first to last)
  TimeNs to = kMaxTime;
  std::size_t limit = 0;  // 0: none
  std::size_t offset = 0;
};

// CREATE DATABASE name, as Telegraf and the influx CLI's -import send it before writing: every database name reads
// and writes the one store, so it succeeds and changes nothing.
struct CreateDatabase {
  std::string name;
};

using Statement = std::variant<Select, Show, CreateDatabase>;

// Parses one or more statements separated by ';'. `measurement` is the stored one (FROM is matched against it);
// `now` is what now() means. kInvalidArgument with a message in InfluxDB's words where it has them ("found X,
// expected Y at line 1, char N") or naming what is not supported.
StatusOr<std::vector<Statement>> Parse(std::string_view text, std::string_view measurement, const BoundParams& params,
                                       TimeNs now);

// The starts of the buckets GROUP BY time(interval, offset) cuts [select.from, select.to) into, in UTC: aligned to
// the epoch plus the offset, the first at or before `from`, the last before `to`.
// REQUIRES: select.interval, select.from < select.to, and `select` from Parse() (which bounds their number).
std::vector<TimeNs> BucketStarts(const Select& select);

// A duration literal's length: an integer followed by ns, u (or µ), ms, s, m, h, d or w. nullopt otherwise.
std::optional<TimeNs> ParseDuration(std::string_view text);

}  // namespace telemetry::influxql
