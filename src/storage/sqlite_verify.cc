#include "storage/sqlite_verify.h"

#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "core/aggregate.h"
#include "core/rollup.h"
#include "core/time.h"
#include "storage/data_directory.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_schema.h"

namespace telemetry {
namespace {

constexpr std::size_t kMostDescribed = 20;

// What a bucket should hold, from the readings: their aggregate, and the sum of their magnitudes, the scale of the
// rounding a sum added up in another order may differ by.
struct ExpectedBucket {
  Aggregate aggregate;
  double magnitude = 0;
};

// Compares one series at a time: its readings come in time order (Add), its buckets are completed level by level
// and matched with the stored rows of that level, which are read in bucket order beside them. Memory stays that of
// one bucket per level, however large the store.
class SeriesChecker {
 public:
  SeriesChecker(SqliteDatabase& db, StoreVerification& report) : report_(report) {
    for (int level = kInstantLevel; level <= kTotalLevel; ++level) {
      Level& checked = levels_[level - kInstantLevel];
      checked.level = level;
      checked.rows = db.Prepare(
          "SELECT bucket, count, sum, sum_error, min, max FROM rollups WHERE series = ?1 AND level = ?2 "
          "ORDER BY bucket");
    }
  }

  void Begin(std::int64_t series, std::string name) {
    series_ = series;
    name_ = std::move(name);
    for (Level& level : levels_) {
      level.kept = Keeps(level.level);
      level.current.reset();
      if (!level.kept) continue;
      level.rows.Bind(1, series).Bind(2, std::int64_t{level.level});
      level.has_row = level.rows.Step();
    }
  }

  void Add(TimeNs time, double value) {
    for (Level& level : levels_) {
      if (!level.kept) continue;
      TimeNs bucket = BucketOf(level.level, time);
      if (level.current && level.current->first != bucket) {
        Complete(level);
        level.current.reset();
      }
      if (!level.current) level.current.emplace(bucket, ExpectedBucket{});
      level.current->second.aggregate.Add(value);
      level.current->second.magnitude += std::fabs(value);
    }
  }

  void End() {
    for (Level& level : levels_) {
      if (!level.kept) continue;
      if (level.current) Complete(level);
      while (level.has_row) {
        Describe(level.level, level.rows.ColumnInt(0), "a stored row with no readings in its bucket");
        Next(level);
      }
      level.rows.Reset();
    }
  }

 private:
  struct Level {
    int level = 0;
    bool kept = false;                                         // the series keeps this level
    std::optional<std::pair<TimeNs, ExpectedBucket>> current;  // the bucket being added up
    SqliteStatement rows;                                      // the stored rows of the level, in bucket order
    bool has_row = false;                                      // rows is on a row
  };

  bool Keeps(int level) const {
    if (level == kInstantLevel) return series_ == kAllSensors;
    return level == kTotalLevel || level >= FinestLevel(series_);
  }

  static TimeNs BucketOf(int level, TimeNs time) {
    if (level == kInstantLevel) return time;
    if (level == kTotalLevel) return 0;
    return FloorTo(time, kRollupWidths[level]);
  }

  void Next(Level& level) {
    ++report_.rollup_rows;
    level.has_row = level.rows.Step();
  }

  // Matches the completed bucket of `level` with its stored row, reporting stored rows passed over on the way.
  void Complete(Level& level) {
    const auto& [bucket, expected] = *level.current;
    while (level.has_row && level.rows.ColumnInt(0) < bucket) {
      Describe(level.level, level.rows.ColumnInt(0), "a stored row with no readings in its bucket");
      Next(level);
    }
    if (!level.has_row || level.rows.ColumnInt(0) != bucket) {
      // A sparse level may leave a bucket of one reading without a row: the reading is its own aggregate.
      if (!(IsSparseLevel(series_, level.level) && expected.aggregate.count == 1)) {
        Describe(level.level, bucket, "no stored row; the readings give " + Text(expected.aggregate));
      }
      return;
    }
    Aggregate stored;
    stored.count = level.rows.ColumnInt(1);
    stored.sum = level.rows.ColumnDouble(2);
    stored.sum_error = level.rows.ColumnDouble(3);
    stored.min = level.rows.ColumnDouble(4);
    stored.max = level.rows.ColumnDouble(5);
    const Aggregate& want = expected.aggregate;
    bool sums_agree = std::fabs(stored.Sum() - want.Sum()) <= 1e-12 * expected.magnitude;
    if (stored.count != want.count || stored.min != want.min || stored.max != want.max || !sums_agree) {
      Describe(level.level, bucket, "stored " + Text(stored) + "; the readings give " + Text(want));
    }
    Next(level);
  }

  static std::string Text(const Aggregate& aggregate) {
    char text[160];
    std::snprintf(text, sizeof text, "count %lld, sum %.17g, min %.17g, max %.17g",
                  static_cast<long long>(aggregate.count), aggregate.Sum(), aggregate.min, aggregate.max);
    return text;
  }

  void Describe(int level, TimeNs bucket, const std::string& what) {
    ++report_.problems;
    if (report_.described.size() >= kMostDescribed) return;
    static constexpr const char* kLevelNames[] = {"instant", "second", "minute", "hour", "day", "all-time"};
    std::string where = series_ == kAllSensors ? "all sensors" : "sensor \"" + name_ + "\"";
    where += std::string(", ") + kLevelNames[level - kInstantLevel] + " bucket";
    if (level != kTotalLevel) where += " " + FormatRfc3339(bucket);
    report_.described.push_back(where + ": " + what);
  }

  StoreVerification& report_;
  std::int64_t series_ = 0;
  std::string name_;
  Level levels_[kTotalLevel - kInstantLevel + 1];
};

}  // namespace

StatusOr<StoreVerification> VerifySqliteStore(const std::string& data_dir) {
  std::string path = InDataDirectory(data_dir, kReadingsDatabaseFile);
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return InvalidArgument("no store in " + data_dir + " (no " + std::string(kReadingsDatabaseFile) + " there)");
  }
  StoreVerification report;
  try {
    SqliteDatabase db(path, SqliteDatabase::Mode::kReadOnly);
    db.SetBusyTimeout(10000);  // the server's checkpoint may hold the WAL a moment
    db.Execute("BEGIN");       // one snapshot for everything below
    SeriesChecker checker(db, report);

    // Each sensor, its readings in time order (the table's own order).
    SqliteStatement readings = db.Prepare("SELECT sensor_id, time_ns, value FROM readings ORDER BY sensor_id, time_ns");
    SqliteStatement name_of = db.Prepare("SELECT name FROM sensors WHERE id = ?1");
    std::optional<std::int64_t> sensor;
    while (readings.Step()) {
      std::int64_t id = readings.ColumnInt(0);
      if (sensor != id) {
        if (sensor) checker.End();
        sensor = id;
        ++report.sensors;
        name_of.Bind(1, id);
        bool named = name_of.Step();
        std::string name = named ? std::string(name_of.ColumnText(0)) : "number " + std::to_string(id);
        name_of.Reset();
        if (!named) {
          ++report.problems;
          report.described.push_back("readings of sensor number " + std::to_string(id) + ", which has no name");
        }
        checker.Begin(id, std::move(name));
      }
      checker.Add(readings.ColumnInt(1), readings.ColumnDouble(2));
      ++report.readings;
    }
    if (sensor) checker.End();
    std::int64_t sensor_rows_compared = report.rollup_rows;
    SqliteStatement sensor_rows = db.Prepare("SELECT count(*) FROM rollups WHERE series != 0");
    sensor_rows.Step();
    if (std::int64_t orphans = sensor_rows.ColumnInt(0) - sensor_rows_compared; orphans > 0) {
      ++report.problems;
      report.described.push_back(std::to_string(orphans) + " stored rows of sensors that have no readings");
    }

    // All sensors: every reading in time order (SQLite sorts them, in its temporary files past its cache).
    SqliteStatement by_time = db.Prepare("SELECT time_ns, value FROM readings ORDER BY time_ns");
    checker.Begin(kAllSensors, "");
    while (by_time.Step()) checker.Add(by_time.ColumnInt(0), by_time.ColumnDouble(1));
    checker.End();
    db.Execute("COMMIT");
  } catch (const std::exception& failure) {
    return Status(StatusCode::kInternal, std::string("verifying failed: ") + failure.what());
  }
  return report;
}

}  // namespace telemetry
