#include "api/influx_query_api.h"

#include <date/tz.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <optional>
#include <variant>

#include "api/influx_api.h"
#include "core/influxql.h"
#include "core/json_writer.h"
#include "core/line_protocol.h"
#include "core/percent_encoding.h"
#include "core/reading.h"
#include "core/series_buckets.h"

namespace telemetry::api {
namespace {

using influxql::Column;
using influxql::Fill;
using influxql::Function;
using influxql::Select;
using influxql::Show;

constexpr std::size_t kSensorsPage = 1'000;
constexpr std::size_t kReadingsPage = 10'000;

// ---- Running a chain of store calls ----

using Step = std::function<void(std::function<void()> next)>;

// Runs `step` again each time it calls the `next` it was given, until a step returns without (ever) calling it. A
// `next` called before its step has returned (a store answering at once) does not nest another step inside it, so a
// chain of any length runs in constant stack, whichever thread each answer comes on.
void RunSteps(std::shared_ptr<Step> step) {
  while (true) {
    auto arrived = std::make_shared<std::atomic<bool>>(false);
    (*step)([step, arrived] {
      if (arrived->exchange(true)) RunSteps(step);  // the step had returned: carry on from here
    });
    if (!arrived->exchange(true)) return;  // next() comes later (and carries on), or never: the chain has ended
  }
}

// Every sensor whose summary `keep` accepts, in id order, until `enough` are kept; past `cap` kept, an error that
// ends with `how_to_narrow`.
void ListSensors(Store& store, std::function<bool(const SensorSummary&)> keep, std::size_t enough, std::size_t cap,
                 std::string how_to_narrow, std::function<void(StatusOr<std::vector<SensorSummary>>)> done) {
  struct State {
    SensorsQuery query{"", kSensorsPage};
    std::vector<SensorSummary> kept;
  };
  auto state = std::make_shared<State>();
  RunSteps(std::make_shared<Step>([&store, state, keep = std::move(keep), enough, cap, how_to_narrow,
                                   done = std::move(done)](std::function<void()> next) {
    store.Sensors(state->query, [&, state, next](StatusOr<std::vector<SensorSummary>> page) {
      if (!page.ok()) return done(page.status());
      bool last_page = page->size() < state->query.limit;
      if (!last_page) state->query.after = page->back().sensor_id;  // before the kept ones are moved away
      for (SensorSummary& sensor : page.value()) {
        if (!keep(sensor)) continue;
        if (state->kept.size() == cap) {
          return done(Status(StatusCode::kResourceExhausted,
                             "more than " + std::to_string(cap) + " sensors match; " + how_to_narrow));
        }
        state->kept.push_back(std::move(sensor));
        if (state->kept.size() == enough) return done(std::move(state->kept));
      }
      if (last_page) return done(std::move(state->kept));
      next();
    });
  }));
}

// ---- Answers ----

// A value in a row: null, an integer (count) or a float.
using Cell = std::variant<std::monostate, std::int64_t, double>;

struct Row {
  TimeNs time = 0;
  std::vector<Cell> cells;  // one per column; a sensorID column's is null, written from `sensor`
  std::string sensor;       // raw readings: the reading's sensor
};

struct SeriesData {
  std::optional<std::string> sensor;  // the sensorID tag, when grouped by it
  std::vector<Row> rows;
};

// How times are written: RFC 3339 strings, or integers in the epoch= unit.
struct TimeFormat {
  std::optional<TimeNs> epoch_unit;
};

void WriteTime(JsonWriter& json, TimeNs time, const TimeFormat& format) {
  if (format.epoch_unit) {
    json.Int(time / *format.epoch_unit);
  } else {
    json.String(FormatRfc3339(time));
  }
}

void WriteCell(JsonWriter& json, const Cell& cell) {
  if (const auto* integer = std::get_if<std::int64_t>(&cell)) {
    json.Int(*integer);
  } else if (const auto* number = std::get_if<double>(&cell)) {
    json.Number(*number);
  } else {
    json.Null();
  }
}

// {"statement_id":n} with `series` when there is any.
std::string StatementResult(int statement_id, const std::function<void(JsonWriter&)>& series) {
  JsonWriter json;
  json.BeginObject().Key("statement_id").Int(statement_id);
  if (series) {
    json.Key("series").BeginArray();
    series(json);
    json.EndArray();
  }
  json.EndObject();
  return json.Take();
}

std::string StatementError(int statement_id, std::string_view message) {
  JsonWriter json;
  json.BeginObject().Key("statement_id").Int(statement_id).Key("error").String(message).EndObject();
  return json.Take();
}

// A statement's result, written a part at a time: each call appends the next part to `out` and says whether the
// result is complete. A large answer is so rendered in bounded parts, on whichever thread asks for the next one.
using Producer = std::function<bool(std::string& out)>;

// A result already rendered whole (SHOW answers, errors: all small).
Producer WholeResult(std::string result) {
  return [result = std::move(result)](std::string& out) {
    out += result;
    return true;
  };
}

// Rows of a SELECT's answer rendered per part: enough to make a part worth sending, few enough to take ~1 ms.
constexpr std::size_t kRowsPerPart = 10'000;

// A series of one column of names, as SHOW statements answer.
void WriteNameSeries(JsonWriter& json, std::optional<std::string_view> name, std::vector<std::string_view> columns,
                     const std::vector<std::vector<std::string>>& rows) {
  json.BeginObject();
  if (name) json.Key("name").String(*name);
  json.Key("columns").BeginArray();
  for (std::string_view column : columns) json.String(column);
  json.EndArray().Key("values").BeginArray();
  for (const auto& row : rows) {
    json.BeginArray();
    for (const std::string& cell : row) json.String(cell);
    json.EndArray();
  }
  json.EndArray().EndObject();
}

// ---- SELECT ----

struct SelectPlan {
  Select select;
  int statement_id = 0;
  std::string measurement;
  TimeFormat format;
  std::vector<TimeNs> starts;      // GROUP BY time(): each bucket's start, as the answer names it
  std::vector<TimeNs> boundaries;  // the spans the store is asked for: the buckets cut to [from, to)
};

// What one bucket (or the whole range) holds: its aggregate and, when the statement has selectors, its earliest and
// latest reading.
struct Bucket {
  Aggregate aggregate;
  Reading first, last;  // when aggregate.count > 0 and the statement has selectors
};

Cell BucketCell(Function function, const Bucket& bucket) {
  const Aggregate& aggregate = bucket.aggregate;
  switch (function) {
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
  }
  return std::monostate{};
}

// A column's arithmetic over a bucket: each leaf its function's value there (an integer count as a float).
Cell ArithmeticCell(const influxql::Arithmetic& arithmetic, const Bucket& bucket) {
  std::optional<double> result = arithmetic.Evaluate([&bucket](Function function) -> std::optional<double> {
    Cell cell = BucketCell(function, bucket);
    if (const auto* count = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*count);
    return std::get<double>(cell);
  });
  if (!result) return std::monostate{};
  return *result;
}

// The rows of one series of aggregates, one per bucket (or the one of the whole range), empty buckets filled as the
// statement says: count() as 0 under fill(null), as InfluxDB does. No rows when no bucket holds a reading. A lone
// first() or last() over the whole range is dated by its reading, as InfluxDB dates selectors; anything else by
// its bucket's start (the range's, or the epoch's when it has none).
std::vector<Row> AggregateRows(const SelectPlan& plan, const std::vector<Bucket>& buckets) {
  const Select& select = plan.select;
  if (std::all_of(buckets.begin(), buckets.end(), [](const Bucket& b) { return b.aggregate.count == 0; })) return {};
  std::optional<Function> lone_selector;
  if (!select.interval && select.columns.size() == 1 && select.selectors) lone_selector = select.columns[0].function;
  std::vector<Row> rows;
  std::vector<Cell> previous(select.columns.size());
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    const Bucket& bucket = buckets[b];
    const Aggregate& aggregate = bucket.aggregate;
    if (aggregate.count == 0 && select.fill == Fill::kNone) continue;
    Row row;
    row.time = select.interval ? plan.starts[b] : (select.from == kMinTime ? 0 : select.from);
    if (lone_selector && aggregate.count > 0) {
      row.time = lone_selector == Function::kFirst ? bucket.first.time : bucket.last.time;
    }
    for (std::size_t c = 0; c < select.columns.size(); ++c) {
      const Column& column = select.columns[c];
      Cell cell;
      if (aggregate.count > 0) {
        cell = column.arithmetic ? ArithmeticCell(*column.arithmetic, bucket) : BucketCell(column.function, bucket);
      } else if (select.fill == Fill::kNumber) {
        cell = select.fill_value;
      } else if (select.fill == Fill::kPrevious) {
        cell = previous[c];
      } else if (column.function == Function::kCount && !column.arithmetic) {
        cell = std::int64_t{0};
      }
      previous[c] = cell;
      row.cells.push_back(cell);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Buckets from aggregates the store summed.
std::vector<Bucket> BucketsOf(const std::vector<Aggregate>& aggregates) {
  std::vector<Bucket> buckets(aggregates.size());
  for (std::size_t b = 0; b < aggregates.size(); ++b) buckets[b].aggregate = aggregates[b];
  return buckets;
}

// Buckets from readings in time order (and by sensor within an instant): each bucket's aggregate, first and last.
std::vector<Bucket> BucketsOf(const SelectPlan& plan, const std::vector<Reading>& readings) {
  const std::vector<TimeNs>& starts = plan.starts;
  std::vector<Bucket> buckets(plan.select.interval ? starts.size() : 1);
  for (const Reading& reading : readings) {
    std::size_t b = 0;
    if (plan.select.interval) {
      b = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), reading.time) - starts.begin()) - 1;
    }
    Bucket& bucket = buckets[b];
    if (bucket.aggregate.count == 0) bucket.first = reading;
    bucket.last = reading;
    bucket.aggregate.Add(reading.value);
  }
  return buckets;
}

// Raw readings as rows of the statement's columns.
std::vector<Row> ReadingRows(const Select& select, const std::vector<Reading>& readings) {
  std::vector<Row> rows;
  rows.reserve(readings.size());
  for (const Reading& reading : readings) {
    Row row{reading.time, {}, reading.sensor_id};
    for (const Column& column : select.columns) {
      if (column.kind == Column::Kind::kValue && column.arithmetic) {
        std::optional<double> result = column.arithmetic->Evaluate([&](Function) { return reading.value; });
        row.cells.push_back(result ? Cell(*result) : Cell());
      } else if (column.kind == Column::Kind::kValue) {
        row.cells.emplace_back(reading.value);
      } else {
        row.cells.emplace_back(std::monostate{});
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// ORDER BY, OFFSET and LIMIT applied to the rows of one series.
void OrderAndLimit(const Select& select, std::vector<Row>& rows) {
  if (select.descending) std::reverse(rows.begin(), rows.end());
  std::size_t skip = std::min(select.offset, rows.size());
  rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(skip));
  if (select.limit > 0 && rows.size() > select.limit) rows.resize(select.limit);
}

class SelectRun : public std::enable_shared_from_this<SelectRun> {
 public:
  SelectRun(Store& store, std::shared_ptr<const SelectPlan> plan, std::function<void(Producer)> done)
      : store_(store), plan_(std::move(plan)), select_(plan_->select), done_(std::move(done)) {}

  void Start() {
    if (select_.from >= select_.to || !select_.measurement_matches) return Finish({});
    auto self = shared_from_this();
    if (!select_.tags && !select_.group_by_sensor) {
      all_sensors_ = true;
      return Read();
    }
    if (select_.tags) {
      if (auto named = select_.tags->NamedSensors()) {
        for (std::string& sensor : *named) {
          if (ValidateSensorId(sensor).ok()) sensors_.push_back(std::move(sensor));
        }
        return Read();
      }
    }
    ListSensors(
        store_,
        [self](const SensorSummary& sensor) {
          return (!self->select_.tags || self->select_.tags->Accepts(sensor.sensor_id)) &&
                 sensor.first < self->select_.to && sensor.last >= self->select_.from;
        },
        std::numeric_limits<std::size_t>::max(), kMaxQuerySeries, "narrow the query with a condition on sensorID",
        [self](StatusOr<std::vector<SensorSummary>> sensors) {
          if (!sensors.ok()) return self->Fail(sensors.status());
          for (SensorSummary& sensor : sensors.value()) self->sensors_.push_back(std::move(sensor.sensor_id));
          self->Read();
        });
  }

 private:
  // Aggregates from the rollups; raw readings, and first() and last(), from the readings.
  void Read() {
    if (select_.aggregate && !select_.selectors) return ReadAggregates();
    ReadReadings();
  }

  // ---- aggregates: one store call per sensor (or one for all), each a range or the buckets of a series ----

  void ReadAggregates() {
    std::size_t targets = all_sensors_ ? 1 : sensors_.size();
    aggregates_.resize(targets);
    auto self = shared_from_this();
    auto index = std::make_shared<std::size_t>(0);
    RunSteps(std::make_shared<Step>([self, index, targets](std::function<void()> next) {
      if (*index == targets) return self->RenderAggregates();
      std::size_t i = (*index)++;
      std::optional<std::string> sensor;
      if (!self->all_sensors_) sensor = self->sensors_[i];
      auto store_answer = [self, i, next](StatusOr<std::vector<Aggregate>> spans) {
        if (!spans.ok()) return self->Fail(spans.status());
        self->aggregates_[i] = std::move(spans).value();
        next();
      };
      if (self->select_.interval) {
        self->store_.Series(SeriesQuery{sensor, self->plan_->boundaries}, store_answer);
      } else {
        self->store_.Stats(StatsQuery{sensor, self->select_.from, self->select_.to},
                           [store_answer](StatusOr<Aggregate> total) {
                             if (!total.ok()) return store_answer(total.status());
                             store_answer(std::vector<Aggregate>{*total});
                           });
      }
    }));
  }

  void RenderAggregates() {
    std::vector<SeriesData> series;
    if (select_.group_by_sensor) {
      for (std::size_t i = 0; i < sensors_.size(); ++i) {
        series.push_back(SeriesData{sensors_[i], AggregateRows(*plan_, BucketsOf(aggregates_[i]))});
      }
    } else {
      std::vector<Aggregate> merged = aggregates_.empty() ? std::vector<Aggregate>() : aggregates_[0];
      for (std::size_t i = 1; i < aggregates_.size(); ++i) {
        for (std::size_t b = 0; b < merged.size(); ++b) merged[b].Merge(aggregates_[i][b]);
      }
      if (!merged.empty()) series.push_back(SeriesData{std::nullopt, AggregateRows(*plan_, BucketsOf(merged))});
    }
    Finish(std::move(series));
  }

  // ---- raw readings: pages of each sensor (or of every sensor in one pass), in time order per sensor ----

  // The readings per series that can make the answer: with ORDER BY time (ascending) and LIMIT, a series' first
  // offset + limit are enough; otherwise every one (within the row cap).
  std::size_t EnoughPerSeries() const {
    if (select_.aggregate || select_.descending || select_.limit == 0) return std::numeric_limits<std::size_t>::max();
    return select_.offset + select_.limit;
  }

  void ReadReadings() {
    std::size_t targets = all_sensors_ ? 1 : sensors_.size();
    readings_.resize(targets);
    auto self = shared_from_this();
    auto index = std::make_shared<std::size_t>(0);
    auto query = std::make_shared<ReadingsQuery>();
    auto started = std::make_shared<bool>(false);
    // Readings of the sensor last seen in an every-sensor pass, to skip the rest of it once it has given enough.
    auto sensor_seen = std::make_shared<std::pair<std::string, std::size_t>>();
    RunSteps(std::make_shared<Step>([self, index, query, started, sensor_seen, targets](std::function<void()> next) {
      if (*started && !query->after) ++*index;  // the last page of this target was read
      if (*index == targets) return self->RenderReadings();
      if (!*started || !query->after) {
        *query = ReadingsQuery{};
        if (!self->all_sensors_) query->sensor_id = self->sensors_[*index];
        query->from = self->select_.from;
        query->to = self->select_.to;
        query->limit = std::min(kReadingsPage, self->EnoughPerSeries());
        *started = true;
      }
      std::size_t i = *index;
      self->store_.Readings(*query, [self, i, query, sensor_seen, next](StatusOr<ReadingsPage> page) {
        if (!page.ok()) return self->Fail(page.status());
        std::vector<Reading>& kept = self->readings_[i];
        std::size_t enough = self->EnoughPerSeries();
        for (Reading& reading : page.value().readings) {
          if (reading.sensor_id != sensor_seen->first) *sensor_seen = {reading.sensor_id, 0};
          if (sensor_seen->second == enough) continue;
          ++sensor_seen->second;
          if (++self->rows_read_ > kMaxQueryRows) {
            return self->Fail(
                Status(StatusCode::kResourceExhausted,
                       "the query reads more than " + std::to_string(kMaxQueryRows) + " readings; " +
                           (self->select_.selectors ? "first() and last() read every reading in the range: "
                                                      "narrow the time range"
                                                    : "narrow the time range or add LIMIT")));
          }
          kept.push_back(std::move(reading));
        }
        query->after = std::move(page->next);
        if (query->after && sensor_seen->second == enough) {
          if (!query->sensor_id) {
            query->after = ReadingPosition{sensor_seen->first, kMaxTime};  // on to the next sensor
          } else {
            query->after.reset();  // this sensor has given enough
          }
        }
        next();
      });
    }));
  }

  void RenderReadings() {
    if (select_.selectors) return RenderSelectors();
    std::vector<SeriesData> series;
    if (select_.group_by_sensor) {
      for (std::size_t i = 0; i < sensors_.size(); ++i) {
        series.push_back(SeriesData{sensors_[i], ReadingRows(select_, readings_[i])});
      }
    } else {
      std::vector<Reading> all;
      for (auto& readings : readings_) std::move(readings.begin(), readings.end(), std::back_inserter(all));
      // Every sensor's readings in one series: in time order across sensors, by sensor within an instant (either
      // way round: ORDER BY time DESC reverses the rows after).
      bool descending = select_.descending;
      std::sort(all.begin(), all.end(), [descending](const Reading& a, const Reading& b) {
        if (a.time != b.time) return a.time < b.time;
        return descending ? a.sensor_id > b.sensor_id : a.sensor_id < b.sensor_id;
      });
      series.push_back(SeriesData{std::nullopt, ReadingRows(select_, all)});
    }
    Finish(std::move(series));
  }

  void RenderSelectors() {
    std::vector<SeriesData> series;
    if (select_.group_by_sensor) {
      for (std::size_t i = 0; i < sensors_.size(); ++i) {
        series.push_back(SeriesData{sensors_[i], AggregateRows(*plan_, BucketsOf(*plan_, readings_[i]))});
      }
    } else {
      std::vector<Reading> all;
      for (auto& readings : readings_) std::move(readings.begin(), readings.end(), std::back_inserter(all));
      std::sort(all.begin(), all.end(), [](const Reading& a, const Reading& b) {
        return a.time != b.time ? a.time < b.time : a.sensor_id < b.sensor_id;
      });
      series.push_back(SeriesData{std::nullopt, AggregateRows(*plan_, BucketsOf(*plan_, all))});
    }
    Finish(std::move(series));
  }

  void Fail(const Status& status) { done_(WholeResult(StatementError(plan_->statement_id, status.message()))); }

  // ORDER BY, OFFSET and LIMIT on each series' rows and SOFFSET, SLIMIT on the series, then the answer.
  void Finish(std::vector<SeriesData> series) {
    for (SeriesData& data : series) OrderAndLimit(select_, data.rows);
    std::erase_if(series, [](const SeriesData& data) { return data.rows.empty(); });
    std::size_t skip = std::min(select_.soffset, series.size());
    series.erase(series.begin(), series.begin() + static_cast<std::ptrdiff_t>(skip));
    if (select_.slimit > 0 && series.size() > select_.slimit) series.resize(select_.slimit);
    std::size_t rows = 0;
    for (const SeriesData& data : series) rows += data.rows.size();
    if (series.size() > kMaxQuerySeries || rows > kMaxQueryRows) {
      return Fail(Status(StatusCode::kResourceExhausted,
                         "the answer would hold " + std::to_string(series.size()) + " series of " +
                             std::to_string(rows) + " rows in all; at most " + std::to_string(kMaxQuerySeries) +
                             " series and " + std::to_string(kMaxQueryRows) +
                             " rows are answered: narrow the query or use a longer interval"));
    }
    if (series.empty()) return done_(WholeResult(StatementResult(plan_->statement_id, nullptr)));
    done_(SeriesProducer(plan_, std::move(series)));
  }

  // {"statement_id":n,"series":[...]}, at most kRowsPerPart rows per part.
  static Producer SeriesProducer(std::shared_ptr<const SelectPlan> plan, std::vector<SeriesData> series) {
    struct Progress {
      std::vector<SeriesData> series;
      std::size_t series_index = 0;
      std::size_t row_index = 0;  // within series[series_index]; 0: its header is not written yet
      JsonWriter json;
    };
    auto progress = std::make_shared<Progress>();
    progress->series = std::move(series);
    progress->json.BeginObject().Key("statement_id").Int(plan->statement_id).Key("series").BeginArray();
    return [plan, progress](std::string& out) {
      JsonWriter& json = progress->json;
      for (std::size_t budget = kRowsPerPart; budget > 0 && progress->series_index < progress->series.size();) {
        const SeriesData& data = progress->series[progress->series_index];
        if (progress->row_index == 0) WriteSeriesHeader(json, *plan, data);
        for (; budget > 0 && progress->row_index < data.rows.size(); --budget) {
          WriteRow(json, *plan, data.rows[progress->row_index++]);
        }
        if (progress->row_index == data.rows.size()) {
          json.EndArray().EndObject();
          ++progress->series_index;
          progress->row_index = 0;
        }
      }
      bool complete = progress->series_index == progress->series.size();
      if (complete) json.EndArray().EndObject();
      out += json.TakePiece();
      return complete;
    };
  }

  // A series up to its first row: {"name":..,"tags":{..},"columns":[..],"values":[
  static void WriteSeriesHeader(JsonWriter& json, const SelectPlan& plan, const SeriesData& data) {
    const Select& select = plan.select;
    json.BeginObject().Key("name").String(plan.measurement);
    if (data.sensor || !select.empty_tags.empty()) {
      json.Key("tags").BeginObject();
      if (data.sensor) json.Key(influxql::kSensorTag).String(*data.sensor);
      for (const std::string& tag : select.empty_tags) json.Key(tag).String("");
      json.EndObject();
    }
    json.Key("columns").BeginArray().String("time");
    for (const Column& column : select.columns) json.String(column.name);
    json.EndArray().Key("values").BeginArray();
  }

  static void WriteRow(JsonWriter& json, const SelectPlan& plan, const Row& row) {
    json.BeginArray();
    WriteTime(json, row.time, plan.format);
    for (std::size_t c = 0; c < row.cells.size(); ++c) {
      if (plan.select.columns[c].kind == Column::Kind::kSensorTag) {
        json.String(row.sensor);
      } else {
        WriteCell(json, row.cells[c]);
      }
    }
    json.EndArray();
  }

  Store& store_;
  std::shared_ptr<const SelectPlan> plan_;
  const Select& select_;
  std::function<void(Producer)> done_;
  bool all_sensors_ = false;
  std::vector<std::string> sensors_;
  std::vector<std::vector<Aggregate>> aggregates_;
  std::vector<std::vector<Reading>> readings_;
  std::size_t rows_read_ = 0;
};

// ---- SHOW ----

// SHOW answers from what is stored: a measurement, tag key and field key exist once a reading does (the sensors
// that WHERE accepts, if it is given); tag values are the sensors.
void RunShow(Store& store, std::shared_ptr<const Show> show, int statement_id, const std::string& measurement,
             const std::string& database, std::function<void(Producer)> done) {
  using What = Show::What;
  auto answer = [statement_id, done](std::optional<std::string_view> name, std::vector<std::string_view> columns,
                                     std::vector<std::vector<std::string>> rows) {
    if (rows.empty()) return done(WholeResult(StatementResult(statement_id, nullptr)));
    done(WholeResult(
        StatementResult(statement_id, [&](JsonWriter& json) { WriteNameSeries(json, name, columns, rows); })));
  };
  auto page = [show](std::vector<std::vector<std::string>> rows) {
    std::size_t skip = std::min(show->offset, rows.size());
    rows.erase(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(skip));
    if (show->limit > 0 && rows.size() > show->limit) rows.resize(show->limit);
    return rows;
  };
  if (show->what == What::kDatabases) {
    std::vector<std::vector<std::string>> rows{{"telemetry"}};
    if (!database.empty() && database != "telemetry") rows.push_back({database});
    return answer("databases", {"name"}, std::move(rows));
  }
  if (show->what == What::kRetentionPolicies) {
    // One policy, kept forever: telemetryd has no retention of its own.
    return done(WholeResult(StatementResult(statement_id, [](JsonWriter& json) {
      json.BeginObject().Key("columns").BeginArray();
      for (const char* column : {"name", "duration", "shardGroupDuration", "replicaN", "default"}) json.String(column);
      json.EndArray().Key("values").BeginArray().BeginArray();
      json.String("autogen").String("0s").String("168h0m0s").Int(1).Bool(true);
      json.EndArray().EndArray().EndObject();
    })));
  }
  if (!show->measurement_matches) return answer(std::nullopt, {}, {});
  bool tag_values = show->what == What::kTagValues;
  if (tag_values && !show->tag_key->Accepts(influxql::kSensorTag)) return answer(std::nullopt, {}, {});
  auto keep = [show](const SensorSummary& sensor) {
    return (!show->tags || show->tags->Accepts(sensor.sensor_id)) && sensor.first < show->to &&
           sensor.last >= show->from;
  };
  // Tag values: as many sensors as the answer shows; the others: whether one sensor matches.
  std::size_t enough = !tag_values       ? 1
                       : show->limit > 0 ? show->offset + show->limit
                                         : std::numeric_limits<std::size_t>::max();
  ListSensors(store, keep, enough, kMaxQueryRows, "add LIMIT or a condition on sensorID",
              [show, statement_id, measurement, answer, page, done](StatusOr<std::vector<SensorSummary>> sensors) {
                if (!sensors.ok()) return done(WholeResult(StatementError(statement_id, sensors.status().message())));
                if (sensors->empty()) return answer(std::nullopt, {}, {});
                switch (show->what) {
                  case What::kMeasurements:
                    return answer("measurements", {"name"}, page({{measurement}}));
                  case What::kTagKeys:
                    return answer(measurement, {"tagKey"}, page({{std::string(influxql::kSensorTag)}}));
                  case What::kFieldKeys:
                    return answer(measurement, {"fieldKey", "fieldType"},
                                  page({{std::string(influxql::kValueField), "float"}}));
                  default:
                    break;
                }
                std::vector<std::vector<std::string>> rows;
                for (SensorSummary& sensor : sensors.value()) {
                  rows.push_back({std::string(influxql::kSensorTag), std::move(sensor.sensor_id)});
                }
                answer(measurement, {"key", "value"}, page(std::move(rows)));
              });
}

// ---- The request ----

// The request's parameters: a POST's form body first, then the URL, as InfluxDB reads them.
class QueryParams {
 public:
  explicit QueryParams(const http::Request& request) : request_(request) {
    std::string type(request.Header("Content-Type").value_or(""));
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (request.method != "POST" || !type.starts_with("application/x-www-form-urlencoded")) return;
    std::string_view body = request.body;
    while (!body.empty()) {
      std::size_t amp = body.find('&');
      std::string_view pair = body.substr(0, amp);
      body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
      std::size_t equals = pair.find('=');
      form_.emplace_back(PercentDecode(pair.substr(0, equals), true),
                         equals == std::string_view::npos ? "" : PercentDecode(pair.substr(equals + 1), true));
    }
  }

  std::optional<std::string> Get(std::string_view name) const {
    for (const auto& [key, value] : form_) {
      if (key == name) return value;
    }
    return request_.QueryParam(name);
  }

 private:
  const http::Request& request_;
  std::vector<std::pair<std::string, std::string>> form_;
};

// params={"name":"value",...}: what $name stands for.
StatusOr<influxql::BoundParams> ParseBoundParams(const std::optional<std::string>& text) {
  influxql::BoundParams params;
  if (!text || text->empty()) return params;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(*text).get(object)) {
    return InvalidArgument(R"(params must be a JSON object, such as {"sensor":"107"})");
  }
  for (auto [key, value] : object) {
    std::string name(key);
    if (value.is_string()) {
      params[name] = std::string(value.get_string().value_unsafe());
    } else if (value.is_int64()) {
      params[name] = value.get_int64().value_unsafe();
    } else if (value.is_uint64()) {
      params[name] = static_cast<double>(value.get_uint64().value_unsafe());
    } else if (value.is_double()) {
      params[name] = value.get_double().value_unsafe();
    } else if (value.is_bool()) {
      params[name] = value.get_bool().value_unsafe();
    } else {
      return InvalidArgument("params: " + name.substr(0, 64) + " must be a string, a number or a boolean");
    }
  }
  return params;
}

// The buckets of a GROUP BY time() statement: their starts, and the spans to ask the store for.
Status PlanBuckets(SelectPlan& plan) {
  const Select& select = plan.select;
  const date::time_zone* zone = nullptr;
  if (!select.time_zone.empty()) {
    try {
      zone = date::locate_zone(select.time_zone);
    } catch (const std::runtime_error&) {
      return InvalidArgument("tz: unknown time zone \"" + select.time_zone.substr(0, 64) +
                             "\"; use an IANA name such as Europe/Berlin");
    }
  }
  if (!select.interval || select.from >= select.to) return Status::Ok();
  if (!zone) {
    plan.starts = influxql::BucketStarts(select);
  } else {
    if (select.interval_offset != 0) return InvalidArgument("tz() with an offset in GROUP BY time() is not supported");
    StatusOr<std::vector<TimeNs>> boundaries =
        SeriesBoundaries(select.from, select.to, *select.interval, zone, influxql::kMaxBuckets);
    if (!boundaries.ok()) return boundaries.status();
    plan.starts = std::move(boundaries).value();
    plan.starts.pop_back();
  }
  plan.boundaries = plan.starts;
  plan.boundaries.front() = select.from;
  plan.boundaries.push_back(select.to);
  return Status::Ok();
}

// Runs a statement; calls `done` once with its result.
using StatementRun = std::function<void(std::function<void(Producer)> done)>;

// The answer, {"results":[...]}, a part at a time as the session asks for it (http::BodyStream): the statements run
// one after another, each only once the one before is written, and a large result goes out kRowsPerPart rows at a
// time. So no thread renders a large answer in one go, and it is never whole in memory. Every status is known
// before the first statement runs: a statement that fails reports its error in its result, as InfluxDB does.
class QueryStream final : public http::BodyStream, public std::enable_shared_from_this<QueryStream> {
 public:
  explicit QueryStream(std::vector<StatementRun> runs) : runs_(std::move(runs)) {}

  // Parts are asked for one at a time: no lock needed.
  void Next(std::function<void(http::BodyPiece)> deliver) override {
    http::BodyPiece piece;
    if (!opened_) piece.data = R"({"results":[)";
    opened_ = true;
    if (producer_) return Produce(std::move(piece), deliver);
    if (next_ == runs_.size()) {
      piece.data += "]}\n";
      piece.then = http::BodyPiece::Then::kEnd;
      return deliver(std::move(piece));
    }
    if (next_ > 0) piece.data += ',';
    runs_[next_]([self = shared_from_this(), piece = std::move(piece), deliver](Producer producer) mutable {
      self->producer_ = std::move(producer);
      self->Produce(std::move(piece), deliver);
    });
  }

 private:
  void Produce(http::BodyPiece piece, const std::function<void(http::BodyPiece)>& deliver) {
    if (producer_(piece.data)) {
      producer_ = nullptr;
      ++next_;
    }
    deliver(std::move(piece));
  }

  std::vector<StatementRun> runs_;
  std::size_t next_ = 0;  // the statement whose result comes next
  Producer producer_;     // the result being written, if any
  bool opened_ = false;
};

http::Response QueryError(int status, std::string_view message) {
  return InfluxError(InfluxDialect::kV1, status, message);
}

void Query(Store& store, const Clock& clock, const std::string& measurement, http::Request&& request,
           http::Responder respond) {
  QueryParams params(request);
  std::optional<std::string> text = params.Get("q");
  if (!text || text->empty()) return respond(QueryError(400, "missing required parameter \"q\""));
  TimeFormat format;
  if (auto epoch = params.Get("epoch"); epoch && !epoch->empty()) {
    format.epoch_unit = PrecisionNanos(*epoch);
    if (!format.epoch_unit) return respond(QueryError(400, "invalid epoch; use ns, u, ms, s, m or h"));
  }
  StatusOr<influxql::BoundParams> bound = ParseBoundParams(params.Get("params"));
  if (!bound.ok()) return respond(QueryError(400, "error parsing query parameters: " + bound.status().message()));
  StatusOr<std::vector<influxql::Statement>> statements = influxql::Parse(*text, measurement, *bound, clock());
  if (!statements.ok()) return respond(QueryError(400, "error parsing query: " + statements.status().message()));

  // Each statement, ready to run; the plans of SELECTs checked before any runs.
  std::vector<StatementRun> runs;
  std::string database = params.Get("db").value_or("");
  for (std::size_t i = 0; i < statements->size(); ++i) {
    int id = static_cast<int>(i);
    auto& statement = statements.value()[i];
    if (auto* select = std::get_if<Select>(&statement)) {
      auto plan = std::make_shared<SelectPlan>();
      plan->select = std::move(*select);
      plan->statement_id = id;
      plan->measurement = measurement;
      plan->format = format;
      if (Status planned = PlanBuckets(*plan); !planned.ok()) {
        return respond(QueryError(400, "error parsing query: " + planned.message()));
      }
      runs.push_back([&store, plan = std::shared_ptr<const SelectPlan>(plan)](std::function<void(Producer)> done) {
        std::make_shared<SelectRun>(store, plan, std::move(done))->Start();
      });
    } else {
      auto show = std::make_shared<const Show>(std::move(std::get<Show>(statement)));
      runs.push_back([&store, show, id, measurement, database](std::function<void(Producer)> done) {
        RunShow(store, show, id, measurement, database, std::move(done));
      });
    }
  }
  http::Response response{200, "application/json", "", {}, std::make_shared<QueryStream>(std::move(runs))};
  response.headers.emplace_back("X-Influxdb-Version", kInfluxCompatibleVersion);
  respond(std::move(response));
}

}  // namespace

void AddInfluxQueryApi(http::Router& router, Store& store, Clock clock, std::string measurement) {
  for (const char* method : {"GET", "POST"}) {
    router.Add(method, "/query", [&store, clock, measurement](http::Request&& request, http::Responder respond) {
      Query(store, clock, measurement, std::move(request), std::move(respond));
    });
  }
}

}  // namespace telemetry::api
