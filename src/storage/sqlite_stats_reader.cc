#include "storage/sqlite_stats_reader.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "core/rollup.h"
#include "storage/readings_page.h"
#include "storage/sqlite_schema.h"
#include "storage/uncommitted_readings.h"

namespace telemetry {
namespace {

// A range's B-tree pages (root to leaves of the rollups and readings it reads) and then some.
constexpr int kReaderCacheKiB = 8192;

// A snapshot older than the uncommitted readings at hand: a commit came between the two.
struct SnapshotTooOld : std::runtime_error {
  SnapshotTooOld() : std::runtime_error("the snapshot is older than the uncommitted readings") {}
};
// Snapshots a read takes before giving up: each new one holds the commit that made the last one too old, so a
// second is too old only when another commit came within the read.
constexpr int kMostSnapshots = 8;

}  // namespace

SqliteStatsReader::SqliteStatsReader(const std::string& database_path, const UncommittedReadings* uncommitted)
    : db_(database_path, SqliteDatabase::Mode::kReadOnly), uncommitted_(uncommitted) {
  // Pages are read into a small cache of the connection's own, not mapped as the writer's connections map them:
  // on the machines measured here, a process that has touched a few hundred megabytes of memory answers every
  // request with millisecond p99s (the readers mapping a 10-million-reading store took `GET /api` at one
  // connection from p99 ~0.1 to ~2 ms), and reading without the map costs ranges nothing at p50
  // (docs/performance.md). A miss is a read from the operating system's page cache.
  db_.Execute("PRAGMA cache_size = -" + std::to_string(kReaderCacheKiB));
  begin_ = db_.Prepare("BEGIN");
  end_ = db_.Prepare("COMMIT");
  sensor_id_ = db_.Prepare("SELECT id FROM sensors WHERE name = ?1");
  sum_rollups_ = db_.Prepare(
      "SELECT count, sum, sum_error, min, max, bucket FROM rollups "
      "WHERE series = ?1 AND level = ?2 AND bucket >= ?3 AND bucket < ?4");
  raw_of_sensor_ = db_.Prepare(
      "SELECT value, time_ns FROM readings WHERE sensor_id = ?1 AND time_ns >= ?2 AND time_ns < ?3");
  log_position_ = db_.Prepare("SELECT segment, offset FROM log_position WHERE id = 0");
  // A sensor exists once its first reading is stored; its total rollup is written in the same transaction.
  sensor_page_ = db_.Prepare(
      "SELECT s.id, s.name, r.count FROM sensors s JOIN rollups r ON r.series = s.id AND r.level = " +
      std::to_string(kTotalLevel) + " AND r.bucket = 0 WHERE s.name > ?1 ORDER BY s.name LIMIT ?2");
  sensor_names_ = db_.Prepare("SELECT name FROM sensors WHERE name > ?1 ORDER BY name LIMIT ?2");
  readings_page_ = db_.Prepare(
      "SELECT time_ns, value FROM readings WHERE sensor_id = ?1 AND time_ns >= ?2 AND time_ns < ?3 "
      "ORDER BY time_ns LIMIT ?4");
  latest_readings_page_ = db_.Prepare(
      "SELECT time_ns, value FROM readings WHERE sensor_id = ?1 AND time_ns >= ?2 AND time_ns < ?3 "
      "ORDER BY time_ns DESC LIMIT ?4");
  first_reading_ = db_.Prepare("SELECT time_ns FROM readings WHERE sensor_id = ?1 ORDER BY time_ns LIMIT 1");
  last_reading_ =
      db_.Prepare("SELECT time_ns, value FROM readings WHERE sensor_id = ?1 ORDER BY time_ns DESC LIMIT 1");
}

template <typename Fn>
auto SqliteStatsReader::InSnapshot(Fn fn) {
  ReleaseSnapshot();  // one TryQueryAt held may be older than this read must see
  struct EndRead {
    SqliteStatement& end;
    std::optional<LogPosition>& position;
    ~EndRead() {
      position.reset();
      try {
        end.Run();
      } catch (const std::exception&) {
        // The next BEGIN fails and reports it.
      }
    }
  };
  for (int snapshots = 1;; ++snapshots) {
    begin_.Run();
    EndRead end_read{end_, snapshot_position_};
    try {
      return fn();
    } catch (const SnapshotTooOld&) {
      if (snapshots == kMostSnapshots) throw;
    }
  }
}

std::vector<Aggregate> SqliteStatsReader::Query(const SeriesQuery& query) {
  return *InSnapshot([&] { return QueryInSnapshot(query, std::numeric_limits<std::size_t>::max()); });
}

std::optional<std::vector<Aggregate>> SqliteStatsReader::TryQueryAt(std::uint64_t version, const SeriesQuery& query,
                                                                    std::size_t row_budget) {
  if (held_version_ != version) {
    ReleaseSnapshot();
    begin_.Run();  // deferred: the snapshot is taken by the first read below, after `version` was read
    held_version_ = version;
  }
  try {
    return QueryInSnapshot(query, row_budget);
  } catch (const std::exception&) {
    ReleaseSnapshot();
    throw;
  }
}

void SqliteStatsReader::ReleaseSnapshot() noexcept {
  if (!held_version_) return;
  held_version_.reset();
  snapshot_position_.reset();
  try {
    end_.Run();
  } catch (const std::exception&) {
    // The next BEGIN fails and reports it.
  }
}

std::vector<SensorSummary> SqliteStatsReader::Sensors(const SensorsQuery& query) {
  return InSnapshot([&] { return SensorsInSnapshot(query); });
}

std::vector<SensorSummary> SqliteStatsReader::SensorsInSnapshot(const SensorsQuery& query) {
  struct Listed {
    SensorSummary summary;
    std::int64_t id;
    bool committed;  // known to the snapshot
  };
  std::vector<Listed> listed;
  sensor_page_.Bind(1, query.after).Bind(2, static_cast<std::int64_t>(query.limit));
  while (sensor_page_.Step()) {
    listed.push_back({SensorSummary{std::string(sensor_page_.ColumnText(1)), sensor_page_.ColumnInt(2), 0, 0, 0},
                      sensor_page_.ColumnInt(0), true});
  }
  sensor_page_.Reset();
  std::unordered_map<std::int64_t, UncommittedReadings::SensorActivity> activity;
  if (uncommitted_ != nullptr) {
    std::vector<std::pair<std::int64_t, std::string>> unknown;
    if (!uncommitted_->SensorsSince(SnapshotPosition(), activity, unknown)) throw SnapshotTooOld();
    // The page is the first `limit` names after `after` of both: SQLite's order (BINARY) is std::string's.
    for (auto& [id, name] : unknown) {
      if (name > query.after) listed.push_back({SensorSummary{std::move(name), 0, 0, 0, 0}, id, false});
    }
    std::sort(listed.begin(), listed.end(),
              [](const Listed& a, const Listed& b) { return a.summary.sensor_id < b.summary.sensor_id; });
    if (listed.size() > query.limit) listed.resize(query.limit);
  }
  std::vector<SensorSummary> page;
  page.reserve(listed.size());
  for (Listed& sensor : listed) {
    SensorSummary& summary = sensor.summary;
    if (sensor.committed) {
      first_reading_.Bind(1, sensor.id);
      if (first_reading_.Step()) summary.first = first_reading_.ColumnInt(0);
      first_reading_.Reset();
      last_reading_.Bind(1, sensor.id);
      if (last_reading_.Step()) {
        summary.last = last_reading_.ColumnInt(0);
        summary.last_value = last_reading_.ColumnDouble(1);
      }
      last_reading_.Reset();
    }
    if (auto found = activity.find(sensor.id); found != activity.end()) {
      UncommittedReadings::SensorActivity seen;  // none yet for a sensor the snapshot does not know
      if (sensor.committed) seen = {summary.count, summary.first, summary.last, summary.last_value};
      seen.Merge(found->second);
      summary.count = seen.count;
      summary.first = seen.first;
      summary.last = seen.last;
      summary.last_value = seen.last_value;
    }
    page.push_back(std::move(summary));
  }
  return page;
}

ReadingsPage SqliteStatsReader::Readings(const ReadingsQuery& query) {
  ReadingsSource source;
  source.sensors_after = [this](const std::string& after, std::size_t limit) {
    std::vector<std::string> sensors;
    sensor_names_.Bind(1, after).Bind(2, static_cast<std::int64_t>(limit));
    while (sensor_names_.Step()) sensors.emplace_back(sensor_names_.ColumnText(0));
    sensor_names_.Reset();
    return StatusOr<std::vector<std::string>>(std::move(sensors));
  };
  source.readings_of = [this](const std::string& sensor, TimeNs from, TimeNs to, std::size_t limit, bool newest_first) {
    std::vector<Reading> readings;
    sensor_id_.Bind(1, sensor);
    bool known = sensor_id_.Step();
    std::int64_t id = known ? sensor_id_.ColumnInt(0) : -1;
    sensor_id_.Reset();
    if (!known) return StatusOr<std::vector<Reading>>(std::move(readings));
    SqliteStatement& page = newest_first ? latest_readings_page_ : readings_page_;
    page.Bind(1, id).Bind(2, from).Bind(3, to).Bind(4, static_cast<std::int64_t>(limit));
    while (page.Step()) readings.push_back(Reading{sensor, page.ColumnInt(0), page.ColumnDouble(1)});
    page.Reset();
    return StatusOr<std::vector<Reading>>(std::move(readings));
  };
  // One snapshot for the page: the sensors it looks at and their readings are of one commit. (The lookups report
  // errors by throwing, as every read here does.)
  StatusOr<ReadingsPage> page =
      InSnapshot([&] { return GatherReadingsPage(query, kMostSensorsPerReadingsPage, source); });
  if (!page.ok()) throw std::runtime_error(page.status().message());
  return std::move(*page);
}

std::optional<std::vector<Aggregate>> SqliteStatsReader::QueryInSnapshot(const SeriesQuery& query,
                                                                         std::size_t row_budget) {
  std::int64_t series = kAllSensors;
  if (query.sensor_id) {
    sensor_id_.Bind(1, *query.sensor_id);
    bool known = sensor_id_.Step();
    series = known ? sensor_id_.ColumnInt(0) : UncommittedReadings::kNotInSnapshot;
    sensor_id_.Reset();
    if (!known) {
      std::vector<Aggregate> result(query.boundaries.size() - 1);
      AddUncommitted(query, series, result);
      return result;
    }
  }
  const std::vector<TimeNs>& boundaries = query.boundaries;
  RangePlan plan = PlanSeries(boundaries, FinestLevel(series));
  if (MostBucketRows(plan) > row_budget) return std::nullopt;  // known without reading
  if (plan.whole_series) plan.buckets.push_back({kTotalLevel, 0, 1});
  // Every loop below stops once the budget is spent: the raw edges' readings are known only by reading them.
  std::size_t rows_left = row_budget;
  auto take_row = [&] { return rows_left > 0 && (--rows_left, true); };

  // Rows land in the span holding their bucket's start or their time (the total's only span: 0).
  std::vector<Aggregate> result(boundaries.size() - 1);
  auto span_of = [&](TimeNs time) { return plan.whole_series ? 0 : SpanIndex(boundaries, time); };
  auto merge_raw = [&](TimeNs from, TimeNs to) {
    raw_of_sensor_.Bind(1, series).Bind(2, from).Bind(3, to);
    while (take_row() && raw_of_sensor_.Step()) {
      result[span_of(raw_of_sensor_.ColumnInt(1))].Add(raw_of_sensor_.ColumnDouble(0));
    }
    raw_of_sensor_.Reset();
  };
  auto merge_buckets = [&](int level, TimeNs first_start, TimeNs end_start) {
    // On a sparse level a bucket without a row holds at most one reading: each run of such buckets between the rows
    // is read from the readings table, so the work stays bounded by the number of buckets.
    bool sparse = IsSparseLevel(series, level);
    TimeNs accounted_to = first_start;  // every bucket before it is in the result
    sum_rollups_.Bind(1, series).Bind(2, std::int64_t{level}).Bind(3, first_start).Bind(4, end_start);
    while (take_row() && sum_rollups_.Step()) {
      TimeNs bucket = sum_rollups_.ColumnInt(5);
      if (sparse && bucket > accounted_to) merge_raw(accounted_to, bucket);
      result[span_of(bucket)].Merge(Aggregate{sum_rollups_.ColumnInt(0), sum_rollups_.ColumnDouble(1),
                                              sum_rollups_.ColumnDouble(2), sum_rollups_.ColumnDouble(3),
                                              sum_rollups_.ColumnDouble(4)});
      if (sparse) {
        TimeNs width = kRollupWidths[static_cast<std::size_t>(level)];
        accounted_to = bucket > kMaxTime - width ? kMaxTime : bucket + width;
      }
    }
    sum_rollups_.Reset();
    if (sparse && end_start > accounted_to) merge_raw(accounted_to, end_start);
  };
  for (const BucketSpan& span : plan.buckets) merge_buckets(span.level, span.first_start, span.end_start);
  for (const TimeSpan& span : plan.raw) {
    if (query.sensor_id) {
      merge_raw(span.from, span.to);
    } else {
      // All sensors' raw edges: the instant level holds them exactly, one row per distinct time.
      merge_buckets(kInstantLevel, span.from, span.to);
    }
  }
  if (rows_left == 0) return std::nullopt;  // perhaps spent on the last row: unknown whether more followed
  AddUncommitted(query, series, result);
  return result;
}

LogPosition SqliteStatsReader::SnapshotPosition() {
  if (!snapshot_position_) {
    // Inside the snapshot: the position its commit recorded, none before the first commit.
    LogPosition position;
    if (log_position_.Step()) {
      position = {static_cast<std::uint64_t>(log_position_.ColumnInt(0)),
                  static_cast<std::uint64_t>(log_position_.ColumnInt(1))};
    }
    log_position_.Reset();
    snapshot_position_ = position;
  }
  return *snapshot_position_;
}

void SqliteStatsReader::AddUncommitted(const SeriesQuery& query, std::int64_t series, std::vector<Aggregate>& result) {
  if (uncommitted_ == nullptr) return;
  if (!uncommitted_->AddTo(SnapshotPosition(), series, query.sensor_id.value_or(""), query.boundaries, result)) {
    throw SnapshotTooOld();
  }
}

}  // namespace telemetry
