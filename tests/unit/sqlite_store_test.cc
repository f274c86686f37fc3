// What only the embedded store does: reopening a data directory, replaying its log, the instant level that answers
// all-sensor raw edges, and upgrading a store of the previous schema. The Store contract itself is tested against
// both stores in tests/integration/store_contract_test.cc.
#include "storage/sqlite_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "storage/readings_log.h"
#include "storage/sqlite_db.h"
#include "storage/sqlite_schema.h"
#include "storage/sqlite_stats_reader.h"
#include "storage/sqlite_verify.h"
#include "storage/uncommitted_readings.h"
#include "store_calls.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

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

// Returns once everything acknowledged is committed: an export reads rows and waits for a commit (statistics and
// sensor lists add the uncommitted readings to their snapshot instead).
void WaitForCommit(Store& store) {
  std::promise<void> exported;
  store.Readings(ReadingsQuery{"any", kMinTime, kMaxTime, std::nullopt, 1}, [&](StatusOr<ReadingsPage> readings) {
    EXPECT_TRUE(readings.ok()) << readings.status().message();
    exported.set_value();
  });
  exported.get_future().get();
}

// A page of the sensor list, waited for.
std::vector<SensorSummary> SensorsOf(Store& store, SensorsQuery query) {
  std::promise<std::vector<SensorSummary>> listed;
  store.Sensors(std::move(query), [&](StatusOr<std::vector<SensorSummary>> sensors) {
    EXPECT_TRUE(sensors.ok()) << sensors.status().message();
    listed.set_value(sensors.ok() ? *sensors : std::vector<SensorSummary>{});
  });
  return listed.get_future().get();
}

TEST(SqliteStore, KeepsEverythingAcrossAReopen) {
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", 1, 10}, {"a", 2 * kNanosPerMinute, 30}});
  }
  auto store = Open(dir.path());
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 2);
  EXPECT_EQ(total.Sum(), 40);
  EXPECT_EQ(StatsOf(*store, {"a", 0, kNanosPerMinute}).count, 1);
  EXPECT_EQ(WriteAll(*store, {{"a", 1, 10}}), (std::vector<WriteOutcome>{WriteOutcome::kDuplicate}));
}

TEST(SqliteStore, OneStorePerDataDirectory) {
  // Two writers of one log would append over each other's records: the second store is refused while the first is
  // open, whether in this process or another.
  testing::TempDir dir;
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  {
    auto first = Open(dir.path());
    auto second = OpenSqliteStore(options);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("another process (pid " + std::to_string(::getpid()) +
                                             ") uses this data directory; one telemetryd per data directory"),
              std::string::npos)
        << second.status().message();
    EXPECT_EQ(WriteAll(*first, {{"a", 1, 10}}), (std::vector<WriteOutcome>{WriteOutcome::kStored}));
  }
  auto reopened = Open(dir.path());
  EXPECT_EQ(StatsOf(*reopened).count, 1);
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
    (*log)->Append({"a", 2 * kNanosPerMinute, 30});
    ASSERT_TRUE((*log)->Write().ok());
  }
  auto store = Open(dir.path());
  EXPECT_EQ(StatsOf(*store).count, 3);
  EXPECT_EQ(StatsOf(*store, {"a", kMinTime, kMaxTime}).Sum(), 40);
  EXPECT_EQ(StatsOf(*store, {std::nullopt, 0, kNanosPerMinute}).count, 2);
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
    for (int i = 1; i <= 600; ++i) readings.push_back({"a", i * kNanosPerMinute, double(i)});
    readings.push_back({"a", 5 * kNanosPerMinute, 5});       // the same as one in the inserted group
    readings.push_back({"a", 550 * kNanosPerMinute, 9});     // another value than one still waiting
    readings.push_back({"a", 600 * kNanosPerMinute, 600});   // the same as one still waiting
    readings.push_back({"a", 30 * kNanosPerMinute + 1, 7});  // late, new
    readings.push_back({"b", 1 * kNanosPerMinute, 1});       // another sensor's own order
    std::vector<WriteOutcome> expected(600, kStored);
    expected.insert(expected.end(), {kDuplicate, kConflict, kDuplicate, kStored, kStored});
    EXPECT_EQ(WriteAll(*store, readings), expected);
    EXPECT_EQ(StatsOf(*store).count, 602);
  }
  // After a reopen the latest times come from the file.
  auto store = Open(dir.path());
  EXPECT_EQ(WriteAll(*store, {{"a", 600 * kNanosPerMinute, 41},
                              {"a", 601 * kNanosPerMinute, 41},
                              {"b", 1 * kNanosPerMinute, 1},
                              {"b", 30 * kNanosPerSecond, 2}}),
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

std::vector<Aggregate> SeriesOf(Store& store, const std::string& sensor, std::vector<TimeNs> boundaries) {
  std::promise<std::vector<Aggregate>> done;
  store.Series(SeriesQuery{sensor, std::move(boundaries)}, [&](StatusOr<std::vector<Aggregate>> spans) {
    EXPECT_TRUE(spans.ok()) << spans.status().message();
    done.set_value(spans.ok() ? *spans : std::vector<Aggregate>{});
  });
  return done.get_future().get();
}

Aggregate BruteForce(const std::vector<Reading>& stored, const std::string& sensor, TimeNs from, TimeNs to) {
  Aggregate expected;
  for (const Reading& r : stored) {
    if (r.sensor_id == sensor && r.time >= from && r.time < to) expected.Add(r.value);
  }
  return expected;
}

void ExpectSame(const Aggregate& actual, const Aggregate& expected, const std::string& what) {
  ASSERT_EQ(actual.count, expected.count) << what;
  EXPECT_DOUBLE_EQ(actual.Sum(), expected.Sum()) << what;
  if (expected.count) {
    EXPECT_EQ(actual.min, expected.min) << what;
    EXPECT_EQ(actual.max, expected.max) << what;
  }
}

// A sensor's minute and hour levels are sparse (a bucket with one reading has no row): against brute force, with
// sensors dense and sparse, batches in order, shuffled and overtaking each other, duplicates, commits at random
// points and reopenings (which forget what the writer remembered of each bucket).
TEST(SqliteStore, SensorRangesAndSeriesAreExactOnSparseLevels) {
  testing::TempDir dir;
  const TimeNs start = 1'633'338'000 * kNanosPerSecond;
  std::mt19937_64 random(21);
  std::vector<Reading> all;
  // Cadences: every 7 s (dense minutes), every 52 min (alone in its minute, sometimes sharing an hour), every
  // 20-100 s at random.
  for (int i = 0; i < 1500; ++i) all.push_back({"dense", start + i * 7 * kNanosPerSecond, double(i % 23) - 5});
  for (int i = 0; i < 300; ++i)
    all.push_back({"sparse", start + i * 52 * kNanosPerMinute + i % 13, double(i % 17) / 4});
  TimeNs t = start;
  for (int i = 0; i < 800; ++i) {
    t += (20 + static_cast<TimeNs>(random() % 81)) * kNanosPerSecond;
    all.push_back({"jittery", t, double(random() % 1000) / 8 - 60});
  }
  // Batches of 1-80 readings; a third shuffled, a third sent after the batch that followed them (overtaken).
  std::vector<std::vector<Reading>> batches;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t size = 1 + random() % 80;
    std::vector<Reading> batch(all.begin() + i, all.begin() + std::min(all.size(), i + size));
    if (random() % 3 == 0) std::shuffle(batch.begin(), batch.end(), random);
    batches.push_back(std::move(batch));
    if (batches.size() >= 2 && random() % 3 == 0) std::swap(batches.back(), batches[batches.size() - 2]);
    i += size;
  }
  std::vector<Reading> stored;
  auto check = [&](Store& store) {
    for (const std::string sensor : {"dense", "sparse", "jittery", "steady"}) {
      TimeNs last = start + 300 * 52 * kNanosPerMinute;
      std::uniform_int_distribution<TimeNs> when(start - kNanosPerMinute, last);
      for (int q = 0; q < 40; ++q) {
        TimeNs a = when(random), b = when(random);
        if (q % 2 == 0) {  // whole minutes: minute and hour buckets and no raw edge
          a = a / kNanosPerMinute * kNanosPerMinute;
          b = b / kNanosPerMinute * kNanosPerMinute;
        }
        TimeNs from = std::min(a, b), to = std::max(a, b);
        ExpectSame(StatsOf(store, {sensor, from, to}), BruteForce(stored, sensor, from, to),
                   sensor + " " + std::to_string(from) + ".." + std::to_string(to));
      }
      for (TimeNs width : {kNanosPerMinute, 5 * kNanosPerMinute, 60 * kNanosPerMinute}) {
        std::vector<TimeNs> boundaries;
        for (TimeNs edge = start / width * width; edge <= last + width; edge += width) boundaries.push_back(edge);
        std::vector<Aggregate> series = SeriesOf(store, sensor, boundaries);
        ASSERT_EQ(series.size(), boundaries.size() - 1);
        for (std::size_t i = 0; i < series.size(); ++i) {
          ExpectSame(series[i], BruteForce(stored, sensor, boundaries[i], boundaries[i + 1]),
                     sensor + " series " + std::to_string(width) + " #" + std::to_string(i));
        }
      }
    }
  };
  std::size_t next = 0;
  for (int opening = 0; opening < 3; ++opening) {
    auto store = Open(dir.path(), std::chrono::milliseconds(1 + random() % 3));
    for (std::size_t end = std::min(batches.size(), next + batches.size() / 3 + 1); next < end; ++next) {
      std::vector<Reading> batch = batches[next];
      if (next > 0 && random() % 4 == 0) batch.push_back(batches[next - 1].front());  // a retry: a duplicate
      std::vector<WriteOutcome> outcomes = WriteAll(*store, batch);
      for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i] == WriteOutcome::kStored) stored.push_back(batch[i]);
      }
    }
    // A sensor that reports in order every 52 minutes, its stream split by the reopenings.
    std::vector<Reading> steady;
    for (int i = opening * 100; i < opening * 100 + 100; ++i) {
      steady.push_back({"steady", start + i * 52 * kNanosPerMinute + kNanosPerSecond, double(i % 11)});
    }
    for (std::size_t i = 0; i < steady.size(); i += 25) {
      std::vector<Reading> batch(steady.begin() + i, steady.begin() + i + 25);
      for (WriteOutcome outcome : WriteAll(*store, batch)) ASSERT_EQ(outcome, WriteOutcome::kStored);
      stored.insert(stored.end(), batch.begin(), batch.end());
    }
    check(*store);
  }
  ASSERT_EQ(stored.size(), all.size() + 300);
  // The point of it: the steady sensor's readings are alone in their minutes, so it has no minute rows, and an hour
  // row only where two readings share an hour (8 minutes in 60 of a 52-minute cadence: about 40 of 300).
  auto rows_of_steady = [&](int level) {
    return CountRows(dir.path(),
                     "SELECT count(*) FROM rollups r JOIN sensors s ON s.id = r.series "
                     "WHERE s.name = 'steady' AND r.level = " +
                         std::to_string(level));
  };
  EXPECT_EQ(rows_of_steady(1), 0);
  EXPECT_GT(rows_of_steady(2), 20);
  EXPECT_LT(rows_of_steady(2), 60);
}

// The bucket's lone reading is no longer at hand when its second reading comes (more buckets came between than the
// writer remembers, or a reopening): the applier counts the bucket from the readings.
TEST(SqliteStore, ASecondReadingJoinsALoneOneItsWriterForgot) {
  testing::TempDir dir;
  const TimeNs minute = 1'633'338'000 / 60 * 60 * kNanosPerSecond;
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", minute + 5 * kNanosPerSecond, 1}});
    for (int later = 1; later <= 5; ++later) WriteAll(*store, {{"a", minute + later * 7 * kNanosPerMinute, 100}});
    WriteAll(*store, {{"a", minute + 9 * kNanosPerSecond, 2}});  // joins the first
    WriteAll(*store, {{"b", minute + 7 * kNanosPerSecond, 10}});
  }
  auto store = Open(dir.path());
  WriteAll(*store, {{"b", minute + 8 * kNanosPerSecond, 20}});  // after a reopening
  Aggregate a = StatsOf(*store, {"a", minute, minute + kNanosPerMinute});
  EXPECT_EQ(a.count, 2);
  EXPECT_EQ(a.Sum(), 3);
  Aggregate b = StatsOf(*store, {"b", minute, minute + kNanosPerMinute});
  EXPECT_EQ(b.count, 2);
  EXPECT_EQ(b.Sum(), 30);
  EXPECT_EQ(b.min, 10);
  EXPECT_EQ(b.max, 20);
  // The rows themselves, as a reader of a whole hour that holds them takes them.
  WaitForCommit(*store);
  EXPECT_EQ(CountRows(dir.path(), "SELECT sum(count) FROM rollups WHERE level = 1 AND series > 0"), 4);
}

// What the writer holds of a sensor is let go of once the sensor is idle and its readings committed, and loaded
// again at its next reading. Readings sent after that — retries, conflicts, late ones into buckets of one reading
// or of many — are told apart and counted as if it had been held all along.
TEST(SqliteStore, SensorsLetGoOfWhenIdleAreToldApartAsBefore) {
  using enum WriteOutcome;
  testing::TempDir dir;
  std::mutex mu;
  std::condition_variable reported;
  std::size_t held = 0;  // GUARDED_BY(mu)
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  options.commit_interval = std::chrono::milliseconds(2);
  options.sensor_idle = std::chrono::milliseconds(1);
  options.on_sensors_held = [&](std::size_t sensors) {
    std::lock_guard lock(mu);
    held = sensors;
    reported.notify_all();
  };
  auto opened = OpenSqliteStore(options);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;

  const TimeNs start = 1'633'338'000 * kNanosPerSecond;
  std::mt19937_64 random(29);
  std::map<std::pair<std::string, TimeNs>, double> first_values;
  std::vector<Reading> stored;
  for (int round = 0; round < 40; ++round) {
    // Four sensors over ~4 hours on a 37 s grid: minutes of one reading and of two, hours of many, and keys that
    // come again (a third with the value stored: a retry).
    std::vector<Reading> batch;
    std::vector<WriteOutcome> expected;
    for (int i = 0; i < 30; ++i) {
      Reading reading{"s" + std::to_string(random() % 4),
                      start + static_cast<TimeNs>(random() % 400) * 37 * kNanosPerSecond, double(random() % 3)};
      auto [at, is_new] = first_values.try_emplace({reading.sensor_id, reading.time}, reading.value);
      expected.push_back(is_new ? kStored : at->second == reading.value ? kDuplicate : kConflict);
      if (is_new) stored.push_back(reading);
      batch.push_back(std::move(reading));
    }
    ASSERT_EQ(WriteAll(store, batch), expected) << "round " << round;
    // Every sensor let go of before the next round, which loads them again.
    std::unique_lock lock(mu);
    ASSERT_TRUE(reported.wait_for(lock, std::chrono::seconds(10), [&] { return held == 0; }))
        << held << " sensors still held after round " << round;
  }
  ASSERT_GT(stored.size(), 600u);
  ASSERT_LT(stored.size(), 1100u);  // retries and conflicts came in every round
  std::uniform_int_distribution<TimeNs> when(start - kNanosPerMinute, start + 400 * 37 * kNanosPerSecond);
  for (const std::string sensor : {"s0", "s1", "s2", "s3"}) {
    for (int q = 0; q < 40; ++q) {
      TimeNs a = when(random), b = when(random);
      TimeNs from = std::min(a, b), to = std::max(a, b);
      ExpectSame(StatsOf(store, {sensor, from, to}), BruteForce(stored, sensor, from, to),
                 sensor + " " + std::to_string(from) + ".." + std::to_string(to));
    }
    std::vector<TimeNs> minutes;
    for (TimeNs edge = start; edge <= start + 250 * kNanosPerMinute; edge += kNanosPerMinute) minutes.push_back(edge);
    std::vector<Aggregate> series = SeriesOf(store, sensor, minutes);
    for (std::size_t i = 0; i < series.size(); ++i) {
      ExpectSame(series[i], BruteForce(stored, sensor, minutes[i], minutes[i + 1]),
                 sensor + " minute " + std::to_string(i));
    }
  }
  EXPECT_EQ(StatsOf(store).count, static_cast<std::int64_t>(stored.size()));
}

// A read with a row budget (what the store answers on the calling thread) is exact within it and gives up past it,
// whether the plan alone needs more buckets or the readings at an edge turn out to be more.
TEST(SqliteStatsReader, ATryQueryIsExactWithinItsRowBudgetAndGivesUpPastIt) {
  testing::TempDir dir;
  const TimeNs day = 1'633'305'600 * kNanosPerSecond;  // a UTC midnight
  std::vector<Reading> readings;
  for (int i = 0; i < 1000; ++i) readings.push_back({"busy", day + 5 * kNanosPerSecond + i * 1'000'000, double(i)});
  for (int i = 0; i < 60; ++i) readings.push_back({"calm", day + i * 61 * kNanosPerMinute, double(i % 7)});
  {
    auto store = Open(dir.path());
    WriteAll(*store, readings);
  }
  SqliteStatsReader reader(dir.path() + "/telemetry.db");
  auto try_query = [&](std::optional<std::string> sensor, TimeNs from, TimeNs to, std::size_t budget) {
    return reader.TryQueryAt(0, SeriesQuery{std::move(sensor), {from, to}}, budget);
  };
  auto expect_exact = [&](const std::optional<std::vector<Aggregate>>& answer, std::optional<std::string> sensor,
                          TimeNs from, TimeNs to, const std::string& what) {
    ASSERT_TRUE(answer.has_value()) << what;
    ASSERT_EQ(answer->size(), 1u) << what;
    Aggregate expected;
    for (const Reading& r : readings) {
      if ((!sensor || r.sensor_id == *sensor) && r.time >= from && r.time < to) expected.Add(r.value);
    }
    ExpectSame(answer->front(), expected, what);
    ExpectSame(reader.Query(SeriesQuery{sensor, {from, to}}).front(), expected, what + " (Query)");
  };

  // 1,000 readings in a minute's raw edge: past a budget of 256, within one of 2,000.
  TimeNs edge_from = day + 1, edge_to = day + 30 * kNanosPerSecond;
  EXPECT_FALSE(try_query("busy", edge_from, edge_to, 256).has_value());
  expect_exact(try_query("busy", edge_from, edge_to, 2000), "busy", edge_from, edge_to, "busy raw edge");
  // All sensors within that one second: a raw edge, one instant row per distinct time, 990 of them.
  TimeNs second_from = day + 5 * kNanosPerSecond + 1, second_to = day + 5 * kNanosPerSecond + 991'000'000;
  EXPECT_FALSE(try_query(std::nullopt, second_from, second_to, 256).has_value());
  expect_exact(try_query(std::nullopt, second_from, second_to, 2000), std::nullopt, second_from, second_to,
               "all raw edge");
  // Two and a half days of a sparse sensor: its minutes and hours are row-less runs, read a reading at a time.
  TimeNs calm_from = day + 7 * kNanosPerMinute + 3, calm_to = day + 60 * 61 * kNanosPerMinute - 11 * kNanosPerMinute;
  expect_exact(try_query("calm", calm_from, calm_to, 256), "calm", calm_from, calm_to, "calm");
  // Ten years of days, or a range open at one end: refused from the plan alone, without reading.
  EXPECT_FALSE(try_query("calm", day - 3650 * 24 * 60 * kNanosPerMinute, day + kNanosPerMinute, 256).has_value());
  EXPECT_FALSE(try_query("calm", kMinTime, day + kNanosPerMinute, 256).has_value());
  expect_exact(try_query("calm", kMinTime, kMaxTime, 256), "calm", kMinTime, kMaxTime, "whole series");
  // The store answers what its quick readers give up on from a reader thread, as exactly. (Its start checkpoints
  // the store, which waits for every snapshot held.)
  reader.ReleaseSnapshot();
  auto store = Open(dir.path());
  ExpectSame(StatsOf(*store, {"busy", edge_from, edge_to}), BruteForce(readings, "busy", edge_from, edge_to),
             "store, busy raw edge");
  ExpectSame(StatsOf(*store, {"calm", kMinTime, day + kNanosPerMinute}),
             BruteForce(readings, "calm", kMinTime, day + kNanosPerMinute), "store, open start");
}

// A snapshot older than a commit whose readings the uncommitted ones already dropped is never answered from: the
// reader takes newer ones and gives up (throws) while each is still older (here: a commit that never comes).
TEST(SqliteStatsReader, NeverAnswersFromASnapshotOlderThanTheUncommittedReadings) {
  testing::TempDir dir;
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", kNanosPerMinute, 1}});
  }
  const SeriesQuery query{"a", {0, kNanosPerHour}};
  UncommittedReadings ahead;
  ahead.DropThrough({std::numeric_limits<std::uint64_t>::max(), 0});  // as if far more were committed
  SqliteStatsReader stale(dir.path() + "/telemetry.db", &ahead);
  EXPECT_THROW(stale.Query(query), std::runtime_error);
  EXPECT_THROW(stale.TryQueryAt(1, query, 256), std::runtime_error);
  EXPECT_THROW(stale.Sensors({}), std::runtime_error);

  UncommittedReadings none;
  SqliteStatsReader current(dir.path() + "/telemetry.db", &none);
  EXPECT_EQ(current.Query(query).front().count, 1);
  EXPECT_EQ(current.TryQueryAt(1, query, 256)->front().count, 1);
  EXPECT_EQ(current.Sensors({}).size(), 1u);
}

// A quick read's snapshot is held for the next quick read only until the next commit: reads before and after each
// commit see every reading once, from the snapshot or from the uncommitted ones.
TEST(SqliteStore, AHeldSnapshotIsRenewedByTheNextCommit) {
  testing::TempDir dir;
  auto store = Open(dir.path(), std::chrono::hours(1));
  for (int written = 1; written <= 4; ++written) {
    WriteAll(*store, {{"a", written * kNanosPerMinute, double(written)}});
    for (int i = 0; i < 3; ++i) {
      if (i == 1) WaitForCommit(*store);
      Aggregate seen = StatsOf(*store, {"a", 0, 10 * kNanosPerMinute});
      EXPECT_EQ(seen.count, written) << "read " << i;
      EXPECT_EQ(seen.max, written) << "read " << i;
    }
  }
}

// A quick read's snapshot, held for the next one, is let go for a checkpoint: the checkpoint at closing completes
// and the segment it covered is deleted (held, the checkpoint would give up after its busy timeout and keep it).
TEST(SqliteStore, AHeldSnapshotDoesNotHoldUpACheckpoint) {
  testing::TempDir dir;
  auto segments = [&] {
    auto files = std::filesystem::directory_iterator(dir.path() + "/log");
    return std::distance(std::filesystem::begin(files), std::filesystem::end(files));
  };
  {
    auto store = Open(dir.path());
    WriteAll(*store, {{"a", kNanosPerMinute, 1}, {"b", kNanosPerMinute, 2}});
    WaitForCommit(*store);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(StatsOf(*store, {std::nullopt, 0, 2 * kNanosPerMinute}).count, 2);
    ASSERT_EQ(segments(), 1);
    store->Close();
    EXPECT_EQ(segments(), 1);  // the new one only
  }
  auto store = Open(dir.path());
  EXPECT_EQ(StatsOf(*store, {"a", 0, 2 * kNanosPerMinute}).count, 1);
}

// Statistics add the readings not committed yet to their snapshot: with commits an hour apart, every acknowledged
// reading is in every answer (one sensor, all sensors, a sensor SQLite does not know yet, a series; answered on the
// asking thread, and past QuickReaders::kMaxUncommittedReadings on a reader thread) while SQLite holds none of
// them, and the answers are the same once it does.
TEST(SqliteStore, StatisticsSeeUncommittedReadingsWithoutACommit) {
  testing::TempDir dir;
  auto store = Open(dir.path(), std::chrono::hours(1));
  std::vector<Reading> stored = {{"a", kNanosPerMinute, 1}, {"b", kNanosPerMinute + 5, 10}};
  WriteAll(*store, stored);
  WaitForCommit(*store);
  std::vector<Reading> later = {{"a", 2 * kNanosPerMinute, 3}, {"new", kNanosPerHour, -2}, {"b", 7, 0.5}};
  WriteAll(*store, later);
  stored.insert(stored.end(), later.begin(), later.end());
  std::vector<Reading> many;
  for (int i = 0; i < 10'000; ++i) many.push_back({"many", kNanosPerDay + i * kNanosPerSecond, double(i % 97)});

  struct Asked {
    std::string what;
    std::optional<std::string> sensor;
    TimeNs from, to;
  };
  std::vector<Asked> asked = {{"one sensor", "a", 0, kNanosPerDay},
                              {"all sensors", std::nullopt, 0, kNanosPerDay},
                              {"all sensors, a raw edge", std::nullopt, 6, kNanosPerMinute + 6},
                              {"a sensor SQLite does not know", "new", 0, kMaxTime},
                              {"a sensor nobody knows", "none", 0, kMaxTime},
                              {"a reader thread's", "many", kNanosPerDay + 1, 2 * kNanosPerDay}};
  auto expect_all_seen = [&](const std::string& when) {
    for (const Asked& ask : asked) {
      Aggregate expected;
      for (const Reading& r : stored) {
        if ((!ask.sensor || r.sensor_id == *ask.sensor) && r.time >= ask.from && r.time < ask.to) expected.Add(r.value);
      }
      ExpectSame(StatsOf(*store, {ask.sensor, ask.from, ask.to}), expected, ask.what + ", " + when);
    }
    std::vector<TimeNs> hours = {0, kNanosPerHour, 2 * kNanosPerHour};
    std::vector<Aggregate> series = SeriesOf(*store, "new", hours);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].count, 0) << when;
    EXPECT_EQ(series[1].count, 1) << when;
  };
  expect_all_seen("uncommitted");
  WriteAll(*store, many);
  stored.insert(stored.end(), many.begin(), many.end());
  expect_all_seen("many uncommitted");
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM readings"), 2) << "reads made no commit";
  WaitForCommit(*store);
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM readings"), static_cast<std::int64_t>(stored.size()));
  expect_all_seen("committed");
}

// The sensor list adds the uncommitted readings too: counts, first and last times and last values of sensors
// SQLite knows, sensors it does not know yet in their place in the order, pages that cut through both; the same
// once committed.
TEST(SqliteStore, TheSensorListSeesUncommittedReadingsWithoutACommit) {
  testing::TempDir dir;
  auto store = Open(dir.path(), std::chrono::hours(1));
  WriteAll(*store, {{"b", 50, 1}, {"d", 50, 2}});
  WaitForCommit(*store);
  // b: later and earlier readings; c: new, between b and d; d: untouched; a: new, first; 10,000 for "e" (new) fill
  // whole chunks of the uncommitted readings.
  WriteAll(*store, {{"b", 70, 3}, {"b", 10, 4}, {"c", 5, 5}, {"a", 99, 6}});
  std::vector<Reading> many;
  for (int i = 0; i < 10'000; ++i) many.push_back({"e", 1000 + i, double(i)});
  WriteAll(*store, many);
  auto expect_listed = [&](const std::string& when) {
    auto all = SensorsOf(*store, {});
    ASSERT_EQ(all.size(), 5u) << when;
    auto expect = [&](const SensorSummary& seen, const std::string& id, std::int64_t count, TimeNs first, TimeNs last,
                      double last_value) {
      EXPECT_EQ(seen.sensor_id, id) << when;
      EXPECT_EQ(seen.count, count) << id << ", " << when;
      EXPECT_EQ(seen.first, first) << id << ", " << when;
      EXPECT_EQ(seen.last, last) << id << ", " << when;
      EXPECT_EQ(seen.last_value, last_value) << id << ", " << when;
    };
    expect(all[0], "a", 1, 99, 99, 6);
    expect(all[1], "b", 3, 10, 70, 3);
    expect(all[2], "c", 1, 5, 5, 5);
    expect(all[3], "d", 1, 50, 50, 2);
    expect(all[4], "e", 10'000, 1000, 10'999, 9999);
    // Pages of two, after a name: the committed and the new ones in one order.
    auto page = SensorsOf(*store, {"a", 2});
    ASSERT_EQ(page.size(), 2u) << when;
    EXPECT_EQ(page[0].sensor_id, "b") << when;
    EXPECT_EQ(page[1].sensor_id, "c") << when;
    page = SensorsOf(*store, {"c", 2});
    ASSERT_EQ(page.size(), 2u) << when;
    EXPECT_EQ(page[0].sensor_id, "d") << when;
    EXPECT_EQ(page[1].sensor_id, "e") << when;
  };
  expect_listed("uncommitted");
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM readings"), 2) << "the lists made no commit";
  WaitForCommit(*store);
  EXPECT_EQ(CountRows(dir.path(), "SELECT count(*) FROM readings"), 10'006);
  expect_listed("committed");
}

// Past max_uncommitted_readings found new since the last commit, the writer commits without waiting for the
// interval (here an hour) or a read: readings held in memory until committed stay bounded.
TEST(SqliteStore, CommitsEarlyOnceManyReadingsAreUncommitted) {
  testing::TempDir dir;
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  options.commit_interval = std::chrono::hours(1);
  options.max_uncommitted_readings = 100;
  auto store = OpenSqliteStore(options);
  ASSERT_TRUE(store.ok()) << store.status().message();
  for (int round = 0; round < 5; ++round) {
    std::vector<Reading> readings;
    for (int i = 0; i < 50; ++i) readings.push_back({"s", (round * 50 + i + 1) * kNanosPerSecond, double(i)});
    WriteAll(**store, readings);
  }
  // Commits after the 2nd and the 4th round (100 readings each), none after the 5th: 200 rows, once the applier
  // has made the second commit.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::int64_t committed = 0;
  while ((committed = CountRows(dir.path(), "SELECT count(*) FROM readings")) < 200 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(committed, 200);
  EXPECT_EQ(StatsOf(**store, {"s", 0, kMaxTime}).count, 250);
}

// What CheckpointRounds saw of the data directory after each round.
struct CheckpointRoundsSeen {
  std::uintmax_t largest_wal = 0;
  std::size_t most_segments = 0;
  std::string first_segment, last_first_segment;  // the oldest log segment at the start, and at the end
};

// Writes kCheckpointRounds rounds of kCheckpointSensors readings, each round followed by a statistics read and a
// an export, and checks that the store holds them all exactly after a reopen. Commits come only with exports (a
// commit interval of an hour), so each round's export is a barrier: the applier has finished the previous round's
// commit, and the checkpoint after it, before it commits this round's.
constexpr int kCheckpointRounds = 300, kCheckpointSensors = 50;
CheckpointRoundsSeen CheckpointRounds(SqliteStoreOptions options) {
  options.commit_interval = std::chrono::hours(1);
  auto segments = [&] {
    std::vector<std::string> names;
    for (const auto& file : std::filesystem::directory_iterator(options.data_dir + "/log")) {
      names.push_back(file.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  };
  CheckpointRoundsSeen seen;
  {
    auto store = OpenSqliteStore(options);
    EXPECT_TRUE(store.ok()) << store.status().message();
    if (!store.ok()) return seen;
    seen.first_segment = segments().front();
    for (int round = 0; round < kCheckpointRounds; ++round) {
      std::vector<Reading> readings;
      for (int sensor = 0; sensor < kCheckpointSensors; ++sensor) {
        readings.push_back({"s" + std::to_string(sensor), (round + 1) * kNanosPerSecond, double(round)});
      }
      WriteAll(**store, readings);
      EXPECT_EQ(StatsOf(**store, {std::nullopt, 0, kMaxTime}).count, (round + 1) * kCheckpointSensors);
      WaitForCommit(**store);
      std::error_code error;
      std::uintmax_t wal = std::filesystem::file_size(options.data_dir + "/telemetry.db-wal", error);
      seen.largest_wal = std::max(seen.largest_wal, error ? 0 : wal);
      seen.most_segments = std::max(seen.most_segments, segments().size());
    }
    seen.last_first_segment = segments().front();
  }
  auto store = OpenSqliteStore(options);
  EXPECT_TRUE(store.ok()) << store.status().message();
  if (!store.ok()) return seen;
  Aggregate total = StatsOf(**store);
  EXPECT_EQ(total.count, kCheckpointRounds * kCheckpointSensors);
  EXPECT_EQ(total.Sum(), kCheckpointSensors * (kCheckpointRounds - 1) * kCheckpointRounds / 2.0);
  Aggregate one = StatsOf(**store, {"s7", 100 * kNanosPerSecond, 200 * kNanosPerSecond});
  EXPECT_EQ(one.count, 100);
  EXPECT_EQ(one.min, 99);
  EXPECT_EQ(one.max, 198);
  return seen;
}

// The applier checkpoints once the WAL passes its limit (it grows many times faster than the log), while the
// writer goes on: the WAL stays near the limit, and nothing is lost on the way.
TEST(SqliteStore, CheckpointsKeepTheWalNearItsLimit) {
  testing::TempDir dir;
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  options.checkpoint_wal_bytes = 256 << 10;
  CheckpointRoundsSeen seen = CheckpointRounds(options);
  EXPECT_LT(seen.largest_wal, 4 * options.checkpoint_wal_bytes);
}

// A finished log segment is deleted at the applier's next commit and checkpoint, however small the WAL.
TEST(SqliteStore, FinishedLogSegmentsAreDeletedOnceCheckpointed) {
  testing::TempDir dir;
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  options.log_segment_bytes = 16 << 10;  // ~450 records: a new segment every ~9 rounds
  CheckpointRoundsSeen seen = CheckpointRounds(options);
  // The previous round's segment and this one's, and a third if a round began two.
  EXPECT_LE(seen.most_segments, 3u);
  EXPECT_GT(seen.last_first_segment, seen.first_segment);
}

// The aggregate of the `readings` in [from, to), of one sensor or (empty) all.
Aggregate AggregateOf(const std::vector<Reading>& readings, TimeNs from, TimeNs to = kMaxTime,
                      const std::string& sensor = "") {
  Aggregate aggregate;
  for (const Reading& reading : readings) {
    if (reading.time >= from && reading.time < to && (sensor.empty() || reading.sensor_id == sensor)) {
      aggregate.Add(reading.value);
    }
  }
  return aggregate;
}

void ExpectSameAggregate(const Aggregate& got, const Aggregate& want, const std::string& what) {
  EXPECT_EQ(got.count, want.count) << what;
  if (got.count == 0 || want.count == 0) return;
  EXPECT_DOUBLE_EQ(got.Sum(), want.Sum()) << what;
  EXPECT_EQ(got.min, want.min) << what;
  EXPECT_EQ(got.max, want.max) << what;
}

TEST(SqliteStore, RetentionDeletesWholeDaysAtStartAndAtMidnightAndRefusesOlderReadings) {
  testing::TempDir dir;
  const TimeNs day0 = 1'633'305'600 * kNanosPerSecond;  // 2021-10-04T00:00:00Z
  auto at = [&](int day, int minute, int second = 0) {
    return day0 + day * kNanosPerDay + minute * kNanosPerMinute + second * kNanosPerSecond;
  };
  // "gone" reports on days 0-2 only; "kept" on days 0-10, with its extremes on the days that go; "late" on days
  // 8-10. Several readings share minutes and hours, so that every rollup level has rows.
  std::vector<Reading> written;
  for (int day = 0; day <= 10; ++day) {
    for (int i = 0; i < 6; ++i) {
      int minute = 60 * (i % 3) + i;  // minutes 0, 61, 122, 3, 64, 125: hours 0-2, two readings each
      double extreme = day == 1 && i == 0 ? -40 : day == 2 && i == 5 ? 90 : 0;
      written.push_back({"kept", at(day, minute, i), 10 + day + i * 0.25 + extreme});
      if (day <= 2) written.push_back({"gone", at(day, minute), 100.0 + day * 10 + i});
      if (day >= 8) written.push_back({"late", at(day, minute), -1.0 * day - i});
    }
  }
  {
    auto store = Open(dir.path());  // kept forever
    WriteAll(*store, written);
  }

  std::atomic<TimeNs> now{at(10, 5 * 60)};  // day 10, 05:00: three days kept, the cutoff at day 7's start
  SqliteStoreOptions options;
  options.data_dir = dir.path();
  options.retention.days = 3;
  options.clock = [&] { return now.load(); };
  options.retention_slice = std::chrono::milliseconds(0);  // one sensor, or one day of all sensors, per slice
  // The writer deletes a slice at a time between rounds and says when it is done.
  std::mutex expired_mu;
  std::condition_variable expired_cv;
  TimeNs expired_before = kMinTime;
  std::int64_t deleted = 0;
  options.on_expired = [&](TimeNs cutoff, std::int64_t readings) {
    std::lock_guard lock(expired_mu);
    expired_before = cutoff;
    deleted += readings;
    expired_cv.notify_all();
  };
  auto deleted_before = [&](TimeNs cutoff) {
    std::unique_lock lock(expired_mu);
    EXPECT_TRUE(expired_cv.wait_for(lock, std::chrono::seconds(30), [&] { return expired_before == cutoff; }))
        << "the deletion did not end";
    return deleted;
  };
  {
    auto opened = OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    Store& store = **opened;
    // The writer deletes at start once the store is open; older readings are refused from its first round on,
    // whoever the sensor; from the cutoff on they are stored.
    EXPECT_EQ(WriteAll(store, {{"kept", at(6, 1439, 59), 1}, {"kept", at(7, 0, 30), 25}, {"new", at(5, 0), 3}}),
              (std::vector<WriteOutcome>{WriteOutcome::kExpired, WriteOutcome::kStored, WriteOutcome::kExpired}));
    written.push_back({"kept", at(7, 0, 30), 25});
    EXPECT_EQ(deleted_before(at(7, 0)), 7 * 6 + 3 * 6) << "days 0-6 of \"kept\", days 0-2 of \"gone\"";
    // Every statistic is that of the readings from day 7 on.
    ExpectSameAggregate(StatsOf(store), AggregateOf(written, at(7, 0)), "all sensors");
    ExpectSameAggregate(StatsOf(store, {"kept"}), AggregateOf(written, at(7, 0), kMaxTime, "kept"), "kept");
    EXPECT_EQ(StatsOf(store, {"kept"}).min, 17) << "the extremes of the deleted days went with them";
    EXPECT_EQ(StatsOf(store, {"gone"}).count, 0);
    ExpectSameAggregate(StatsOf(store, {std::nullopt, kMinTime, at(9, 0)}), AggregateOf(written, at(7, 0), at(9, 0)),
                        "a range open at its start");
    std::vector<SensorSummary> sensors = SensorsOf(store, {});
    ASSERT_EQ(sensors.size(), 2u);
    EXPECT_EQ(sensors[0].sensor_id, "kept");
    EXPECT_EQ(sensors[0].first, at(7, 0));
    EXPECT_EQ(sensors[1].sensor_id, "late");

    // A sensor whose readings all went is new when it reports again, and listed before any commit.
    EXPECT_EQ(WriteAll(store, {{"gone", at(9, 30), 55}}), (std::vector<WriteOutcome>{WriteOutcome::kStored}));
    written.push_back({"gone", at(9, 30), 55});
    sensors = SensorsOf(store, {});
    ASSERT_EQ(sensors.size(), 3u);
    EXPECT_EQ(sensors[0].sensor_id, "gone");
    EXPECT_EQ(sensors[0].count, 1);
    EXPECT_EQ(sensors[0].first, at(9, 30));

    // Midnight passes: the next round begins deleting day 7 and is decided by the new cutoff.
    now = at(11, 0, 1);
    EXPECT_EQ(WriteAll(store, {{"late", at(11, 0), 7}, {"kept", at(7, 600), 7}}),
              (std::vector<WriteOutcome>{WriteOutcome::kStored, WriteOutcome::kExpired}));
    written.push_back({"late", at(11, 0), 7});
    EXPECT_EQ(deleted_before(at(8, 0)), 60 + 7) << "day 7 of \"kept\", with the reading written at its start";
    ExpectSameAggregate(StatsOf(store), AggregateOf(written, at(8, 0)), "all sensors after midnight");
    for (const std::string sensor : {"kept", "late", "gone"}) {
      ExpectSameAggregate(StatsOf(store, {sensor}), AggregateOf(written, at(8, 0), kMaxTime, sensor), sensor);
      ExpectSameAggregate(StatsOf(store, {sensor, at(8, 0) + 1, at(10, 62)}),
                          AggregateOf(written, at(8, 0) + 1, at(10, 62), sensor), sensor + " with raw edges");
    }
  }
  StatusOr<StoreVerification> verified = VerifySqliteStore(dir.path());
  ASSERT_TRUE(verified.ok()) << verified.status().message();
  EXPECT_EQ(verified->problems, 0) << (verified->described.empty() ? "" : verified->described.front());
  EXPECT_EQ(verified->readings, AggregateOf(written, at(8, 0)).count);
  EXPECT_EQ(verified->sensors, 3);

  // Reopened without a retention, nothing comes back.
  auto store = Open(dir.path());
  ExpectSameAggregate(StatsOf(*store), AggregateOf(written, at(8, 0)), "after a reopen");
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
