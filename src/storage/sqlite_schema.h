// The embedded store's SQLite schema, shared by its writer and its stats readers. docs/data-model.md explains it.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/rollup.h"

namespace telemetry {

// Series 0 aggregates every sensor; sensors are numbered from 1.
inline constexpr std::int64_t kAllSensors = 0;

inline int FinestLevel(std::int64_t series) {
  return series == kAllSensors ? kFinestAllSensorsLevel : kFinestSensorLevel;
}

// A rollup level of the all-sensors series only: one bucket per distinct reading time (its start is the time).
// The raw edges of an all-sensor range are read from it. Readings of a fleet share their times (sensors report on
// the same clock ticks), so it has fewer rows than the readings, and it replaced an index of every reading by time
// that cost one more B-tree insert per reading.
inline constexpr int kInstantLevel = -1;

// A sensor's minute and hour levels are sparse: a bucket holding two or more of the sensor's readings has its row
// once they are committed, a bucket holding one reading may have none (the reading is its own aggregate, read from
// the readings table), and a row, where there is one, is exact. A sensor that reports less often than a bucket's
// width then costs no rollup row on that level per reading; readers take the readings of row-less buckets, at most
// one per bucket, from the readings table (storage/sqlite_stats_reader.cc).
inline constexpr int kSparseSensorLevels = 2;  // from kFinestSensorLevel on: the minute and the hour
inline bool IsSparseLevel(std::int64_t series, int level) {
  return series != kAllSensors && level >= kFinestSensorLevel && level < kFinestSensorLevel + kSparseSensorLevels;
}

// PRAGMA user_version of the schema below. 1: readings_by_time, an index of every reading by time, instead of the
// instant level; SqliteApplier migrates such a store. 2: every non-empty minute and hour bucket of a sensor has its row
// (a valid store of version 3, which only allows fewer; a binary of version 2 would misread a store of version 3).
inline constexpr int kSqliteSchemaVersion = 3;

inline constexpr std::string_view kSqliteSchema = R"sql(
CREATE TABLE IF NOT EXISTS sensors(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS readings(
  sensor_id INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY(sensor_id, time_ns)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollups(
  series INTEGER NOT NULL,
  level INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  sum_error REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY(series, level, bucket)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_position(
  id INTEGER PRIMARY KEY CHECK (id = 0),
  segment INTEGER NOT NULL,
  offset INTEGER NOT NULL);
)sql";

// The writer's connections map the database file into memory up to this size: their reads of a large store then
// cost no system call and share the operating system's page cache. (The stats readers do not map it; see
// sqlite_stats_reader.cc.)
inline constexpr std::int64_t kSqliteMmapBytes = std::int64_t{1} << 31;

}  // namespace telemetry
