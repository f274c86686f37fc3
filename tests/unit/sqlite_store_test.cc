// What only the embedded store does: reopening a data directory and replaying its log. The Store contract itself is
// tested against both stores in tests/integration/store_contract_test.cc.
#include "storage/sqlite_store.h"

#include <gtest/gtest.h>

#include <future>

#include "storage/readings_log.h"
#include "store_calls.h"
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

}  // namespace
}  // namespace telemetry
