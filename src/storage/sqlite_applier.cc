#include "storage/sqlite_applier.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/rollup.h"
#include "log/log.h"
#include "storage/sqlite_schema.h"

namespace telemetry {
namespace {

// Rows a multi-row statement inserts or merges, largest first: SQLite's cost per statement (step, reset, the
// program's start and end) is then shared by many rows (512 instead of 32 made the applier ~7 % cheaper on
// year-spread ingest), and what is left after the large ones still goes 32 at a time, not one by one.
constexpr std::array<int, 3> kRowsPerStatement = {512, 32, 1};

// What a WAL frame holds besides its page (SQLite's file format).
constexpr std::uint64_t kWalFrameHeaderBytes = 24;

// " VALUES(?, ?, ...), (?, ...)": `rows` rows of `columns` parameters.
std::string ValuesClause(int rows, int columns) {
  std::string row = "(?";
  for (int column = 1; column < columns; ++column) row += ", ?";
  row += ")";
  std::string sql = " VALUES" + row;
  for (int i = 1; i < rows; ++i) sql += ", " + row;
  return sql;
}

// Inserts `rows` readings (sensor_id, time_ns, value). OR IGNORE (not ON CONFLICT DO NOTHING) so that no statement
// can abort, which spares SQLite a statement journal, a copy of every page touched, per insert.
std::string ReadingsInsertSql(int rows) {
  return "INSERT OR IGNORE INTO readings(sensor_id, time_ns, value)" + ValuesClause(rows, 3);
}

// Merges `rows` deltas (series, level, bucket, count, sum, sum_error, min, max) into their buckets. The sum_error
// update is Aggregate::Merge's compensated addition (CompensatedAdd) written in SQL; on the right of SET, column
// names are the row's old values.
std::string RollupUpsertSql(int rows) {
  return "INSERT INTO rollups(series, level, bucket, count, sum, sum_error, min, max)" + ValuesClause(rows, 8) +
         " ON CONFLICT DO UPDATE SET count = count + excluded.count, sum = sum + excluded.sum, "
         "sum_error = sum_error + excluded.sum_error + CASE WHEN abs(sum) >= abs(excluded.sum) "
         "THEN (sum - (sum + excluded.sum)) + excluded.sum ELSE (excluded.sum - (sum + excluded.sum)) + sum END, "
         "min = min(min, excluded.min), max = max(max, excluded.max)";
}

std::vector<SqliteStatement> PrepareMultiRow(SqliteDatabase& db, std::string (*sql)(int rows)) {
  std::vector<SqliteStatement> statements;
  for (int rows : kRowsPerStatement) statements.push_back(db.Prepare(sql(rows)));
  return statements;
}

// Runs `items` through `statements` (PrepareMultiRow's), each time the largest that what is left fills.
// bind(statement, row, item) binds `item` as the statement's row-th row; ran(rows) is told of each run.
template <typename Item, typename Bind, typename Ran>
void RunInGroups(const std::vector<Item>& items, std::vector<SqliteStatement>& statements, Bind bind, Ran ran) {
  std::size_t next = 0;
  while (next < items.size()) {
    std::size_t size = 0;  // the last row count is 1: every rest fits one
    while (static_cast<std::size_t>(kRowsPerStatement[size]) > items.size() - next) ++size;
    SqliteStatement& statement = statements[size];
    int rows = kRowsPerStatement[size];
    for (int row = 0; row < rows; ++row, ++next) bind(statement, row, items[next]);
    statement.Run();
    ran(rows);
  }
}

}  // namespace

SqliteApplier::SqliteApplier(const std::string& path) : db_(path), wal_path_(path + "-wal") {
  // Before anything writes to the file: a store of a newer version is refused as it is.
  SqliteStatement version_query = db_.Prepare("PRAGMA user_version");
  std::int64_t version = version_query.Step() ? version_query.ColumnInt(0) : 0;
  version_query.Reset();
  if (version > kSqliteSchemaVersion) {
    throw std::runtime_error("the store was written by a newer telemetryd (schema " + std::to_string(version) +
                             "; this one knows " + std::to_string(kSqliteSchemaVersion) + ")");
  }
  // New stores only (a store keeps the page size it was made with). 8 KiB pages: fewer page splits and B-tree
  // levels for the applier; larger ones cost more bytes per commit for the same dirty B-tree ends.
  db_.Execute("PRAGMA page_size = 8192");
  db_.Execute("PRAGMA journal_mode = WAL");
  // The readings log carries durability; SQLite only has to be consistent after a crash, which WAL + NORMAL is.
  db_.Execute("PRAGMA synchronous = NORMAL");
  db_.Execute("PRAGMA cache_size = -65536");  // KiB: 64 MiB
  // Checkpoints run when the store says (Checkpoint()), not in the middle of a round; the frames' count tells it.
  db_.CountWalFrames();
  db_.Execute("PRAGMA temp_store = MEMORY");
  db_.Execute("PRAGMA mmap_size = " + std::to_string(kSqliteMmapBytes));
  // A checkpoint waits for the stats readers (which are quick) instead of failing.
  db_.SetBusyTimeout(10000);
  db_.Execute(kSqliteSchema);
  insert_readings_ = PrepareMultiRow(db_, ReadingsInsertSql);
  insert_sensor_ = db_.Prepare("INSERT INTO sensors(id, name) VALUES(?1, ?2)");
  select_rollup_ = db_.Prepare(
      "SELECT count, sum, sum_error, min, max FROM rollups WHERE series = ?1 AND level = ?2 AND bucket = ?3");
  bucket_values_ = db_.Prepare("SELECT value FROM readings WHERE sensor_id = ?1 AND time_ns BETWEEN ?2 AND ?3");
  replace_rollup_ = db_.Prepare(
      "UPDATE rollups SET count = ?4, sum = ?5, sum_error = ?6, min = ?7, max = ?8 "
      "WHERE series = ?1 AND level = ?2 AND bucket = ?3");
  upsert_rollups_ = PrepareMultiRow(db_, RollupUpsertSql);
  save_position_ = db_.Prepare("INSERT OR REPLACE INTO log_position(id, segment, offset) VALUES(0, ?1, ?2)");
  delete_readings_ = db_.Prepare("DELETE FROM readings WHERE sensor_id = ?1 AND time_ns < ?2");
  delete_buckets_ = db_.Prepare("DELETE FROM rollups WHERE series = ?1 AND level = ?2 AND bucket < ?3");
  day_rows_ = db_.Prepare("SELECT count, sum, sum_error, min, max FROM rollups WHERE series = ?1 AND level = " +
                          std::to_string(kDayLevel));
  delete_total_ = db_.Prepare("DELETE FROM rollups WHERE series = ?1 AND level = " + std::to_string(kTotalLevel) +
                              " AND bucket = 0");
  sensor_name_ = db_.Prepare("SELECT name FROM sensors WHERE id = ?1");
  // Every reading is in its day's bucket of the all-sensors series, which always has its rows.
  oldest_day_ = db_.Prepare("SELECT bucket FROM rollups WHERE series = " + std::to_string(kAllSensors) +
                            " AND level = " + std::to_string(kDayLevel) + " ORDER BY bucket LIMIT 1");
  delete_sensor_ = db_.Prepare("DELETE FROM sensors WHERE id = ?1");
  if (version < kSqliteSchemaVersion) MigrateSchema(version);
  SqliteStatement page_size = db_.Prepare("PRAGMA page_size");
  wal_frame_bytes_ = static_cast<std::uint64_t>(page_size.Step() ? page_size.ColumnInt(0) : 0) + kWalFrameHeaderBytes;
  page_size.Reset();
}

SqliteApplier::~SqliteApplier() {
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

void SqliteApplier::MigrateSchema(std::int64_t version) {
  db_.Execute("BEGIN");
  if (version >= 2) {
    // From 2: rows for every non-empty minute and hour are a valid sparse store; only the version changes.
    db_.Execute("PRAGMA user_version = " + std::to_string(kSqliteSchemaVersion));
    db_.Execute("COMMIT");
    return;
  }
  // Version 1 (or a new, empty store): the instant level is built from the readings, which the log replay that
  // follows then keeps up to date. The old index gives them in time order, so memory holds a bounded batch of
  // instants at a time (the upsert merges an instant split between two batches).
  std::int64_t migrated = 0;
  RollupDeltas instants;
  SqliteStatement readings = db_.Prepare("SELECT time_ns, value FROM readings ORDER BY time_ns");
  while (readings.Step()) {
    instants.Add({kAllSensors, kInstantLevel, readings.ColumnInt(0)}, readings.ColumnDouble(1));
    if (++migrated % 100000 == 0) MergeDeltas(instants.Take());
  }
  readings.Reset();
  MergeDeltas(instants.Take());
  db_.Execute("DROP INDEX IF EXISTS readings_by_time");
  db_.Execute("PRAGMA user_version = " + std::to_string(kSqliteSchemaVersion));
  db_.Execute("COMMIT");
  if (migrated > 0) {
    log::Info("upgraded the store's schema", {{"readings", migrated}, {"version", std::int64_t{kSqliteSchemaVersion}}});
  }
}

void SqliteApplier::VisitSensors(const std::function<void(std::int64_t id, std::string_view name)>& visit) {
  SqliteStatement all = db_.Prepare("SELECT id, name FROM sensors");
  while (all.Step()) visit(all.ColumnInt(0), all.ColumnText(1));
}

std::int64_t SqliteApplier::LargestSensorId() {
  SqliteStatement largest = db_.Prepare("SELECT coalesce(max(id), 0) FROM sensors");
  largest.Step();
  return largest.ColumnInt(0);
}

LogPosition SqliteApplier::AppliedPosition() {
  SqliteStatement position = db_.Prepare("SELECT segment, offset FROM log_position WHERE id = 0");
  if (!position.Step()) return {};
  return {static_cast<std::uint64_t>(position.ColumnInt(0)), static_cast<std::uint64_t>(position.ColumnInt(1))};
}

std::optional<Aggregate> SqliteApplier::Rollup(const RollupKey& key) {
  select_rollup_.Bind(1, key.series).Bind(2, std::int64_t{key.level}).Bind(3, key.bucket);
  std::optional<Aggregate> row;
  if (select_rollup_.Step()) {
    row = Aggregate{select_rollup_.ColumnInt(0), select_rollup_.ColumnDouble(1), select_rollup_.ColumnDouble(2),
                    select_rollup_.ColumnDouble(3), select_rollup_.ColumnDouble(4)};
  }
  select_rollup_.Reset();
  return row;
}

void SqliteApplier::Begin() {
  if (in_transaction_) return;
  db_.Execute("BEGIN");
  in_transaction_ = true;
}

void SqliteApplier::Commit() {
  db_.Execute("COMMIT");
  in_transaction_ = false;
  StartWalWriteback();
}

// The commit wrote its pages to the WAL without a sync (synchronous=NORMAL): left to the kernel they stay in memory
// until the checkpoint's fsync writes tens of megabytes at once, and every fsync of the readings log waits behind
// that burst (writes held ~75 ms per checkpoint). Started now, the writes trickle out a commit at a time and the
// checkpoint finds them done (held 15-50 ms; docs/performance.md, session 11). Asynchronous: this only
// queues the writes; a failure shows in the checkpoint's own fsync. The file is opened once: SQLite removes it only
// when its last connection closes, and a checkpoint restarts it in place.
void SqliteApplier::StartWalWriteback() {
  if (wal_fd_ < 0) wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (wal_fd_ >= 0) ::sync_file_range(wal_fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void SqliteApplier::Rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  db_.Execute("ROLLBACK");
}

void SqliteApplier::InsertSensor(std::int64_t id, const std::string& name) {
  insert_sensor_.Bind(1, id).Bind(2, name).Run();
}

void SqliteApplier::InsertReadings(const std::vector<ReadingRow>& rows) {
  RunInGroups(
      rows, insert_readings_,
      [](SqliteStatement& statement, int row, const ReadingRow& reading) {
        statement.Bind(row * 3 + 1, reading.sensor).Bind(row * 3 + 2, reading.time).Bind(row * 3 + 3, reading.value);
      },
      [this](int inserted) {
        if (db_.Changes() != inserted) throw std::logic_error("a reading taken for new was already stored");
      });
}

void SqliteApplier::MergeDeltas(const std::vector<std::pair<RollupKey, Aggregate>>& deltas) {
  RunInGroups(
      deltas, upsert_rollups_,
      [](SqliteStatement& statement, int row, const std::pair<RollupKey, Aggregate>& delta) {
        const auto& [key, change] = delta;
        int first = row * 8 + 1;
        statement.Bind(first, key.series)
            .Bind(first + 1, std::int64_t{key.level})
            .Bind(first + 2, key.bucket)
            .Bind(first + 3, change.count)
            .Bind(first + 4, change.sum)
            .Bind(first + 5, change.sum_error)
            .Bind(first + 6, change.min)
            .Bind(first + 7, change.max);
      },
      [](int) {});
}

void SqliteApplier::Recount(const std::vector<RollupKey>& recounts,
                            const std::vector<std::pair<RollupKey, Aggregate>>& deltas) {
  for (const RollupKey& key : recounts) {
    auto delta = std::lower_bound(deltas.begin(), deltas.end(), key,
                                  [](const auto& entry, const RollupKey& wanted) { return entry.first < wanted; });
    if (delta == deltas.end() || delta->first != key) throw std::logic_error("a recount without its delta");
    std::optional<Aggregate> row = Rollup(key);
    // A row that existed before had at least one reading more than the delta, and was exact: it needs nothing.
    if (!row || row->count != delta->second.count) continue;
    Aggregate whole;
    TimeNs width = kRollupWidths[static_cast<std::size_t>(key.level)];
    TimeNs last = key.bucket > kMaxTime - (width - 1) ? kMaxTime : key.bucket + (width - 1);  // the last bucket
    bucket_values_.Bind(1, key.series).Bind(2, key.bucket).Bind(3, last);
    while (bucket_values_.Step()) whole.Add(bucket_values_.ColumnDouble(0));
    bucket_values_.Reset();
    ReplaceRollup(key, whole);
  }
}

void SqliteApplier::ReplaceRollup(const RollupKey& key, const Aggregate& row) {
  replace_rollup_.Bind(1, key.series)
      .Bind(2, std::int64_t{key.level})
      .Bind(3, key.bucket)
      .Bind(4, row.count)
      .Bind(5, row.sum)
      .Bind(6, row.sum_error)
      .Bind(7, row.min)
      .Bind(8, row.max)
      .Run();
}

void SqliteApplier::SavePosition(LogPosition end) {
  save_position_.Bind(1, static_cast<std::int64_t>(end.segment)).Bind(2, static_cast<std::int64_t>(end.offset));
  save_position_.Run();
}

std::optional<TimeNs> SqliteApplier::OldestDay() {
  std::optional<TimeNs> oldest;
  if (oldest_day_.Step()) oldest = oldest_day_.ColumnInt(0);
  oldest_day_.Reset();
  return oldest;
}

DeletedReadings SqliteApplier::DeleteSensorReadingsBefore(std::int64_t sensor, TimeNs cutoff) {
  DeletedReadings deleted;
  delete_readings_.Bind(1, sensor).Bind(2, cutoff).Run();
  deleted.readings = db_.Changes();
  if (deleted.readings == 0) return deleted;  // its buckets before the cutoff held readings of it: it has none
  if (DeleteBucketsBefore(sensor, cutoff)) return deleted;
  sensor_name_.Bind(1, sensor);
  if (sensor_name_.Step()) deleted.emptied = std::string(sensor_name_.ColumnText(0));
  sensor_name_.Reset();
  delete_sensor_.Bind(1, sensor).Run();
  return deleted;
}

void SqliteApplier::DeleteAllSensorsBucketsBefore(TimeNs cutoff) { DeleteBucketsBefore(kAllSensors, cutoff); }

bool SqliteApplier::DeleteBucketsBefore(std::int64_t series, TimeNs cutoff) {
  for (int level = series == kAllSensors ? kInstantLevel : kFinestSensorLevel; level < kRollupLevels; ++level) {
    delete_buckets_.Bind(1, series).Bind(2, std::int64_t{level}).Bind(3, cutoff).Run();
  }
  // The total from the days left, which always have their rows: count, sum and the extremes afresh, where
  // subtracting would lose the extremes that went.
  Aggregate total;
  day_rows_.Bind(1, series);
  while (day_rows_.Step()) {
    total.Merge(Aggregate{day_rows_.ColumnInt(0), day_rows_.ColumnDouble(1), day_rows_.ColumnDouble(2),
                          day_rows_.ColumnDouble(3), day_rows_.ColumnDouble(4)});
  }
  day_rows_.Reset();
  if (total.count > 0) {
    ReplaceRollup({series, kTotalLevel, 0}, total);
    return true;
  }
  delete_total_.Bind(1, series).Run();
  return false;
}

std::uint64_t SqliteApplier::WalBytes() const {
  return static_cast<std::uint64_t>(db_.wal_frames()) * wal_frame_bytes_;
}

void SqliteApplier::KeepWalFileBytes(std::uint64_t bytes) {
  db_.Execute("PRAGMA journal_size_limit = " + std::to_string(bytes));
}

// RESTART, not TRUNCATE: truncating a WAL of tens of MB to nothing took ~40 ms under writes here (`strace -T`:
// ftruncate, the file system freeing blocks that the kernel was still writing back), the applier and every read
// waiting for its next commit held meanwhile; the file then grew block by block again (docs/performance.md, session
// 12). Restarted, the next commit overwrites the file from its start.
bool SqliteApplier::Checkpoint() {
  SqliteStatement checkpoint = db_.Prepare("PRAGMA wal_checkpoint(RESTART)");
  bool complete = checkpoint.Step() && checkpoint.ColumnInt(0) == 0;
  checkpoint.Reset();
  return complete;
}

}  // namespace telemetry
