// The embedded store's writing connection to its database: the schema and its upgrades, and the SQL that applies
// what the store's writer decided (new sensors, new readings, rollup deltas, the log position they reach) in
// transactions. Which thread uses it, and when, is the store's business (storage/sqlite_store.cc): one at a time.
//
//   SqliteApplier applier(data_dir + "/telemetry.db");  // created, or upgraded to kSqliteSchemaVersion
//   applier.Begin();
//   applier.InsertReadings(rows);                       // rows found new, in key order
//   applier.MergeDeltas(deltas);
//   applier.SavePosition(log_end);
//   applier.Commit();
//
// Retention (core/retention.h) deletes whole days: DeleteSensorReadingsBefore(sensor, cutoff) for each sensor, then
// DeleteAllSensorsBucketsBefore(cutoff), in transactions of any size.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/aggregate.h"
#include "core/rollup_deltas.h"
#include "core/time.h"
#include "storage/readings_log.h"
#include "storage/sqlite_db.h"

namespace telemetry {

// A reading as the readings table holds it: its sensor by id.
struct ReadingRow {
  std::int64_t sensor;
  TimeNs time;
  double value;
};

// What SqliteApplier::DeleteSensorReadingsBefore() deleted.
struct DeletedReadings {
  std::int64_t readings = 0;
  std::optional<std::string> emptied;  // the sensor's name, when it was left without a reading and deleted too
};

class SqliteApplier {
 public:
  // Opens (or creates) the database at `path` and brings its schema to kSqliteSchemaVersion.
  // Throws std::runtime_error on failure, and for a store written by a newer version, which it leaves untouched.
  explicit SqliteApplier(const std::string& path);
  ~SqliteApplier();

  // Calls visit(id, name) for every sensor, one row at a time: a million sensors' names are never held twice. The
  // name is valid during the call only.
  void VisitSensors(const std::function<void(std::int64_t id, std::string_view name)>& visit);
  // The largest sensor id; 0 with no sensor. Ids are numbered from 1 without gaps: it is also their count.
  std::int64_t LargestSensorId();
  // The log position the last commit recorded: every reading before it is applied. {0, 0} in a new store.
  LogPosition AppliedPosition();
  // The rollup row under `key`, if there is one.
  std::optional<Aggregate> Rollup(const RollupKey& key);

  // Opens a transaction unless one is open.
  void Begin();
  bool in_transaction() const { return in_transaction_; }
  // Commits (without an fsync: the readings log is what makes writes durable) and starts writing the WAL's new
  // pages back in the background, so that the next checkpoint has little left to write.
  void Commit();
  void Rollback();

  void InsertSensor(std::int64_t id, const std::string& name);
  // Inserts `rows`, best in key order (they then land beside each other in the B-tree).
  // Throws std::logic_error when one is already stored: the writer took it for new.
  void InsertReadings(const std::vector<ReadingRow>& rows);
  // Adds each delta to its rollup row, creating the row if missing. `deltas` in key order (RollupDeltas::Take).
  void MergeDeltas(const std::vector<std::pair<RollupKey, Aggregate>>& deltas);
  // For each of `recounts` (buckets of sparse levels) whose row the `deltas` just merged created: the row from
  // every reading of the bucket, since the bucket may have held a reading alone, without a row, before.
  // REQUIRES: every recount has its delta in `deltas`, which are in key order.
  void Recount(const std::vector<RollupKey>& recounts, const std::vector<std::pair<RollupKey, Aggregate>>& deltas);
  // Records that the log is applied up to `end`.
  void SavePosition(LogPosition end);

  // The start of the oldest UTC day of the all-sensors series' rollups; empty when it has none.
  std::optional<TimeNs> OldestDay();
  // Deletes the readings of `sensor` before `cutoff` and its rollup buckets that held them, and rebuilds its total;
  // deletes the sensor itself when it is left without a reading (a sensor that reports again is then a new one).
  // REQUIRES: a transaction is open; `cutoff` is a UTC day's start, so every bucket of every level lies wholly on
  // one side of it.
  DeletedReadings DeleteSensorReadingsBefore(std::int64_t sensor, TimeNs cutoff);
  // The same for the all-sensors series' buckets (instants, seconds, minutes, hours, days) and total.
  void DeleteAllSensorsBucketsBefore(TimeNs cutoff);

  // Copies the WAL into the database and restarts it: true when complete (no reader kept it from finishing). The
  // next commit then writes the WAL from its start again, over the same blocks of the file, which is cut back to
  // the size KeepWalFileBytes() set. REQUIRES: no transaction is open.
  bool Checkpoint();
  // The size the WAL file is cut back to when it restarts, if it grew larger (SQLite's journal_size_limit).
  void KeepWalFileBytes(std::uint64_t bytes);
  // What the WAL holds after the last commit: what a checkpoint has at most to copy.
  std::uint64_t WalBytes() const;

 private:
  // Brings a store of schema `version` (older than kSqliteSchemaVersion, 0 when new) up to it, in one transaction.
  void MigrateSchema(std::int64_t version);
  // Sets the row under `key`, which exists, to `row`.
  void ReplaceRollup(const RollupKey& key, const Aggregate& row);
  // Deletes the buckets of `series` before `cutoff` on every level and rebuilds its total from the days left, or
  // deletes it when none is left; false then.
  bool DeleteBucketsBefore(std::int64_t series, TimeNs cutoff);
  // Asks the kernel to start writing the WAL's new pages to disk, without waiting for them.
  void StartWalWriteback();

  SqliteDatabase db_;
  std::string wal_path_;
  int wal_fd_ = -1;  // the WAL, opened at the first commit that asks for its writeback: the file stays while we run
  std::uint64_t wal_frame_bytes_ = 0;  // a page and its frame header
  bool in_transaction_ = false;
  SqliteStatement insert_sensor_, select_rollup_, save_position_, bucket_values_, replace_rollup_;
  SqliteStatement delete_readings_, delete_buckets_, day_rows_, delete_total_, sensor_name_, delete_sensor_,
      oldest_day_;
  // One statement for each of the row counts a multi-row statement comes in (kRowsPerStatement, in the .cc).
  std::vector<SqliteStatement> insert_readings_, upsert_rollups_;
};

}  // namespace telemetry
