#include "storage/sqlite_stats_reader.h"

#include "core/rollup.h"
#include "storage/sqlite_schema.h"

namespace telemetry {

SqliteStatsReader::SqliteStatsReader(const std::string& database_path)
    : db_(database_path, SqliteDatabase::Mode::kReadOnly) {
  db_.Execute("PRAGMA mmap_size = " + std::to_string(kSqliteMmapBytes));
  begin_ = db_.Prepare("BEGIN");
  end_ = db_.Prepare("COMMIT");
  sensor_id_ = db_.Prepare("SELECT id FROM sensors WHERE name = ?1");
  sum_rollups_ = db_.Prepare(
      "SELECT count, sum, sum_error, min, max, bucket FROM rollups "
      "WHERE series = ?1 AND level = ?2 AND bucket >= ?3 AND bucket < ?4");
  raw_of_sensor_ = db_.Prepare(
      "SELECT value, time_ns FROM readings WHERE sensor_id = ?1 AND time_ns >= ?2 AND time_ns < ?3");
  raw_of_all_ = db_.Prepare("SELECT value, time_ns FROM readings WHERE time_ns >= ?1 AND time_ns < ?2");
}

std::vector<Aggregate> SqliteStatsReader::Query(const SeriesQuery& query) {
  // One read transaction: every statement below sees the same committed snapshot.
  begin_.Run();
  struct EndRead {
    SqliteStatement& end;
    ~EndRead() {
      try {
        end.Run();
      } catch (const std::exception&) {
        // The next BEGIN fails and reports it.
      }
    }
  } end_read{end_};

  std::int64_t series = kAllSensors;
  if (query.sensor_id) {
    sensor_id_.Bind(1, *query.sensor_id);
    bool known = sensor_id_.Step();
    series = known ? sensor_id_.ColumnInt(0) : -1;
    sensor_id_.Reset();
    if (!known) return std::vector<Aggregate>(query.boundaries.size() - 1);
  }
  const std::vector<TimeNs>& boundaries = query.boundaries;
  RangePlan plan = PlanSeries(boundaries, FinestLevel(series));
  if (plan.whole_series) plan.buckets.push_back({kTotalLevel, 0, 1});

  // Rows land in the span holding their bucket's start or their time (the total's only span: 0).
  std::vector<Aggregate> result(boundaries.size() - 1);
  auto span_of = [&](TimeNs time) { return plan.whole_series ? 0 : SpanIndex(boundaries, time); };
  for (const BucketSpan& span : plan.buckets) {
    sum_rollups_.Bind(1, series).Bind(2, std::int64_t{span.level}).Bind(3, span.first_start).Bind(4, span.end_start);
    while (sum_rollups_.Step()) {
      result[span_of(sum_rollups_.ColumnInt(5))].Merge(
          Aggregate{sum_rollups_.ColumnInt(0), sum_rollups_.ColumnDouble(1), sum_rollups_.ColumnDouble(2),
                    sum_rollups_.ColumnDouble(3), sum_rollups_.ColumnDouble(4)});
    }
    sum_rollups_.Reset();
  }
  for (const TimeSpan& span : plan.raw) {
    SqliteStatement& raw = query.sensor_id ? raw_of_sensor_ : raw_of_all_;
    int first = 1;
    if (query.sensor_id) raw.Bind(first++, series);
    raw.Bind(first, span.from).Bind(first + 1, span.to);
    while (raw.Step()) result[span_of(raw.ColumnInt(1))].Add(raw.ColumnDouble(0));
    raw.Reset();
  }
  return result;
}

}  // namespace telemetry
