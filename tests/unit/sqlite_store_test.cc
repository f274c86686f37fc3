#include "storage/sqlite_store.h"

#include <gtest/gtest.h>

#include <future>

#include "storage/readings_log.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

constexpr TimeNs kMinute = 60 * kNanosPerSecond;

std::unique_ptr<Store> Open(const std::string& dir) {
  SqliteStoreOptions options;
  options.data_dir = dir;
  auto store = OpenSqliteStore(options);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<WriteOutcome> WriteAll(Store& store, std::vector<Reading> readings) {
  std::promise<std::vector<WriteOutcome>> done;
  store.Write(std::move(readings), [&](Status status, std::vector<WriteOutcome> outcomes) {
    EXPECT_TRUE(status.ok()) << status.message();
    done.set_value(std::move(outcomes));
  });
  return done.get_future().get();
}

Aggregate StatsOf(Store& store, StatsQuery query = {}) {
  std::promise<Aggregate> done;
  store.Stats(std::move(query), [&](StatusOr<Aggregate> stats) {
    EXPECT_TRUE(stats.ok()) << stats.status().message();
    done.set_value(stats.ok() ? *stats : Aggregate{});
  });
  return done.get_future().get();
}

TEST(SqliteStore, StoresDetectsDuplicatesAndConflicts) {
  testing::TempDir dir;
  auto store = Open(dir.path());
  EXPECT_EQ(WriteAll(*store, {{"a", 1, 10}, {"b", 1, 20}, {"a", 1, 10}, {"a", 1, 11}}),
            (std::vector<WriteOutcome>{WriteOutcome::kStored, WriteOutcome::kStored, WriteOutcome::kDuplicate,
                                       WriteOutcome::kConflict}));
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 2);
  EXPECT_EQ(total.Sum(), 30);
  EXPECT_EQ(StatsOf(*store, {"a", kMinTime, kMaxTime}).max, 10);  // the first value kept
}

TEST(SqliteStore, AnswersRangesFromRollupsAndRawEdges) {
  testing::TempDir dir;
  auto store = Open(dir.path());
  std::vector<Reading> readings;
  for (int i = 0; i < 600; ++i) readings.push_back({i % 2 ? "odd" : "even", i * 7 * kNanosPerSecond + 3, double(i)});
  WriteAll(*store, readings);
  for (auto [from, to] : {std::pair<TimeNs, TimeNs>{0, 10 * kMinute}, {5, 61 * kMinute + 5}, {kMinute, 2 * kMinute},
                          {kMinTime, 30 * kMinute}, {17 * kNanosPerSecond, kMaxTime}}) {
    for (std::optional<std::string> sensor : {std::optional<std::string>(), std::optional<std::string>("odd")}) {
      Aggregate expected;
      for (const Reading& r : readings) {
        if (r.time >= from && r.time < to && (!sensor || r.sensor_id == *sensor)) expected.Add(r.value);
      }
      Aggregate actual = StatsOf(*store, {sensor, from, to});
      EXPECT_EQ(actual.count, expected.count) << from << ".." << to;
      EXPECT_EQ(actual.Sum(), expected.Sum());
      if (expected.count) {
        EXPECT_EQ(actual.min, expected.min);
        EXPECT_EQ(actual.max, expected.max);
      }
    }
  }
  EXPECT_EQ(StatsOf(*store, {"nobody", kMinTime, kMaxTime}).count, 0);
}

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

TEST(SqliteStore, FailsWritesAfterClose) {
  testing::TempDir dir;
  auto store = Open(dir.path());
  store->Close();
  Status status;
  store->Write({{"a", 1, 1}}, [&](Status s, std::vector<WriteOutcome>) { status = s; });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace telemetry
