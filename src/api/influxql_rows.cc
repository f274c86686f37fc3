#include "api/influxql_rows.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <optional>

#include "api/influxql_result.h"

namespace telemetry::api {
namespace {

using influxql::Call;
using influxql::Column;
using influxql::Fill;
using influxql::Function;
using influxql::Select;

// percentile(value, N) as InfluxDB picks it: the value of rank round(count × N / 100) in ascending order, counted
// from 1 (a half rounded up); none when that rank is 0.
const ValueAt* PercentileOf(const Bucket& bucket, double percentile) {
  double rank = std::floor(static_cast<double>(bucket.values.size()) * percentile / 100 + 0.5);
  if (rank < 1 || rank > static_cast<double>(bucket.values.size())) return nullptr;
  return &bucket.values[static_cast<std::size_t>(rank) - 1];
}

// The middle value, or halfway between the two middle ones.
double MedianOf(const std::vector<ValueAt>& values) {
  std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle].value;
  double low = values[middle - 1].value, high = values[middle].value;
  return low + (high - low) / 2;  // not (low + high) / 2, which overflows for values near the largest double
}

// The sample standard deviation (n − 1 in the denominator), as InfluxDB's stddev(): none for a single value. The
// squared deviations from the bucket's mean, both sums compensated: summing squares of the values themselves
// (sum x² − n·mean²) loses every digit when the spread is small beside the mean.
std::optional<double> StddevOf(const Bucket& bucket) {
  if (bucket.values.size() < 2) return std::nullopt;
  double mean = *bucket.aggregate.Mean();
  double squares = 0, error = 0;
  for (const ValueAt& v : bucket.values) CompensatedAdd(squares, error, (v.value - mean) * (v.value - mean));
  double stddev = std::sqrt((squares + error) / static_cast<double>(bucket.values.size() - 1));
  if (!std::isfinite(stddev)) return std::nullopt;
  return stddev;
}

// The most frequent of a bucket's values (sorted by value, then time), as InfluxDB 1.6 picks it: walking the runs
// of equal values in order, the first run counts from its first reading, every other from its second; a run
// reaching the chosen one's count replaces it unless the run began later than the chosen run's last reading so far.
// So of values read once each, the smallest; of equally frequent ones, mostly the later in value order.
double ModeOf(const std::vector<ValueAt>& values) {
  std::size_t most = 0, run = 0;
  double mode = values.front().value, current = values.front().value;
  TimeNs mode_time = values.front().time, run_start = values.front().time;
  for (const ValueAt& v : values) {
    if (v.value != current) {
      current = v.value;
      run_start = v.time;
      run = 1;
      continue;
    }
    ++run;
    if (most > run || (most == run && run_start > mode_time)) continue;
    most = run;
    mode = v.value;
    mode_time = v.time;
  }
  return mode;
}

// The first reading of each different value, of values sorted by value, then time.
std::vector<ValueAt> FirstOfEachValue(const std::vector<ValueAt>& values) {
  std::vector<ValueAt> firsts;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i == 0 || values[i].value != values[i - 1].value) firsts.push_back(values[i]);
  }
  return firsts;
}

Cell BucketCell(const Call& call, const Bucket& bucket) {
  const Aggregate& aggregate = bucket.aggregate;
  switch (call.function) {
    case Function::kCount:
      return aggregate.count;
    case Function::kSum:
      return aggregate.Sum();
    case Function::kMean:
      return *aggregate.Mean();
    case Function::kMin:
      return aggregate.min;
    case Function::kMax:
      return aggregate.max;
    case Function::kSpread:
      return aggregate.max - aggregate.min;
    case Function::kFirst:
      return bucket.first.value;
    case Function::kLast:
      return bucket.last.value;
    case Function::kMedian:
      return MedianOf(bucket.values);
    case Function::kPercentile:
      if (const ValueAt* picked = PercentileOf(bucket, call.percentile)) return picked->value;
      return std::monostate{};
    case Function::kStddev:
      if (std::optional<double> stddev = StddevOf(bucket)) return *stddev;
      return std::monostate{};
    case Function::kMode:
      return ModeOf(bucket.values);
    case Function::kCountDistinct:
      return static_cast<std::int64_t>(FirstOfEachValue(bucket.values).size());
    case Function::kTop:
    case Function::kBottom:
    case Function::kDistinct:
      break;  // rows of their own (RankedRows, DistinctRows), never a bucket's cell
    case Function::kIntegral:
      for (const auto& [unit, area] : bucket.integrals) {
        if (unit == call.unit) return area;
      }
      break;
  }
  return std::monostate{};
}

// A cell's number (an integer count as a float); none when the cell is null.
std::optional<double> NumberIn(const Cell& cell) {
  if (const auto* count = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*count);
  if (const auto* number = std::get_if<double>(&cell)) return *number;
  return std::nullopt;
}

Cell CellOf(std::optional<double> number) { return number ? Cell(*number) : Cell(); }

// A function's cell in an empty bucket: count() (and count(distinct())) is 0 there, as InfluxDB counts it, in
// arithmetic too (count(value) * 2 is 0); every other function null.
Cell EmptyBucketCell(const Call& call) {
  if (call.function == Function::kCount || call.function == Function::kCountDistinct) return std::int64_t{0};
  return std::monostate{};
}

// A column's arithmetic, each leaf its function's cell as `cell_of` gives it.
Cell ArithmeticCell(const influxql::Arithmetic& arithmetic, const std::function<Cell(const Call&)>& cell_of) {
  return CellOf(arithmetic.Evaluate([&cell_of](const Call& call) { return NumberIn(cell_of(call)); }));
}

// fill(linear), column by column: each empty cell between two filled ones on the straight line between them, by
// time; cells before the first filled one or after the last stay empty, as InfluxDB leaves them. count() is 0 in an
// empty bucket, not a line: no reading is there.
void FillLinear(std::vector<Row>& rows) {
  std::size_t columns = rows.empty() ? 0 : rows.front().cells.size();
  for (std::size_t c = 0; c < columns; ++c) {
    std::optional<std::size_t> known;  // the last row whose cell holds a number
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto* end = std::get_if<double>(&rows[r].cells[c]);
      if (!end) continue;
      if (known && r > *known + 1) {
        double start = std::get<double>(rows[*known].cells[c]);
        auto span = static_cast<double>(rows[r].time - rows[*known].time);
        for (std::size_t k = *known + 1; k < r; ++k) {
          if (!std::holds_alternative<std::monostate>(rows[k].cells[c])) continue;
          rows[k].cells[c] = start + (*end - start) * (static_cast<double>(rows[k].time - rows[*known].time) / span);
        }
      }
      known = r;
    }
  }
}

// A transformation's value at each row, from the rows before it: none where the row's own cell has no value, or
// before there are enough earlier values.
void TransformColumn(const influxql::Transform& transform, std::vector<Row>& rows, std::size_t c) {
  using Kind = influxql::Transform::Kind;
  std::optional<std::pair<TimeNs, double>> previous;  // the last row with a value
  std::deque<double> window;                          // moving_average: the last N values
  double sum = 0, sum_error = 0;
  for (Row& row : rows) {
    Cell& cell = row.cells[c];
    std::optional<double> value = NumberIn(cell);
    cell = std::monostate{};
    if (!value) continue;
    std::optional<double> result;
    switch (transform.kind) {
      case Kind::kDerivative:
      case Kind::kNonNegativeDerivative:
      case Kind::kDifference:
      case Kind::kNonNegativeDifference:
        if (previous && row.time == previous->first) continue;  // another reading of the instant: passed over
        if (previous) result = *value - previous->second;
        if (result && (transform.kind == Kind::kDerivative || transform.kind == Kind::kNonNegativeDerivative)) {
          // Per the time between them, whichever way it runs (rows newest first under ORDER BY time DESC).
          *result /= static_cast<double>(std::abs(row.time - previous->first)) / static_cast<double>(transform.unit);
        }
        break;
      case Kind::kElapsed:
        if (previous) cell = (row.time - previous->first) / transform.unit;  // whole units, as InfluxDB counts them
        previous = {row.time, *value};
        continue;
      case Kind::kMovingAverage:
        window.push_back(*value);
        if (window.size() > transform.window) window.pop_front();
        if (window.size() == transform.window) {
          // Summed afresh, not kept as a running total, so no rounding accumulates across the series.
          double total = 0, error = 0;
          for (double v : window) CompensatedAdd(total, error, v);
          result = (total + error) / static_cast<double>(window.size());
        }
        break;
      case Kind::kCumulativeSum:
        CompensatedAdd(sum, sum_error, *value);
        result = sum + sum_error;
        break;
    }
    previous = {row.time, *value};
    bool non_negative =
        transform.kind == Kind::kNonNegativeDerivative || transform.kind == Kind::kNonNegativeDifference;
    if (result && std::isfinite(*result) && !(non_negative && *result < 0)) cell = *result;
  }
}

bool Transforms(const Select& select) {
  return std::any_of(select.columns.begin(), select.columns.end(),
                     [](const influxql::Column& column) { return column.transform.has_value(); });
}

// The statement's transformations, column by column, over the rows in their answer's order (newest first under
// ORDER BY time DESC, as InfluxDB transforms them; OrderAndLimit then leaves them so); when every column is one, the
// rows left without any value (the first, and empty buckets) are dropped, as InfluxDB answers them.
void ApplyTransforms(const Select& select, std::vector<Row>& rows) {
  bool all = true;
  for (std::size_t c = 0; c < select.columns.size(); ++c) {
    if (select.columns[c].transform) {
      TransformColumn(*select.columns[c].transform, rows, c);
    } else {
      all = false;
    }
  }
  if (!all) return;
  std::erase_if(rows, [](const Row& row) {
    return std::all_of(row.cells.begin(), row.cells.end(),
                       [](const Cell& cell) { return std::holds_alternative<std::monostate>(cell); });
  });
}

// The reading a lone first(), last(), min() or max() picked in a bucket: none for percentile(), whose values keep no
// sensor, and for min() or max() when the reading holding it was not found.
const Reading* PickedReading(const Call& selector, const Bucket& bucket) {
  switch (selector.function) {
    case Function::kFirst:
      return &bucket.first;
    case Function::kLast:
      return &bucket.last;
    case Function::kMin:
    case Function::kMax:
      return bucket.extreme ? &*bucket.extreme : nullptr;
    default:
      return nullptr;
  }
}

// top() and bottom(): each bucket's picked readings a row each, dated by the reading, in time order; the sensorID
// columns name its sensor. Empty buckets have none, whatever the fill.
std::vector<Row> RankedRows(const Select& select, const std::vector<Bucket>& buckets) {
  std::vector<Row> rows;
  for (const Bucket& bucket : buckets) {
    for (Reading& reading : bucket.ranked.InTimeOrder()) {
      Row row{reading.time, {}, std::move(reading.sensor_id)};
      for (const Column& column : select.columns) {
        row.cells.push_back(column.kind == Column::Kind::kAggregate ? Cell(reading.value) : Cell());
      }
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

// distinct(): each bucket's different values a row each, dated by the bucket, in the order they were first read (of
// values first read at one instant, the smaller first); empty buckets have none, whatever the fill.
std::vector<Row> DistinctRows(const Select& select, const std::vector<TimeNs>& starts,
                              const std::vector<Bucket>& buckets) {
  std::vector<Row> rows;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    std::vector<ValueAt> firsts = FirstOfEachValue(buckets[b].values);
    std::sort(firsts.begin(), firsts.end(), [](const ValueAt& x, const ValueAt& y) {
      return x.time != y.time ? x.time < y.time : x.value < y.value;
    });
    TimeNs time = select.interval ? starts[b] : (select.from == kMinTime ? 0 : select.from);
    for (const ValueAt& first : firsts) rows.push_back(Row{time, {Cell(first.value)}, {}});
  }
  return rows;
}

// Rows in time order put newest first, the rows of one instant kept in their order.
void NewestFirstKeepingInstants(std::vector<Row>& rows) {
  std::reverse(rows.begin(), rows.end());
  for (auto instant = rows.begin(); instant != rows.end();) {
    auto next = std::find_if(instant, rows.end(), [&](const Row& row) { return row.time != instant->time; });
    std::reverse(instant, next);
    instant = next;
  }
}

}  // namespace

bool EarlierReading(const Reading& a, const Reading& b) {
  return a.time != b.time ? a.time < b.time : a.sensor_id < b.sensor_id;
}

bool FirstPicks(const Reading& a, const Reading& b) {
  if (a.time != b.time) return a.time < b.time;
  return a.value != b.value ? a.value > b.value : a.sensor_id < b.sensor_id;
}

bool LastPicks(const Reading& a, const Reading& b) {
  if (a.time != b.time) return a.time > b.time;
  return a.value != b.value ? a.value > b.value : a.sensor_id < b.sensor_id;
}

bool RanksBefore(const Call& call, const Reading& a, const Reading& b) {
  if (a.value != b.value) {
    bool greatest = call.function == Function::kTop || call.function == Function::kMax;
    return greatest ? a.value > b.value : a.value < b.value;
  }
  return EarlierReading(a, b);
}

bool RankedReadings::Offer(const Call& call, const Reading& reading) {
  auto before = [&call](const Reading& a, const Reading& b) { return RanksBefore(call, a, b); };
  if (heap_.size() < call.count) {
    heap_.push_back(reading);
    std::push_heap(heap_.begin(), heap_.end(), before);
    return true;
  }
  if (!before(reading, heap_.front())) return false;
  std::pop_heap(heap_.begin(), heap_.end(), before);
  heap_.back() = reading;
  std::push_heap(heap_.begin(), heap_.end(), before);
  return false;
}

std::vector<Reading> RankedReadings::InTimeOrder() const {
  std::vector<Reading> readings = heap_;
  std::sort(readings.begin(), readings.end(), EarlierReading);
  return readings;
}

namespace {

// Calls `visit` with every function call of the statement's aggregate columns, inside arithmetic too.
void ForEachCall(const Select& select, const std::function<void(const Call&)>& visit) {
  for (const Column& column : select.columns) {
    if (column.kind != Column::Kind::kAggregate) continue;
    if (column.arithmetic) {
      column.arithmetic->ForEachCall(visit);
    } else {
      visit(column.call);
    }
  }
}

// Whether integral() is the statement's only function: InfluxDB then answers no row for a bucket without readings,
// whatever the fill, and dates the whole range's row by the epoch.
bool OnlyIntegrals(const Select& select) {
  bool only = true, any = false;
  ForEachCall(select, [&](const Call& call) {
    any = true;
    only &= call.function == Function::kIntegral;
  });
  return any && only;
}

}  // namespace

void Integrate(const Select& select, const std::vector<TimeNs>& starts, std::vector<Bucket>& buckets) {
  std::vector<TimeNs> units;
  ForEachCall(select, [&units](const Call& call) {
    if (call.function == Function::kIntegral && std::find(units.begin(), units.end(), call.unit) == units.end()) {
      units.push_back(call.unit);
    }
  });
  for (Bucket& bucket : buckets) {
    std::sort(bucket.points.begin(), bucket.points.end(), [](const TimedValue& a, const TimedValue& b) {
      return a.time != b.time ? a.time < b.time : a.rank < b.rank;
    });
  }
  for (TimeNs unit : units) {
    std::optional<TimedValue> previous;  // the last reading, or the point on its bucket's end the area goes on from
    std::size_t previous_bucket = 0;
    std::vector<double> areas(buckets.size(), 0);
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      for (const TimedValue& point : buckets[b].points) {
        if (previous && previous->time == point.time) {
          previous = point;  // one instant: no area; the last reading of it goes on
          continue;
        }
        if (previous && b != previous_bucket) {
          // The earlier bucket's area ends at its end, on the line to this reading.
          TimeNs end = previous_bucket + 1 < starts.size() ? starts[previous_bucket + 1] : point.time;
          if (previous->time != end) {
            double slope = (point.value - previous->value) / static_cast<double>(point.time - previous->time);
            double at_end = slope * static_cast<double>(end - previous->time) + previous->value;
            areas[previous_bucket] += 0.5 * (at_end + previous->value) *
                                      (static_cast<double>(end - previous->time) / static_cast<double>(unit));
            previous = TimedValue{end, at_end, 0};
          }
        }
        if (previous) {
          areas[b] += 0.5 * (point.value + previous->value) *
                      (static_cast<double>(point.time - previous->time) / static_cast<double>(unit));
        }
        previous = point;
        previous_bucket = b;
      }
    }
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      if (!buckets[b].points.empty()) buckets[b].integrals.emplace_back(unit, areas[b]);
    }
  }
}

std::vector<Row> AggregateRows(const Select& select, const std::vector<TimeNs>& starts,
                               const std::vector<Bucket>& buckets) {
  if (std::all_of(buckets.begin(), buckets.end(), [](const Bucket& b) { return b.aggregate.count == 0; })) return {};
  if (select.ranked) return RankedRows(select, buckets);
  if (select.distinct) return DistinctRows(select, starts, buckets);
  bool only_integrals = OnlyIntegrals(select);
  std::vector<Row> rows;
  std::vector<Cell> previous(select.columns.size());
  std::string previous_sensor;  // fill(previous) carries the picked reading's sensor along with its value
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const Bucket& bucket = buckets[b];
    const Aggregate& aggregate = bucket.aggregate;
    if (aggregate.count == 0 && (select.fill == Fill::kNone || only_integrals)) continue;
    Row row;
    row.time = select.interval ? starts[b] : (select.from == kMinTime || only_integrals ? 0 : select.from);
    if (select.lone_selector && aggregate.count > 0) {
      if (const Reading* picked = PickedReading(*select.lone_selector, bucket)) {
        if (!select.interval) row.time = picked->time;
        row.sensor = picked->sensor_id;
      }
      if (select.lone_selector->function == Function::kPercentile && !select.interval) {
        if (const ValueAt* picked = PercentileOf(bucket, select.lone_selector->percentile)) row.time = picked->time;
      }
    }
    if (aggregate.count == 0 && select.fill == Fill::kPrevious) row.sensor = previous_sensor;
    previous_sensor = row.sensor;
    for (std::size_t c = 0; c < select.columns.size(); ++c) {
      const Column& column = select.columns[c];
      Cell cell;
      if (column.kind == Column::Kind::kSensorTag) {
        // Written from row.sensor; an empty bucket's is null, or fill(N)'s number, as InfluxDB fills it.
        if (aggregate.count == 0 && select.fill == Fill::kNumber) cell = select.fill_value;
      } else if (aggregate.count > 0) {
        auto of_bucket = [&bucket](const Call& call) { return BucketCell(call, bucket); };
        cell = column.arithmetic ? ArithmeticCell(*column.arithmetic, of_bucket) : of_bucket(column.call);
      } else if (select.fill == Fill::kNumber) {
        cell = select.fill_value;
      } else if (select.fill == Fill::kPrevious) {
        cell = previous[c];
      } else {
        cell = column.arithmetic ? ArithmeticCell(*column.arithmetic, EmptyBucketCell) : EmptyBucketCell(column.call);
      }
      previous[c] = cell;
      row.cells.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  if (select.fill == Fill::kLinear) FillLinear(rows);
  if (Transforms(select)) {
    if (select.descending) std::reverse(rows.begin(), rows.end());
    ApplyTransforms(select, rows);
  }
  if (select.lead_bucket && starts.size() > 1) {
    std::erase_if(rows, [answered = starts[1]](const Row& row) { return row.time < answered; });
  }
  return rows;
}

std::vector<Bucket> BucketsOf(const std::vector<Aggregate>& aggregates) {
  std::vector<Bucket> buckets(aggregates.size());
  for (std::size_t b = 0; b < aggregates.size(); ++b) buckets[b].aggregate = aggregates[b];
  return buckets;
}

std::vector<Row> ReadingRows(const Select& select, const std::vector<Reading>& readings) {
  std::vector<Row> rows;
  rows.reserve(readings.size());
  for (const Reading& reading : readings) {
    Row row{reading.time, {}, reading.sensor_id};
    for (const Column& column : select.columns) {
      if (column.kind == Column::Kind::kValue && column.arithmetic) {
        row.cells.push_back(CellOf(column.arithmetic->Evaluate([&](const Call&) { return reading.value; })));
      } else if (column.kind == Column::Kind::kValue) {
        row.cells.emplace_back(reading.value);
      } else {
        row.cells.emplace_back(std::monostate{});
      }
    }
    rows.push_back(std::move(row));
  }
  if (select.transforms_readings) {
    // Under ORDER BY time DESC, InfluxDB transforms the readings newest first, but an instant's sensor by sensor.
    if (select.descending) NewestFirstKeepingInstants(rows);
    ApplyTransforms(select, rows);
  }
  return rows;
}

void OrderAndLimit(const Select& select, std::vector<Row>& rows) {
  if (select.descending && select.distinct) {
    NewestFirstKeepingInstants(rows);  // buckets newest first, each one's values in the order read
  } else if (select.descending && !Transforms(select)) {
    std::reverse(rows.begin(), rows.end());
  }
  Page(rows, select.offset, select.limit);
}

}  // namespace telemetry::api
