// SqliteApplier on real database files: schema upgrades, the recount of sparse buckets, and what a transaction
// keeps or drops.
#include "storage/sqlite_applier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/sqlite_db.h"
#include "storage/sqlite_schema.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

std::int64_t UserVersion(const std::string& path) {
  SqliteDatabase db(path, SqliteDatabase::Mode::kReadOnly);
  SqliteStatement version = db.Prepare("PRAGMA user_version");
  return version.Step() ? version.ColumnInt(0) : -1;
}

// A store of schema version 1 had an index of every reading by time where later ones have the all-sensors instant
// level: opening it builds that level from the readings, exactly, and drops the index.
TEST(SqliteApplier, UpgradesAVersionOneStoreByBuildingItsInstantLevel) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/telemetry.db";
  const TimeNs first = 1'633'338'000 * kNanosPerSecond, second = first + kNanosPerSecond / 2;
  {
    SqliteDatabase db(path);
    db.Execute(kSqliteSchema);
    db.Execute("CREATE INDEX readings_by_time ON readings(time_ns, value)");
    db.Execute("INSERT INTO sensors(id, name) VALUES(1, 'a'), (2, 'b')");
    db.Execute("INSERT INTO readings(sensor_id, time_ns, value) VALUES(1, " + std::to_string(first) + ", 1), (2, " +
               std::to_string(first) + ", 3), (1, " + std::to_string(second) + ", 5)");
    db.Execute("PRAGMA user_version = 1");
  }
  SqliteApplier applier(path);
  std::optional<Aggregate> both = applier.Rollup({kAllSensors, kInstantLevel, first});
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->count, 2);
  EXPECT_EQ(both->Sum(), 4);
  EXPECT_EQ(both->min, 1);
  EXPECT_EQ(both->max, 3);
  std::optional<Aggregate> one = applier.Rollup({kAllSensors, kInstantLevel, second});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->count, 1);
  EXPECT_EQ(one->max, 5);
  EXPECT_EQ(UserVersion(path), kSqliteSchemaVersion);
  SqliteDatabase db(path, SqliteDatabase::Mode::kReadOnly);
  SqliteStatement index = db.Prepare("SELECT count(*) FROM sqlite_master WHERE name = 'readings_by_time'");
  ASSERT_TRUE(index.Step());
  EXPECT_EQ(index.ColumnInt(0), 0);
}

TEST(SqliteApplier, RefusesAStoreWrittenByANewerVersion) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/telemetry.db";
  {
    SqliteDatabase db(path);
    db.Execute("PRAGMA user_version = " + std::to_string(kSqliteSchemaVersion + 1));
  }
  try {
    SqliteApplier applier(path);
    FAIL() << "opened a store of a newer schema";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("newer telemetryd"), std::string::npos) << error.what();
  }
  EXPECT_EQ(UserVersion(path), kSqliteSchemaVersion + 1);  // untouched
  SqliteDatabase db(path, SqliteDatabase::Mode::kReadOnly);
  SqliteStatement tables = db.Prepare("SELECT count(*) FROM sqlite_master");
  ASSERT_TRUE(tables.Step());
  EXPECT_EQ(tables.ColumnInt(0), 0);  // not even this version's tables
}

// A sparse bucket (a sensor's minute) holding one reading has no row. When the next reading's delta makes the row,
// the row counts only that reading until the recount adds the one that was alone; a row that existed before the
// delta was already exact and is only merged into.
TEST(SqliteApplier, RecountsASparseBucketOnlyWhenItsDeltaMadeTheRow) {
  testing::TempDir dir;
  SqliteApplier applier(dir.path() + "/telemetry.db");
  const TimeNs minute = 27'222'300 * kNanosPerMinute;
  const RollupKey key{1, kFinestSensorLevel, minute};
  auto delta_of = [&](double value) {
    Aggregate delta;
    delta.Add(value);
    return std::vector<std::pair<RollupKey, Aggregate>>{{key, delta}};
  };
  // A reading that joins the minute, as the store's writer applies it: its delta, and the recount that may follow.
  auto apply_joining = [&](TimeNs second, double value) {
    applier.Begin();
    applier.InsertReadings({{1, minute + second * kNanosPerSecond, value}});
    applier.MergeDeltas(delta_of(value));
    applier.Recount({key}, delta_of(value));
    applier.Commit();
  };
  applier.Begin();
  applier.InsertSensor(1, "a");
  applier.InsertReadings({{1, minute + kNanosPerSecond, 10}});  // alone in its minute: no row, no delta
  applier.Commit();
  EXPECT_FALSE(applier.Rollup(key).has_value());

  apply_joining(2, 20);
  std::optional<Aggregate> recounted = applier.Rollup(key);
  ASSERT_TRUE(recounted.has_value());
  EXPECT_EQ(recounted->count, 2);
  EXPECT_EQ(recounted->Sum(), 30);
  EXPECT_EQ(recounted->min, 10);
  EXPECT_EQ(recounted->max, 20);

  apply_joining(3, 5);
  std::optional<Aggregate> merged = applier.Rollup(key);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->count, 3);
  EXPECT_EQ(merged->Sum(), 35);
  EXPECT_EQ(merged->min, 5);

  applier.Begin();
  EXPECT_THROW(applier.Recount({{1, kFinestSensorLevel, minute + kNanosPerMinute}}, delta_of(1)), std::logic_error);
  applier.Rollback();
}

TEST(SqliteApplier, RefusesToInsertAReadingStoredAlready) {
  testing::TempDir dir;
  SqliteApplier applier(dir.path() + "/telemetry.db");
  applier.Begin();
  applier.InsertSensor(1, "a");
  applier.InsertReadings({{1, kNanosPerSecond, 1}});
  EXPECT_THROW(applier.InsertReadings({{1, 2 * kNanosPerSecond, 2}, {1, kNanosPerSecond, 1}}), std::logic_error);
  applier.Rollback();
}

// What a commit records is there when the store is opened again; what a rollback drops is not.
TEST(SqliteApplier, KeepsCommittedSensorsAndLogPositionAndDropsRolledBackOnes) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/telemetry.db";
  {
    SqliteApplier applier(path);
    EXPECT_EQ(applier.AppliedPosition(), LogPosition{});
    applier.Begin();
    applier.InsertSensor(1, "a");
    applier.SavePosition({3, 100});
    applier.Commit();
    applier.Begin();
    applier.InsertSensor(2, "b");
    applier.SavePosition({3, 200});
    EXPECT_TRUE(applier.in_transaction());
    applier.Rollback();
    EXPECT_FALSE(applier.in_transaction());
    EXPECT_TRUE(applier.Checkpoint());
  }
  SqliteApplier reopened(path);
  std::vector<std::pair<std::int64_t, std::string>> sensors;
  reopened.VisitSensors([&](std::int64_t id, std::string_view name) { sensors.emplace_back(id, name); });
  EXPECT_EQ(sensors, (std::vector<std::pair<std::int64_t, std::string>>{{1, "a"}}));
  EXPECT_EQ(reopened.LargestSensorId(), 1);
  EXPECT_EQ(reopened.AppliedPosition(), (LogPosition{3, 100}));
}

// WalBytes() is what the WAL holds since its last restart, whatever the file's size; a checkpoint restarts it, the
// next commit writes it from its start again, and the file is cut back to what KeepWalFileBytes() allows.
TEST(SqliteApplier, CheckpointRestartsTheWalAndCutsItsFileBack) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/telemetry.db";
  auto wal_file_bytes = [&] { return std::filesystem::file_size(path + "-wal"); };
  SqliteApplier applier(path);
  applier.KeepWalFileBytes(64 << 20);
  applier.Begin();
  applier.InsertSensor(1, "a");
  std::vector<ReadingRow> rows;
  for (int i = 0; i < 50'000; ++i) rows.push_back({1, i * kNanosPerSecond, double(i)});
  applier.InsertReadings(rows);
  applier.Commit();
  std::uint64_t large = applier.WalBytes();
  EXPECT_GT(large, 256u << 10);
  EXPECT_GE(wal_file_bytes(), large);

  auto checkpoint_and_commit_one = [&](TimeNs time) {
    ASSERT_TRUE(applier.Checkpoint());
    applier.Begin();
    applier.InsertReadings({{1, time, -1}});
    applier.Commit();
  };
  checkpoint_and_commit_one(-kNanosPerSecond);
  EXPECT_GT(applier.WalBytes(), 0u);
  EXPECT_LT(applier.WalBytes(), 64u << 10);
  EXPECT_GE(wal_file_bytes(), large);  // restarted, not truncated: written over from its start

  applier.KeepWalFileBytes(64 << 10);
  checkpoint_and_commit_one(-2 * kNanosPerSecond);
  EXPECT_LE(wal_file_bytes(), 64u << 10);
}

}  // namespace
}  // namespace telemetry
