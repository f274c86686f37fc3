// Answers statistics queries from a read-only connection to the embedded store's database, from rollups and, at a
// range's edges, raw readings (see core/rollup.h), plus the readings logged but not committed yet when given them.
// Not thread-safe: one reader per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/aggregate.h"
#include "storage/readings_log.h"
#include "storage/sqlite_db.h"
#include "storage/store.h"

namespace telemetry {

class UncommittedReadings;

class SqliteStatsReader {
 public:
  // Opens `database_path` read-only. Throws std::runtime_error when it cannot. With `uncommitted` (the store's,
  // outliving the reader), statistics add the readings it holds that a snapshot lacks: they see every reading
  // logged, committed or not.
  explicit SqliteStatsReader(const std::string& database_path, const UncommittedReadings* uncommitted = nullptr);

  // The exact aggregate of each span of `query` in the latest committed state (and the uncommitted readings), read
  // in one snapshot. Throws std::runtime_error on a database error.
  std::vector<Aggregate> Query(const SeriesQuery& query);

  // As Query, but reads at most `row_budget` rows (rollup rows and readings): empty when the answer needs more. A
  // caller answers a small read itself this way and leaves a larger one to a thread that may take its time.
  // The snapshot is held open from one call to the next while `version` stays the same: a read then costs no
  // transaction start (two file locks and a stat of the file, ~5 µs here). `version` is a number that changes
  // whenever something is committed, read before the call: the snapshot then holds everything committed up to it.
  // A held snapshot keeps a checkpoint from restarting the WAL: ReleaseSnapshot() before one. Throws, letting the
  // snapshot go, when it is older than the uncommitted readings at hand (Query() then takes a newer one).
  std::optional<std::vector<Aggregate>> TryQueryAt(std::uint64_t version, const SeriesQuery& query,
                                                   std::size_t row_budget);
  void ReleaseSnapshot() noexcept;

  // A page of the sensor list, in one snapshot, with the uncommitted readings (and sensors) added when given them.
  // Throws std::runtime_error on a database error.
  std::vector<SensorSummary> Sensors(const SensorsQuery& query);

  // A page of one sensor's readings or every sensor's (see Store::Readings), in one snapshot, committed readings
  // only. Throws std::runtime_error on a database error.
  ReadingsPage Readings(const ReadingsQuery& query);

  // The sensors a page of every sensor's readings looks at, at most: a seek each (~10 µs), so that a page over a
  // range few of them report in stays within tens of milliseconds however many sensors there are.
  static constexpr std::size_t kMostSensorsPerReadingsPage = 4096;

 private:
  SqliteDatabase db_;
  // Runs fn inside one read transaction: every statement sees the same committed snapshot. Runs it again in a new
  // one while fn finds its snapshot older than the uncommitted readings it adds (SnapshotTooOld), a few times.
  template <typename Fn>
  auto InSnapshot(Fn fn);
  std::optional<std::vector<Aggregate>> QueryInSnapshot(const SeriesQuery& query, std::size_t row_budget);

  // Adds the uncommitted readings the snapshot lacks to `result`; throws SnapshotTooOld when it is older than
  // they are.
  void AddUncommitted(const SeriesQuery& query, std::int64_t series, std::vector<Aggregate>& result);
  std::vector<SensorSummary> SensorsInSnapshot(const SensorsQuery& query);
  // How far into the log the open snapshot's commit reaches (read once per snapshot).
  LogPosition SnapshotPosition();

  const UncommittedReadings* uncommitted_;
  std::optional<std::uint64_t> held_version_;  // of the snapshot TryQueryAt holds open
  std::optional<LogPosition> snapshot_position_;  // how far into the log the open snapshot's commit reaches
  SqliteStatement begin_, end_, sensor_id_, sum_rollups_, raw_of_sensor_, log_position_;
  SqliteStatement sensor_page_, sensor_names_, first_reading_, last_reading_, readings_page_, latest_readings_page_;
};

}  // namespace telemetry
