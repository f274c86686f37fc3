// What only the embedded store does: reopening a data directory, replaying its log, the instant level that answers
// all-sensor raw edges, and upgrading a store of the previous schema. The Store contract itself is tested against
// both stores in tests/integration/store_contract_test.cc.
#include "storage/sqlite_store.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "storage/readings_log.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_schema.h"
#include "store_calls.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

constexpr TimeNs kMinute = 60 * kNanosPerSecond;

std::unique_ptr<Store> Open(const std::string& dir,
                            std::chrono::milliseconds commit_interval = SqliteStoreOptions().commit_interval) {
  SqliteStoreOptions options;
  options.data_dir = dir;
  options.commit_interval = commit_interval;
  auto store = OpenSqliteStore(options);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

using testing::StatsOf;
using testing::WriteAll;

TEST(SqliteStore, KeepsEverythingAcrossAReopen) {
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", 1, 10}, {"a", 2 * kMinute, 30}});
  }
  auto store = Open(dir.path());
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 2);
  EXPECT_EQ(total.Sum(), 40);
  EXPECT_EQ(StatsOf(*store, {"a", 0, kMinute}).count, 1);
  EXPECT_EQ(WriteAll(*store, {{"a", 1, 10}}), (std::vector<WriteOutcome>{WriteOutcome::kDuplicate}));
}

TEST(SqliteStore, ReplaysReadingsThatOnlyReachedTheLog) {
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", 1, 10}});
  }
  {
    // As if the process died after logging, before SQLite caught up.
    auto log = ReadingsLog::Open(dir.path() + "/log");
    ASSERT_TRUE((*log)->Replay({}, [](const Reading&, LogPosition) {}).ok());
    (*log)->Append({"b", 5, 20});
    (*log)->Append({"a", 2 * kMinute, 30});
    ASSERT_TRUE((*log)->Write().ok());
  }
  auto store = Open(dir.path());
  EXPECT_EQ(StatsOf(*store).count, 3);
  EXPECT_EQ(StatsOf(*store, {"a", kMinTime, kMaxTime}).Sum(), 40);
  EXPECT_EQ(StatsOf(*store, {std::nullopt, 0, kMinute}).count, 2);
}

// Readings later than their sensor's latest are inserted in groups without a check of their own; everything else
// is checked against what is stored, including readings of the same call still waiting in a group.
TEST(SqliteStore, TellsNewDuplicateAndConflictingReadingsWhetherInOrderOrNot) {
  using enum WriteOutcome;
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    std::vector<Reading> readings;
    // 600 new readings: one statement of 512, two of 32 and 24 of one (see kRowsPerStatement).
    for (int i = 1; i <= 600; ++i) readings.push_back({"a", i * kMinute, double(i)});
    readings.push_back({"a", 5 * kMinute, 5});       // the same as one in the inserted group
    readings.push_back({"a", 550 * kMinute, 9});     // another value than one still waiting
    readings.push_back({"a", 600 * kMinute, 600});   // the same as one still waiting
    readings.push_back({"a", 30 * kMinute + 1, 7});  // late, new
    readings.push_back({"b", 1 * kMinute, 1});       // another sensor's own order
    std::vector<WriteOutcome> expected(600, kStored);
    expected.insert(expected.end(), {kDuplicate, kConflict, kDuplicate, kStored, kStored});
    EXPECT_EQ(WriteAll(*store, readings), expected);
    EXPECT_EQ(StatsOf(*store).count, 602);
  }
  // After a reopen the latest times come from the file.
  auto store = Open(dir.path());
  EXPECT_EQ(
      WriteAll(
          *store,
          {{"a", 600 * kMinute, 41}, {"a", 601 * kMinute, 41}, {"b", 1 * kMinute, 1}, {"b", 30 * kNanosPerSecond, 2}}),
      (std::vector<WriteOutcome>{kConflict, kStored, kDuplicate, kStored}));
  Aggregate a = StatsOf(*store, {"a", kMinTime, kMaxTime});
  EXPECT_EQ(a.count, 602);
  EXPECT_EQ(a.Sum(), 600 * 601 / 2 + 7 + 41);
  EXPECT_EQ(StatsOf(*store).count, 604);
}

// Four clients write overlapping readings in random order (new, retried, conflicting, late) while commits come
// every millisecond, so that decisions are made against readings in every state: found new this round, waiting
// for the applier, being committed, committed. Every key must be stored exactly once, with its first value.
TEST(SqliteStore, ConcurrentOverlappingWritersStoreEveryKeyOnce) {
  testing::TempDir dir;
  constexpr int kClients = 4, kSensors = 6, kTimes = 400;
  std::mutex mu;
  std::map<std::pair<int, int>, std::vector<std::pair<WriteOutcome, double>>> outcomes;  // by (sensor, time)
  {
    auto store = Open(dir.path(), std::chrono::milliseconds(1));
    std::vector<std::thread> clients;
    for (int client = 0; client < kClients; ++client) {
      clients.emplace_back([&, client] {
        std::mt19937_64 random(100 + client);
        std::uniform_int_distribution<int> sensor(0, kSensors - 1), time(0, kTimes - 1), size(1, 60), other(0, 9);
        for (int batch = 0; batch < 40; ++batch) {
          std::vector<Reading> readings;
          std::vector<std::pair<int, int>> keys;
          int count = size(random);
          for (int i = 0; i < count; ++i) {
            // Mostly forward in time per client, often behind: the fast path and every lookup both run.
            int s = sensor(random), t = (batch * 10 + time(random) / 4) % kTimes;
            double value = other(random) == 0 ? 1000 + client : s * 1000 + t;  // sometimes a conflicting value
            readings.push_back({"s" + std::to_string(s), t * kNanosPerSecond, value});
            keys.emplace_back(s, t);
          }
          std::vector<WriteOutcome> result = WriteAll(*store, readings);
          std::lock_guard lock(mu);
          for (std::size_t i = 0; i < result.size(); ++i) outcomes[keys[i]].emplace_back(result[i], readings[i].value);
        }
      });
    }
    for (std::thread& client : clients) client.join();
  }
  auto store = Open(dir.path());  // after a reopen, what the file holds
  Aggregate expected;
  for (const auto& [key, results] : outcomes) {
    int stored = 0;
    double first = 0;
    for (const auto& [outcome, value] : results) {
      if (outcome == WriteOutcome::kStored) {
        ++stored;
        first = value;
      }
    }
    ASSERT_EQ(stored, 1) << "sensor " << key.first << " time " << key.second;
    for (const auto& [outcome, value] : results) {
      if (outcome != WriteOutcome::kStored) {
        EXPECT_EQ(outcome, value == first ? WriteOutcome::kDuplicate : WriteOutcome::kConflict);
      }
    }
    expected.Add(first);
    Aggregate one = StatsOf(
        *store, {"s" + std::to_string(key.first), key.second * kNanosPerSecond, key.second * kNanosPerSecond + 1});
    EXPECT_EQ(one.count, 1);
    EXPECT_EQ(one.Sum(), first);
  }
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, expected.count);
  EXPECT_DOUBLE_EQ(total.Sum(), expected.Sum());
}

constexpr TimeNs kMillisecond = kNanosPerSecond / 1000;

// A fleet on one clock: 20 sensors report on the same 250 ms ticks, so instants hold many readings.
std::vector<Reading> FleetReadings() {
  std::vector<Reading> readings;
  for (int tick = 0; tick < 200; ++tick) {
    for (int sensor = 0; sensor < 20; ++sensor) {
      readings.push_back({"s" + std::to_string(sensor), 1'633'338'000 * kNanosPerSecond + tick * 250 * kMillisecond,
                          double((tick * 31 + sensor * 7) % 90) / 4 - 10});
    }
  }
  return readings;
}

// Random all-sensor ranges with millisecond edges (so nearly every range has raw edges) against brute force.
void ExpectExactAllSensorRanges(Store& store, const std::vector<Reading>& readings) {
  std::mt19937_64 random(11);
  TimeNs first = readings.front().time, last = readings.back().time;
  std::uniform_int_distribution<TimeNs> when(first - kNanosPerSecond, last + kNanosPerSecond);
  for (int q = 0; q < 60; ++q) {
    TimeNs a = when(random) / kMillisecond * kMillisecond, b = when(random) / kMillisecond * kMillisecond;
    StatsQuery query{std::nullopt, std::min(a, b), std::max(a, b)};
    Aggregate expected;
    for (const Reading& r : readings) {
      if (r.time >= query.from && r.time < query.to) expected.Add(r.value);
    }
    Aggregate actual = StatsOf(store, query);
    ASSERT_EQ(actual.count, expected.count) << query.from << ".." << query.to;
    EXPECT_DOUBLE_EQ(actual.Sum(), expected.Sum());
    if (expected.count) {
      EXPECT_EQ(actual.min, expected.min);
      EXPECT_EQ(actual.max, expected.max);
    }
  }
}

std::int64_t CountRows(const std::string& dir, const std::string& sql) {
  SqliteDatabase db(dir + "/telemetry.db", SqliteDatabase::Mode::kReadOnly);
  SqliteStatement count = db.Prepare(sql);
  return count.Step() ? count.ColumnInt(0) : -1;
}

TEST(SqliteStore, AllSensorRangesAreExactWithReadingsSharingTheirTimes) {
  testing::TempDir dir;
  std::vector<Reading> readings = FleetReadings();
  {
    auto store = Open(dir.path());
    WriteAll(*store, readings);
    ExpectExactAllSensorRanges(*store, readings);
  }
  // One instant row per tick, not per reading.
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM rollups WHERE level = " + std::to_string(kInstantLevel)),
            200);
}

TEST(SqliteStore, UpgradesAStoreWrittenBeforeTheInstantLevel) {
  testing::TempDir dir;
  std::vector<Reading> readings = FleetReadings();
  {
    auto store = Open(dir.path());
    WriteAll(*store, readings);
  }
  {
    // Turn it into what the previous schema wrote: an index of readings by time, no instants, user_version 0.
    SqliteDatabase db(dir.path() + "/telemetry.db");
    db.Execute("DELETE FROM rollups WHERE level = " + std::to_string(kInstantLevel));
    db.Execute("CREATE INDEX readings_by_time ON readings(time_ns, value)");
    db.Execute("PRAGMA user_version = 0");
  }
  auto store = Open(dir.path());
  ExpectExactAllSensorRanges(*store, readings);
  store->Close();
  EXPECT_EQ(CountRows(dir.path(), "PRAGMA user_version"), kSqliteSchemaVersion);
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM sqlite_master WHERE name = 'readings_by_time'"), 0);
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM rollups WHERE level = " + std::to_string(kInstantLevel)),
            200);
}

}  // namespace
}  // namespace telemetry
