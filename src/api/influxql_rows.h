// The rows of an InfluxQL SELECT's answer, from what the store gave: the buckets of a series (their aggregates from
// the rollups, or readings folded into them) made into rows of the statement's columns — median, percentile and
// stddev, arithmetic, fill, transformations — and raw readings made into rows; ORDER BY and LIMIT on them. Pure:
// api/influxql_select.cc reads the store and renders the rows.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/aggregate.h"
#include "core/influxql.h"
#include "core/reading.h"
#include "core/time.h"

namespace telemetry::api {

// A value in a row: null, an integer (count) or a float.
using Cell = std::variant<std::monostate, std::int64_t, double>;

struct Row {
  TimeNs time = 0;
  std::vector<Cell> cells;  // one per column; a sensorID column's is written from `sensor`, or when none from its cell
  std::string sensor;       // the reading's sensor: a raw reading's, a lone selector's pick (empty: none)
};

// A reading's value and time, as a bucket keeps them for median, percentile and stddev.
struct ValueAt {
  double value = 0;
  TimeNs time = 0;
  auto operator<=>(const ValueAt&) const = default;
};

// A reading as integral() keeps it: its time, its value and its order among readings of the same instant (its
// sensor's rank), since at one instant the readings of several sensors count in sensor order, as InfluxDB merges
// its series.
struct TimedValue {
  TimeNs time = 0;
  double value = 0;
  std::uint64_t rank = 0;
};

// The order of readings of several sensors in an answer: by time, then by sensor id. top(), bottom(), max() and
// min() break ties by it, and raw rows come in it.
bool EarlierReading(const Reading& a, const Reading& b);

// Whether first() picks `a` over `b`, last() `a` over `b`: the earliest reading, the latest; of readings at one
// instant the greater value, then the first sensor by id, as InfluxDB picks them.
bool FirstPicks(const Reading& a, const Reading& b);
bool LastPicks(const Reading& a, const Reading& b);

// Whether `a` is picked before `b` by top() and max() (the greater value) or bottom() and min() (the smaller); of
// equal values the earlier, then the sensor first by id.
bool RanksBefore(const influxql::Call& call, const Reading& a, const Reading& b);

// The N readings top() or bottom() picks from those offered one by one: of equal values the earliest (then the
// first sensor by id), as InfluxDB picks them.
class RankedReadings {
 public:
  // Keeps `reading` if it is among the N best so far; returns whether that made the kept ones more (not replaced
  // one), which is what memory grows by.
  bool Offer(const influxql::Call& call, const Reading& reading);
  // The readings kept, in time order (then by sensor), as the rows show them.
  std::vector<Reading> InTimeOrder() const;

 private:
  std::vector<Reading> heap_;  // the worst kept first (a heap by rank), so that a better one replaces it
};

// What one bucket (or the whole range) holds: its aggregate and, when the statement reads the readings, its
// earliest and latest reading and, when it asks for them, its values in ascending order (of equal values the
// earliest first), or the readings top() or bottom() picked.
struct Bucket {
  Aggregate aggregate;
  Reading first, last;          // when aggregate.count > 0 and the statement reads the readings
  std::vector<ValueAt> values;  // when the statement keeps values (influxql::Select::keeps_values)
  RankedReadings ranked;        // when it ranks them (influxql::Select::ranked)
  // A lone min() or max() (influxql::Select::lone_selector): the earliest reading holding it, then the first sensor.
  std::optional<Reading> extreme;
  std::vector<TimedValue> points;  // when the statement integrates (influxql::Select::integrates)
  // integral()'s value per unit of time asked for, from Integrate(), when the bucket holds a reading.
  std::vector<std::pair<TimeNs, double>> integrals;
};

// integral() of every bucket of a series, for each unit its columns ask for (Bucket::integrals), as InfluxDB
// computes it: trapezoids between consecutive readings in time order (of readings at one instant, the first counts
// for the area before it, the last for the area after); with GROUP BY time(), a bucket's area ends at its end, on the
// line to the next reading, from where the next bucket holding a reading goes on. `starts`: the buckets' starts.
void Integrate(const influxql::Select& select, const std::vector<TimeNs>& starts, std::vector<Bucket>& buckets);

// Buckets from aggregates the store summed.
std::vector<Bucket> BucketsOf(const std::vector<Aggregate>& aggregates);

// The rows of one series of aggregates, one per bucket (or the one of the whole range; `starts`: the
// buckets' starts under GROUP BY time(); each bucket's values, when kept, in ascending order), empty buckets filled as
// the statement says: count() as 0 under fill(null), as InfluxDB does. No rows when no bucket holds a reading. A lone
// selector (influxql::Select::lone_selector) over the whole range is dated by the reading it picks, as InfluxDB
// dates them; anything else by its bucket's start (the range's, or the epoch's when it has none). The sensorID
// columns beside a lone selector name its reading's sensor (null in an empty bucket). The statement's
// transformations (derivative(), moving_average()...) then replace their columns.
std::vector<Row> AggregateRows(const influxql::Select& select, const std::vector<TimeNs>& starts,
                               const std::vector<Bucket>& buckets);

// Raw readings (in time order, by sensor within an instant) as rows of the statement's columns, transformed when
// the statement transforms them (then under ORDER BY time DESC newest first already).
std::vector<Row> ReadingRows(const influxql::Select& select, const std::vector<Reading>& readings);

// ORDER BY, OFFSET and LIMIT applied to the rows of one series (transformed readings are in order already).
void OrderAndLimit(const influxql::Select& select, std::vector<Row>& rows);

}  // namespace telemetry::api
