#include "api/influxql_select.h"

#include <date/tz.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <limits>
#include <mutex>
#include <variant>

#include "api/extreme_reading.h"
#include "api/influxql_rows.h"
#include "api/store_chain.h"
#include "core/aggregate.h"
#include "core/json_writer.h"
#include "core/reading.h"
#include "core/series_buckets.h"

namespace telemetry::api {
namespace {

using influxql::Column;
using influxql::Function;
using influxql::Select;

constexpr std::size_t kReadingsPage = 10'000;

// Store calls in flight at once for a statement that makes one per sensor: enough to keep the embedded store's two
// reader threads busy and to overlap DynamoDB's round trips, few enough to leave room for everyone else's requests.
constexpr std::size_t kStoreCallsInFlight = 4;

// Rows of a SELECT's answer rendered per part: enough to make a part worth sending, few enough to take ~1 ms.
constexpr std::size_t kRowsPerPart = 10'000;

struct SeriesData {
  std::optional<std::string> sensor;  // the sensorID tag, when grouped by it
  std::vector<Row> rows;
};

void WriteTime(JsonWriter& json, TimeNs time, const TimeFormat& format) {
  if (format.epoch_unit) {
    json.Int(time / *format.epoch_unit);
  } else if (format.zone) {
    date::sys_seconds second{std::chrono::seconds{FloorTo(time, kNanosPerSecond) / kNanosPerSecond}};
    auto offset = static_cast<std::int32_t>(format.zone->get_info(second).offset.count());
    json.String(FormatRfc3339(time, offset));
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

class SelectRun : public std::enable_shared_from_this<SelectRun> {
 public:
  SelectRun(Store& store, std::shared_ptr<const SelectPlan> plan, std::function<void(Producer)> done)
      : store_(store),
        plan_(std::move(plan)),
        select_(plan_->select),
        done_(std::move(done)),
        finds_extreme_(ShowsExtremeReading(select_)) {}

  void Start() {
    if (select_.from >= select_.to || !select_.measurement_matches) return Finish();
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
  // Aggregates from the rollups; raw readings, and the functions of the readings, from the readings — but a
  // statement of first() and last() alone over the whole range from each sensor's first reading in it and its latest.
  void Read() {
    series_.resize(SeriesCount());
    for (std::size_t s = 0; select_.group_by_sensor && s < sensors_.size(); ++s) series_[s].sensor = sensors_[s];
    if (select_.aggregate && !select_.reads_readings) return ReadAggregates();
    if (EndsAndRollupsSuffice()) return ReadEnds();
    ReadReadings();
  }

  // One series per sensor when grouped by it, else one of them all.
  std::size_t SeriesCount() const { return select_.group_by_sensor ? sensors_.size() : 1; }

  // The series a sensor's readings belong to: its place in sensors_ when grouped by sensor, else the only one.
  std::size_t SeriesOf(const std::string& sensor) const {
    if (!select_.group_by_sensor) return 0;
    return static_cast<std::size_t>(std::lower_bound(sensors_.begin(), sensors_.end(), sensor) - sensors_.begin());
  }

  std::size_t BucketCount() const { return select_.interval ? plan_->starts.size() : 1; }

  // What one store call reads: each of sensors_ in turn, or every sensor at once (a single target, no sensor named).
  std::size_t TargetCount() const { return all_sensors_ ? 1 : sensors_.size(); }
  std::optional<std::string> TargetSensor(std::size_t target) const {
    if (all_sensors_) return std::nullopt;
    return sensors_[target];
  }

  // ---- first() and last() over the whole range, beside aggregates of the rollups: each sensor's first reading in
  // the range, its latest, and its rollups' total ----

  // Whether the statement is first() and last() over the whole range, alone or beside rollup aggregates (a table of
  // each sensor's latest reading and its maximum), each a column of its own: then no reading between the ends is read.
  bool EndsAndRollupsSuffice() const {
    return !select_.interval && select_.value_conditions.empty() &&
           std::all_of(select_.columns.begin(), select_.columns.end(), [](const Column& c) {
             if (c.kind == Column::Kind::kSensorTag) return true;  // beside a lone first() or last(): its sensor
             return c.kind == Column::Kind::kAggregate && !c.arithmetic &&
                    (c.call.function == Function::kFirst || c.call.function == Function::kLast ||
                     !influxql::ReadsReadings(c.call.function));
           });
  }

  bool NeedsRollups() const {
    return std::any_of(select_.columns.begin(), select_.columns.end(), [](const Column& c) {
      return c.kind == Column::Kind::kAggregate && !influxql::ReadsReadings(c.call.function);
    });
  }

  // Per sensor, a page of one reading from the start of the range gives its first; its latest reading, which the
  // sensor list knows, is its last in the range when it lies in the range (a range open to the present, as
  // dashboards ask, holds every sensor's). A sensor whose latest is later than the range sends the statement to the
  // readings instead, as does a list of every sensor longer than kMaxQuerySeries.
  void ReadEnds() {
    folding_.assign(SeriesCount(), std::vector<Bucket>(1));
    auto self = shared_from_this();
    ListSensors(
        store_,
        [self](const SensorSummary& sensor) {
          return (self->all_sensors_ ||
                  std::binary_search(self->sensors_.begin(), self->sensors_.end(), sensor.sensor_id)) &&
                 sensor.count > 0 && sensor.first < self->select_.to && sensor.last >= self->select_.from;
        },
        std::numeric_limits<std::size_t>::max(), kMaxQuerySeries, "",
        [self](StatusOr<std::vector<SensorSummary>> sensors) {
          if (!sensors.ok() && sensors.status().code() == StatusCode::kResourceExhausted) return self->ReadReadings();
          if (!sensors.ok()) return self->Fail(sensors.status());
          bool wants_last = std::any_of(self->select_.columns.begin(), self->select_.columns.end(),
                                        [](const Column& c) { return c.call.function == Function::kLast; });
          for (const SensorSummary& sensor : *sensors) {
            if (!wants_last) break;
            if (sensor.last >= self->select_.to) return self->ReadReadings();
            self->Fold(self->SeriesOf(sensor.sensor_id), Reading{sensor.sensor_id, sensor.last, sensor.last_value});
          }
          self->ReadFirsts(std::move(sensors).value());
        });
  }

  // Each listed sensor's first reading in the range, when the statement has first(): a few sensors at a time.
  void ReadFirsts(std::vector<SensorSummary> sensors) {
    bool wants_first = std::any_of(select_.columns.begin(), select_.columns.end(),
                                   [](const Column& c) { return c.call.function == Function::kFirst; });
    if (!wants_first) sensors.clear();
    auto self = shared_from_this();
    auto listed = std::make_shared<std::vector<SensorSummary>>(std::move(sensors));
    auto firsts = std::make_shared<std::vector<std::vector<Reading>>>(listed->size());
    RunConcurrently(
        listed->size(), kStoreCallsInFlight,
        [self, listed, firsts](std::size_t i, std::function<void()> next) {
          if (self->Failed()) return next();
          ReadingsQuery query;
          query.sensor_id = (*listed)[i].sensor_id;
          query.from = self->select_.from;
          query.to = self->select_.to;
          query.limit = 1;
          self->store_.Readings(query, [self, firsts, i, next](StatusOr<ReadingsPage> page) {
            if (!page.ok()) self->RecordFailure(page.status());
            if (page.ok()) (*firsts)[i] = std::move(page.value().readings);
            next();
          });
        },
        [self, firsts] {
          if (self->Failed()) return self->Fail(*self->failure_);
          for (const std::vector<Reading>& first : *firsts) {
            for (const Reading& reading : first) self->Fold(self->SeriesOf(reading.sensor_id), reading);
          }
          if (self->NeedsRollups()) return self->ReadRollupTotals();
          self->FinishFolded();
        });
  }

  // Beside first() and last(), each series' aggregate over the range from the rollups, in place of the folded ends':
  // one store call per sensor (or one for all), a few at a time.
  void ReadRollupTotals() {
    for (std::vector<Bucket>& buckets : folding_) buckets[0].aggregate = Aggregate{};
    std::size_t targets = TargetCount();
    auto self = shared_from_this();
    RunConcurrently(
        targets, kStoreCallsInFlight,
        [self](std::size_t i, std::function<void()> next) {
          if (self->Failed()) return next();
          self->store_.Stats(StatsQuery{self->TargetSensor(i), self->select_.from, self->select_.to},
                             [self, i, next](StatusOr<Aggregate> total) {
                               if (!total.ok()) {
                                 self->RecordFailure(total.status());
                               } else {
                                 std::lock_guard lock(self->answers_mutex_);
                                 self->folding_[self->select_.group_by_sensor ? i : 0][0].aggregate.Merge(*total);
                               }
                               next();
                             });
        },
        [self] { self->FinishFolded(); });
  }

  // With GROUP BY sensorID and SLIMIT, whether the sensors read so far (in sensorID order, as the series are
  // answered) already hold every series the answer shows: the rest need not be read.
  bool SeriesEnough() const {
    return select_.group_by_sensor && select_.slimit > 0 && series_found_ >= select_.soffset + select_.slimit;
  }

  // ---- aggregates: one store call per sensor (or one for all), each a range or the buckets of a series ----

  // A few sensors at a time. Under SLIMIT or SOFFSET, which pick series in sensor order, each sensor's rows wait
  // until the sensors before it have answered (SeriesInOrder), and once those hold every series the answer shows,
  // the rest are not read.
  void ReadAggregates() {
    std::size_t targets = TargetCount();
    merged_.assign(BucketCount(), Aggregate{});
    if (FindsExtreme() && !select_.group_by_sensor) target_totals_.assign(targets, Aggregate{});
    bool in_order = select_.group_by_sensor && (select_.slimit > 0 || select_.soffset > 0);
    if (in_order) in_order_.emplace(targets);
    auto self = shared_from_this();
    RunConcurrently(
        targets, kStoreCallsInFlight,
        [self](std::size_t i, std::function<void()> next) {
          if (self->Failed() || self->SeriesEnough()) return next();
          std::optional<std::string> sensor = self->TargetSensor(i);
          auto store_answer = [self, i, next](StatusOr<std::vector<Aggregate>> spans) {
            if (!spans.ok()) {
              self->RecordFailure(spans.status());
              return next();
            }
            std::vector<Bucket> buckets = BucketsOf(*spans);
            if (!self->FindsExtreme() || !self->select_.group_by_sensor || buckets[0].aggregate.count == 0) {
              self->TakeAggregates(i, std::move(buckets));
              return next();
            }
            Aggregate total = buckets[0].aggregate;
            self->FindExtreme(i, total, [self, i, next, buckets](std::optional<Reading> found) mutable {
              buckets[0].extreme = std::move(found);
              self->TakeAggregates(i, std::move(buckets));
              next();
            });
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
        },
        [self] {
          if (self->select_.group_by_sensor || self->Failed()) return self->Finish();
          if (self->FindsExtreme() && self->merged_[0].count > 0) return self->FindMergedExtreme();
          self->KeepRows(0, AggregateRows(self->select_, self->plan_->starts, BucketsOf(self->merged_)));
          self->Finish();
        });
  }

  // A target's aggregates: its series' rows when grouped by sensor (in sensor order under SLIMIT or SOFFSET), else
  // summed into the one series of them all.
  void TakeAggregates(std::size_t target, std::vector<Bucket> buckets) {
    if (in_order_) {
      in_order_->Answered(target, AggregateRows(select_, plan_->starts, buckets),
                          [this](std::size_t s, std::vector<Row> rows) { KeepRows(s, std::move(rows)); });
    } else if (select_.group_by_sensor) {
      KeepRows(target, AggregateRows(select_, plan_->starts, buckets));
    } else {
      std::lock_guard lock(answers_mutex_);
      for (std::size_t b = 0; b < merged_.size(); ++b) merged_[b].Merge(buckets[b].aggregate);
      if (!target_totals_.empty()) target_totals_[target] = buckets[0].aggregate;
    }
  }

  // ---- a lone min() or max() from the rollups: the reading holding it, found afterwards, dates the row and names
  // its sensor ----

  bool FindsExtreme() const { return finds_extreme_; }

  // Whether the statement is a lone min() or max() whose reading the answer shows: it dates the row (no GROUP BY
  // time()), or sensorID beside it names its sensor.
  static bool ShowsExtremeReading(const Select& select) {
    if (!select.lone_selector) return false;
    Function function = select.lone_selector->function;
    if (function != Function::kMin && function != Function::kMax) return false;
    return !select.interval || std::any_of(select.columns.begin(), select.columns.end(),
                                           [](const Column& c) { return c.kind == Column::Kind::kSensorTag; });
  }

  bool Greatest() const { return select_.lone_selector->function == Function::kMax; }

  // The reading holding a target's min or max over the range (none when a write under way hid it: the row is then
  // dated by the range, as any aggregate's); a store failure fails the statement.
  void FindExtreme(std::size_t target, const Aggregate& total, std::function<void(std::optional<Reading>)> done) {
    auto self = shared_from_this();
    FindExtremeReading(store_, ExtremeQuery{TargetSensor(target), select_.from, select_.to, Greatest(), total},
                       [self, done](StatusOr<std::optional<Reading>> found) {
                         if (!found.ok()) self->RecordFailure(found.status());
                         done(found.ok() ? std::move(found).value() : std::nullopt);
                       });
  }

  // Several sensors summed into one series: the reading is looked for in those whose own total reaches the
  // series' min or max, and the earliest of them (then the first sensor) dates the row.
  void FindMergedExtreme() {
    auto candidates = std::make_shared<std::vector<std::size_t>>();
    double value = ExtremeOf(merged_[0], Greatest());
    for (std::size_t t = 0; t < target_totals_.size(); ++t) {
      const Aggregate& total = target_totals_[t];
      if (total.count > 0 && ExtremeOf(total, Greatest()) == value) candidates->push_back(t);
    }
    auto self = shared_from_this();
    RunConcurrently(
        candidates->size(), kStoreCallsInFlight,
        [self, candidates](std::size_t i, std::function<void()> next) {
          if (self->Failed()) return next();
          std::size_t target = (*candidates)[i];
          self->FindExtreme(target, self->target_totals_[target], [self, next](std::optional<Reading> found) {
            std::lock_guard lock(self->answers_mutex_);
            if (found &&
                (!self->merged_extreme_ || RanksBefore(*self->select_.lone_selector, *found, *self->merged_extreme_))) {
              self->merged_extreme_ = std::move(found);
            }
            next();
          });
        },
        [self] {
          std::vector<Bucket> buckets = BucketsOf(self->merged_);
          buckets[0].extreme = self->merged_extreme_;
          if (!self->Failed()) self->KeepRows(0, AggregateRows(self->select_, self->plan_->starts, buckets));
          self->Finish();
        });
  }

  // Series answered out of order, each held until every sensor before it has answered, then given to KeepRows in
  // sensor order: SLIMIT and SOFFSET rank them as they come, and no more than the calls in flight wait here.
  struct SeriesInOrder {
    explicit SeriesInOrder(std::size_t count) : rows(count), answered(count, false) {}

    void Answered(std::size_t i, std::vector<Row> series_rows,
                  const std::function<void(std::size_t, std::vector<Row>)>& keep) {
      std::lock_guard lock(mutex);
      rows[i] = std::move(series_rows);
      answered[i] = true;
      for (; next < answered.size() && answered[next]; ++next) keep(next, std::move(rows[next]));
    }

    std::mutex mutex;
    std::vector<std::vector<Row>> rows;
    std::vector<bool> answered;
    std::size_t next = 0;  // the first sensor not given to KeepRows yet
  };

  // ---- raw readings, and the readings folded into buckets for their functions (first, last, median...) ----

  // The readings per series that can make the answer: with LIMIT, a series' first offset + limit in the order asked
  // for (raw readings are read newest first under ORDER BY time DESC); otherwise every one (within the caps).
  std::size_t EnoughPerSeries() const {
    // A transformation of the readings needs all of them before it: how many make N rows is known only after.
    if (select_.aggregate || select_.transforms_readings || select_.limit == 0) {
      return std::numeric_limits<std::size_t>::max();
    }
    return select_.offset + select_.limit;
  }

  // The most readings a statement reads: raw ones are answered (kMaxQueryRows), unless a condition on the value
  // leaves some out; folded ones only cost the time to read them, and for median, percentile and stddev 16 bytes each
  // (SelectPlan::max_readings_folded).
  std::size_t MaxReadingsRead() const {
    return select_.aggregate || !select_.value_conditions.empty() ? plan_->max_readings_folded : kMaxQueryRows;
  }

  bool ValueAccepted(double value) const {
    return std::all_of(select_.value_conditions.begin(), select_.value_conditions.end(),
                       [value](const influxql::ValueCondition& condition) { return condition.Accepts(value); });
  }

  // Every target's readings, a page at a time in time order per sensor (raw ones under ORDER BY time DESC newest
  // first, so that LIMIT reads no more than it shows): a few sensors at a time, or, under SLIMIT or SOFFSET (which
  // pick series in sensor order and stop the reading once the window is full), one after another.
  // Raw readings are kept as they come; for functions of the readings they are folded into the buckets of their
  // series, which become rows as soon as the series is complete (a sensor's last page when grouped by sensor, else
  // the end).
  void ReadReadings() {
    // From scratch, also after ReadEnds gave up.
    readings_.assign(select_.aggregate ? 0 : TargetCount(), {});
    folding_.assign(SeriesCount(), {});
    rows_read_ = 0;
    readings_kept_ = 0;
    readings_ranked_ = 0;
    bool in_turn = select_.slimit > 0 || select_.soffset > 0;
    auto self = shared_from_this();
    RunConcurrently(
        TargetCount(), in_turn ? 1 : kStoreCallsInFlight,
        [self](std::size_t target, std::function<void()> next) {
          if (self->Failed() || self->SeriesEnough()) return next();
          self->ReadTarget(target, std::move(next));
        },
        [self] {
          if (self->Failed()) return self->Fail(*self->failure_);
          self->select_.aggregate ? self->FinishFolded() : self->FinishReadings();
        });
  }

  // One target's readings, page after page, then `done`. `seen` is the sensor last seen and how many of its readings
  // were taken, so that an every-sensor pass skips the rest of a sensor once it has given enough.
  void ReadTarget(std::size_t target, std::function<void()> done) {
    auto query = std::make_shared<ReadingsQuery>();
    query->sensor_id = TargetSensor(target);
    query->from = select_.from;
    query->to = select_.to;
    query->limit = std::min(kReadingsPage, EnoughPerSeries());
    query->newest_first = !select_.aggregate && select_.descending;
    auto seen = std::make_shared<std::pair<std::string, std::size_t>>();
    auto self = shared_from_this();
    RunSteps(std::make_shared<Step>([self, target, query, seen, done](std::function<void()> next) {
      self->store_.Readings(*query, [self, target, query, seen, done, next](StatusOr<ReadingsPage> page) {
        Status taken = page.ok() ? self->TakePage(target, page.value().readings, *seen) : page.status();
        if (!taken.ok()) {
          self->RecordFailure(taken);
          return done();
        }
        query->after = std::move(page->next);
        if (query->after && seen->second == self->EnoughPerSeries()) {
          if (!query->sensor_id) {
            query->after = PastEveryReadingOf(*query, seen->first);  // on to the next sensor
          } else {
            query->after.reset();  // this sensor has given enough
          }
        }
        if (query->after && !self->Failed()) return next();
        if (!query->after) self->TargetRead(target);
        done();
      });
    }));
  }

  // Takes a page of a target's readings: each within its series' share is counted against the caps and, if its
  // value passes the conditions, folded or kept. Targets read side by side fold into one series unless grouped by
  // sensor, hence the lock then.
  Status TakePage(std::size_t target, std::vector<Reading>& readings, std::pair<std::string, std::size_t>& seen) {
    std::size_t enough = EnoughPerSeries();
    std::size_t read = 0;
    std::size_t kept = 0;
    std::unique_lock lock(answers_mutex_, std::defer_lock);
    if (select_.aggregate && !select_.group_by_sensor) lock.lock();
    for (Reading& reading : readings) {
      if (reading.sensor_id != seen.first) seen = {reading.sensor_id, 0};
      if (seen.second == enough) continue;
      ++read;
      if (!ValueAccepted(reading.value)) continue;
      ++seen.second;
      if (select_.aggregate) {
        Fold(SeriesOf(reading.sensor_id), reading);
      } else {
        readings_[target].push_back(std::move(reading));
        ++kept;
      }
    }
    if ((rows_read_ += read) > MaxReadingsRead()) return TooManyReadings();
    if (readings_ranked_ > kMaxQueryRows) return TooManyRows();
    if ((readings_kept_ += kept) > kMaxQueryRows)
      return select_.transforms_readings ? TooManyTransformed() : TooManyRows();
    return Status::Ok();
  }

  Status TooManyReadings() const {
    return Status(StatusCode::kResourceExhausted,
                  "the query reads more than " + std::to_string(MaxReadingsRead()) + " readings; " +
                      (select_.aggregate ? "first(), last(), median(), percentile(), stddev(), mode(), top(), "
                                           "bottom(), integral() and distinct() read every reading in the range: "
                                           "narrow the time range or the sensors"
                       : select_.transforms_readings ? TransformsReadEvery()
                                                     : "narrow the time range or add LIMIT"));
  }

  // A transformation of the readings reads and keeps every reading of its range, whatever LIMIT says.
  static std::string TransformsReadEvery() {
    return "transformations of the readings read every reading in the range: narrow the time range or the sensors";
  }

  static Status TooManyTransformed() {
    return Status(StatusCode::kResourceExhausted,
                  "the query keeps more than " + std::to_string(kMaxQueryRows) + " readings; " + TransformsReadEvery());
  }

  // A target (a sensor, or every sensor) has given its last reading: as raw readings it is one more series found;
  // folded, when it is a series of its own, its rows are made and its buckets freed.
  void TargetRead(std::size_t target) {
    if (!select_.aggregate) {
      // Read newest first under ORDER BY time DESC: in time order again, as rows are made (and reversed) from.
      if (select_.descending) std::reverse(readings_[target].begin(), readings_[target].end());
      series_found_ += readings_[target].empty() ? 0 : 1;
    } else if (select_.group_by_sensor) {
      KeepRows(target, RowsOfFolded(folding_[target]));
      folding_[target] = {};
    }
  }

  // Adds a reading to its bucket in `series`: the aggregate, the first and the last reading (FirstPicks, LastPicks),
  // the min or max reading when the answer shows it, and its value or point when the statement keeps them.
  void Fold(std::size_t series, const Reading& reading) {
    std::vector<Bucket>& buckets = folding_[series];
    if (buckets.empty()) buckets.resize(BucketCount());
    std::size_t b = 0;
    if (select_.interval) {
      const std::vector<TimeNs>& starts = plan_->starts;
      b = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), reading.time) - starts.begin()) - 1;
    }
    Bucket& bucket = buckets[b];
    if (bucket.aggregate.count == 0 || FirstPicks(reading, bucket.first)) bucket.first = reading;
    if (bucket.aggregate.count == 0 || LastPicks(reading, bucket.last)) bucket.last = reading;
    if (FindsExtreme() && (!bucket.extreme || RanksBefore(*select_.lone_selector, reading, *bucket.extreme))) {
      bucket.extreme = reading;
    }
    bucket.aggregate.Add(reading.value);
    if (select_.keeps_values) bucket.values.push_back(ValueAt{reading.value, reading.time});
    if (select_.integrates) bucket.points.push_back(TimedValue{reading.time, reading.value, RankOf(reading)});
    if (select_.ranked && bucket.ranked.Offer(*select_.ranked, reading)) ++readings_ranked_;
  }

  // A reading's order among those of its instant, for integral(): its sensor's place in the sensor list; reading
  // every sensor at once, the order it came in, which is sensor by sensor (Fold() is then called under a lock, or from
  // one chain of pages).
  std::uint64_t RankOf(const Reading& reading) {
    if (all_sensors_) return arrivals_++;
    return static_cast<std::uint64_t>(std::lower_bound(sensors_.begin(), sensors_.end(), reading.sensor_id) -
                                      sensors_.begin());
  }

  // A series' folded buckets as rows: each bucket's values in order first, for median and percentile, and its
  // integral() from its readings and the next bucket's.
  std::vector<Row> RowsOfFolded(std::vector<Bucket>& buckets) const {
    for (Bucket& bucket : buckets) std::sort(bucket.values.begin(), bucket.values.end());
    if (select_.integrates) Integrate(select_, plan_->starts, buckets);
    return AggregateRows(select_, plan_->starts, buckets);
  }

  // The series still folding (every one read by ReadEnds, or the single series of every sensor) as rows.
  void FinishFolded() {
    for (std::size_t s = 0; s < folding_.size(); ++s) KeepRows(s, RowsOfFolded(folding_[s]));
    folding_.clear();
    Finish();
  }

  // Raw readings as rows: a series per sensor, or every sensor's in one series, in time order across sensors and by
  // sensor within an instant; ORDER BY time DESC reverses the rows after, the sensors within an instant too, as
  // InfluxDB orders them.
  void FinishReadings() {
    series_found_ = 0;  // counted while reading for SLIMIT's early stop; KeepRows counts them again, in order
    if (select_.group_by_sensor) {
      for (std::size_t i = 0; i < sensors_.size(); ++i) KeepRows(i, ReadingRows(select_, readings_[i]));
    } else {
      std::vector<Reading> all;
      for (auto& readings : readings_) std::move(readings.begin(), readings.end(), std::back_inserter(all));
      std::sort(all.begin(), all.end(), EarlierReading);
      KeepRows(0, ReadingRows(select_, all));
    }
    readings_.clear();
    Finish();
  }

  // A series' rows, as soon as they are made: ordered and cut by ORDER BY, OFFSET and LIMIT; kept when the series
  // is within SOFFSET and SLIMIT (series are made in sensor order whenever these are given); counted against
  // kMaxQueryRows, which fails the statement as soon as it is passed, before more is read or made.
  void KeepRows(std::size_t series, std::vector<Row> rows) {
    OrderAndLimit(select_, rows);
    if (rows.empty()) return;
    std::size_t rank = series_found_++;
    if (rank < select_.soffset || (select_.slimit > 0 && rank >= select_.soffset + select_.slimit)) return;
    if ((rows_kept_ += rows.size()) > kMaxQueryRows) return RecordFailure(TooManyRows());
    series_[series].rows = std::move(rows);
  }

  static Status TooManyRows() {
    return Status(StatusCode::kResourceExhausted,
                  "the answer would hold more than " + std::to_string(kMaxQueryRows) + " rows; at most " +
                      std::to_string(kMaxQueryRows) +
                      " are answered: narrow the query, use a longer interval or add LIMIT or SLIMIT");
  }

  void Fail(const Status& status) { done_(WholeResult(StatementError(plan_->statement_id, status.message()))); }

  // A failure while several store calls are in flight, or while rows are made: the first is the statement's error,
  // reported once every call has answered; the calls not yet made are skipped.
  void RecordFailure(const Status& status) {
    std::lock_guard lock(failure_mutex_);
    if (!failure_) failure_ = status;
    failed_ = true;
  }
  bool Failed() const { return failed_; }

  // The answer: the series that have rows.
  void Finish() {
    if (Failed()) return Fail(*failure_);
    std::erase_if(series_, [](const SeriesData& data) { return data.rows.empty(); });
    // Per sensor under ORDER BY time DESC, the last sensor's series first, as InfluxDB orders them (and as it does,
    // SOFFSET and SLIMIT pick them in sensor order before that).
    if (select_.group_by_sensor && select_.descending) std::reverse(series_.begin(), series_.end());
    if (series_.size() > kMaxQuerySeries) {
      return Fail(Status(StatusCode::kResourceExhausted, "the answer would hold " + std::to_string(series_.size()) +
                                                             " series; at most " + std::to_string(kMaxQuerySeries) +
                                                             " are answered: narrow the query or add SLIMIT"));
    }
    if (series_.empty()) return done_(WholeResult(StatementResult(plan_->statement_id, nullptr)));
    done_(SeriesProducer(plan_, std::move(series_)));
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
        if (!row.sensor.empty()) {
          json.String(row.sensor);
        } else {
          WriteCell(json, row.cells[c]);  // an empty bucket's (no sensor id is empty)
        }
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
  // The reading holding a lone min() or max() is looked for (ShowsExtremeReading): the rollups' answer searched
  // (FindExtremeReading), or readings folded into buckets kept (Bucket::extreme). Never with GROUP BY time() and
  // the rollups: the parser has those statements read the readings.
  const bool finds_extreme_;
  bool all_sensors_ = false;
  std::vector<std::string> sensors_;            // in id order; empty when all_sensors_
  std::vector<SeriesData> series_;              // the answer's, in sensor order, rows filled as each is made
  // For what concurrent store answers add to alike: merged_, folding_'s rollup totals, and folding_[0] when sensors
  // read side by side fold into one series.
  std::mutex answers_mutex_;
  std::vector<Aggregate> merged_;               // every sensor's aggregates summed, when not grouped by sensor
  std::vector<Aggregate> target_totals_;        // each target's, summed into merged_, when FindsExtreme()
  std::optional<Reading> merged_extreme_;       // the reading holding merged_'s min or max, when FindsExtreme()
  std::vector<std::vector<Reading>> readings_;  // raw readings per target, each written by its own reads only
  std::vector<std::vector<Bucket>> folding_;    // per series, the buckets readings are folded into
  std::optional<SeriesInOrder> in_order_;       // aggregates under SLIMIT or SOFFSET
  std::uint64_t arrivals_ = 0;                  // readings folded so far, reading every sensor at once (RankOf)
  std::atomic<std::size_t> rows_read_ = 0;
  std::atomic<std::size_t> readings_kept_ = 0;    // raw readings, which become rows
  std::atomic<std::size_t> readings_ranked_ = 0;  // readings top() or bottom() holds, which become rows
  std::atomic<std::size_t> rows_kept_ = 0;
  std::atomic<std::size_t> series_found_ = 0;  // series made so far that have rows
  std::mutex failure_mutex_;
  std::optional<Status> failure_;
  std::atomic<bool> failed_ = false;
};

}  // namespace

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
  plan.format.zone = zone;
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

void RunSelect(Store& store, std::shared_ptr<const SelectPlan> plan, std::function<void(Producer)> done) {
  std::make_shared<SelectRun>(store, std::move(plan), std::move(done))->Start();
}

}  // namespace telemetry::api
