// The Store contract, run against both implementations: the embedded SQLite store (real files) and the DynamoDB
// store (AWS's DynamoDB Local). Whatever one promises, the other keeps.
#include <gtest/gtest.h>

#include <future>
#include <random>
#include <thread>
#include <tuple>

#include "api/extreme_reading.h"
#include "aws/curl_transport.h"
#include "dynamodb_local.h"
#include "fault_injecting_transport.h"
#include "storage/dynamodb_schema.h"
#include "storage/dynamodb_store.h"
#include "storage/sqlite_store.h"
#include "store_calls.h"
#include "temp_dir.h"

namespace telemetry {
namespace {

using testing::StatsOf;
using testing::WriteAll;

// Opens stores of one kind; every Open() of one backend instance sees the same data.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Store> Open() = 0;
};

class SqliteBackend final : public Backend {
 public:
  std::unique_ptr<Store> Open() override {
    SqliteStoreOptions options;
    options.data_dir = dir_.path();
    return std::move(OpenSqliteStore(options)).value();
  }

 private:
  testing::TempDir dir_;
};

class DynamoDbBackend final : public Backend {
 public:
  DynamoDbBackend() {
    table_ = testing::UniqueTableName("contract");
    options_.endpoint = testing::SharedDynamoDbLocal().endpoint();
    options_.base_backoff = std::chrono::milliseconds(1);
    options_.max_backoff = std::chrono::milliseconds(20);
    client_ = std::make_unique<aws::DynamoDbClient>(faults_, credentials_, options_);
    Status ready = EnsureDynamoDbTable(*client_, table_, true);
    EXPECT_TRUE(ready.ok()) << ready.message();
  }
  std::unique_ptr<Store> Open() override {
    DynamoDbStoreOptions options;
    options.table = table_;
    options.all_sensor_shards = 4;
    return OpenDynamoDbStore(*client_, options);
  }
  testing::FaultInjectingTransport& faults() { return faults_; }

 private:
  aws::CurlTransport curl_;
  testing::FaultInjectingTransport faults_{curl_};
  aws::StaticCredentialsProvider credentials_{aws::Credentials{"AKIDLOCAL", "local-secret", ""}};
  aws::DynamoDbClientOptions options_;
  std::string table_;
  std::unique_ptr<aws::DynamoDbClient> client_;
};

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreContractTest() {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      backend_ = std::make_unique<DynamoDbBackend>();
    }
  }
  std::unique_ptr<Backend> backend_;
};

TEST_P(StoreContractTest, StoresDetectsDuplicatesAndConflicts) {
  auto store = backend_->Open();
  EXPECT_EQ(WriteAll(*store, {{"a", 1, 10}, {"b", 1, 20}, {"a", 1, 10}, {"a", 1, 11}}),
            (std::vector<WriteOutcome>{WriteOutcome::kStored, WriteOutcome::kStored, WriteOutcome::kDuplicate,
                                       WriteOutcome::kConflict}));
  EXPECT_EQ(WriteAll(*store, {{"a", 1, 12.5}}), (std::vector<WriteOutcome>{WriteOutcome::kConflict}));
  EXPECT_EQ(WriteAll(*store, {{"b", 1, 20}}), (std::vector<WriteOutcome>{WriteOutcome::kDuplicate}));
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 2);
  EXPECT_EQ(total.Sum(), 30);
  EXPECT_EQ(StatsOf(*store, {"a", kMinTime, kMaxTime}).max, 10);  // the first value kept
  EXPECT_EQ(StatsOf(*store, {"nobody", kMinTime, kMaxTime}).count, 0);
}

TEST_P(StoreContractTest, AnswersAnyRangeExactly) {
  auto store = backend_->Open();
  std::vector<Reading> readings;
  for (int i = 0; i < 300; ++i) {
    readings.push_back({i % 3 ? "odd" : "even", i * 37 * kNanosPerSecond / 3 + 7, double(i % 50) - 12.5});
  }
  for (std::size_t start = 0; start < readings.size(); start += 40) {
    WriteAll(*store, std::vector<Reading>(readings.begin() + start,
                                          readings.begin() + std::min(readings.size(), start + 40)));
  }
  std::mt19937_64 random(3);
  std::uniform_int_distribution<TimeNs> when(-kNanosPerMinute, 65 * kNanosPerMinute);
  for (int q = 0; q < 40; ++q) {
    TimeNs a = when(random), b = when(random);
    StatsQuery query{q % 2 ? std::optional<std::string>("odd") : std::nullopt, std::min(a, b), std::max(a, b)};
    if (q == 0) query = {};
    Aggregate expected;
    for (const Reading& r : readings) {
      if (r.time >= query.from && r.time < query.to && (!query.sensor_id || r.sensor_id == *query.sensor_id)) {
        expected.Add(r.value);
      }
    }
    Aggregate actual = StatsOf(*store, query);
    ASSERT_EQ(actual.count, expected.count) << query.from << ".." << query.to;
    EXPECT_DOUBLE_EQ(actual.Sum(), expected.Sum());
    if (expected.count) {
      EXPECT_EQ(actual.min, expected.min);
      EXPECT_EQ(actual.max, expected.max);
    }
  }
}

// The reading behind a range's max() or min() (api/extreme_reading.h), found through the store's rollups and then
// its readings: the earliest holding the value, then the first sensor by id, against a brute force. Half the
// searches cut spans down to three readings, so that they go down through every size of span to single instants,
// where sensors share a time; the other half read the whole range, every sensor's readings in one page. The values
// repeat, so most extremes are held by several readings.
TEST_P(StoreContractTest, FindsTheReadingHoldingARangesMaxOrMin) {
  auto store = backend_->Open();
  std::vector<Reading> readings;
  for (int i = 0; i < 240; ++i) {
    TimeNs time = (i / 2) * 7 * kNanosPerMinute / 3 + (i / 2 % 5) * 1000;  // a and b in pairs at one instant
    readings.push_back({i % 2 ? "b" : "a", time, double((i * 7) % 11) - 5});
  }
  // Two more sensors at one instant, both holding the maximum: the first by id is the one.
  TimeNs shared = readings[100].time;
  readings.push_back({"c", shared, 5});
  readings.push_back({"0", shared, 5});
  WriteAll(*store, readings);
  std::mt19937_64 random(11);
  std::uniform_int_distribution<TimeNs> when(-kNanosPerMinute, 5 * kNanosPerHour);
  for (int q = 0; q < 50; ++q) {
    api::ExtremeQuery query;
    query.greatest = q % 2 == 0;
    query.read_below = q % 4 < 2 ? 3 : 1000;
    if (q >= 2 && q < 4) std::tie(query.from, query.to) = std::pair(shared, shared + 1);
    if (q >= 4) {
      TimeNs a = when(random), b = when(random);
      std::tie(query.from, query.to) = std::minmax(a, b);
      if (q % 3 == 1) query.sensor_id = "b";
    }
    std::optional<Reading> expected;
    for (const Reading& r : readings) {
      if (r.time < query.from || r.time >= query.to || (query.sensor_id && r.sensor_id != *query.sensor_id)) {
        continue;
      }
      query.total.Add(r.value);
      bool better = !expected || (query.greatest ? r.value > expected->value : r.value < expected->value);
      bool as_good_and_earlier =
          expected && r.value == expected->value &&
          (r.time != expected->time ? r.time < expected->time : r.sensor_id < expected->sensor_id);
      if (better || as_good_and_earlier) expected = r;
    }
    if (!expected) continue;
    std::promise<StatusOr<std::optional<Reading>>> answer;
    api::FindExtremeReading(*store, query, [&](StatusOr<std::optional<Reading>> found) { answer.set_value(found); });
    StatusOr<std::optional<Reading>> found = answer.get_future().get();
    ASSERT_TRUE(found.ok()) << found.status().message();
    ASSERT_TRUE(found->has_value()) << "query " << q;
    EXPECT_EQ((*found)->sensor_id, expected->sensor_id) << "query " << q;
    EXPECT_EQ((*found)->time, expected->time) << "query " << q;
    EXPECT_EQ((*found)->value, expected->value) << "query " << q;
  }
}

TEST_P(StoreContractTest, KeepsValuesAtTheBoundsOfTheAcceptedRange) {
  // Readings of the largest and smallest accepted magnitudes, and sums of many of them: finite in a double, and
  // within DynamoDB's number range (an item with 1e-200 or 1e200 in it is refused there).
  auto store = backend_->Open();
  std::vector<Reading> readings;
  for (int i = 0; i < 200; ++i) {
    double value = i % 4 == 0   ? kMaxValueMagnitude
                   : i % 4 == 1 ? -kMinValueMagnitude
                   : i % 4 == 2 ? kMinValueMagnitude
                                : 0.0;
    readings.push_back({i % 2 ? "tiny" : "huge", i * kNanosPerSecond, value});
  }
  readings.push_back({"huge", 1000 * kNanosPerSecond, -kMaxValueMagnitude});
  EXPECT_EQ(WriteAll(*store, readings), std::vector<WriteOutcome>(readings.size(), WriteOutcome::kStored));
  Aggregate huge = StatsOf(*store, {"huge", kMinTime, kMaxTime});
  EXPECT_EQ(huge.count, 101);
  EXPECT_DOUBLE_EQ(huge.Sum(), 49 * kMaxValueMagnitude + 50 * 1e-100);
  EXPECT_EQ(huge.min, -kMaxValueMagnitude);
  EXPECT_EQ(huge.max, kMaxValueMagnitude);
  Aggregate tiny = StatsOf(*store, {"tiny", kMinTime, kMaxTime});
  EXPECT_EQ(tiny.count, 100);
  EXPECT_DOUBLE_EQ(tiny.Sum(), -50 * kMinValueMagnitude);
  EXPECT_EQ(tiny.min, -kMinValueMagnitude);
  EXPECT_EQ(tiny.max, 0.0);
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 201);
  EXPECT_DOUBLE_EQ(total.Sum(), 49 * kMaxValueMagnitude);
  // A range that takes the readings at the edges raw and the rest from rollups.
  Aggregate some = StatsOf(*store, {"huge", 2 * kNanosPerSecond + 1, 150 * kNanosPerSecond});
  EXPECT_EQ(some.count, 73);
  EXPECT_DOUBLE_EQ(some.Sum(), 37 * kMaxValueMagnitude);
}

TEST_P(StoreContractTest, ConcurrentWritersKeepEveryAggregateExact) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "one SQLite store per data directory: a single writer by design";
  // Two store instances on one table, as two telemetryd processes would be; some readings go to both.
  auto first = backend_->Open();
  auto second = backend_->Open();
  constexpr int kPerWriter = 120;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      Store& store = w % 2 ? *second : *first;
      for (int i = 0; i < kPerWriter; i += 6) {
        std::vector<Reading> batch;
        for (int j = i; j < i + 6; ++j) {
          // Writers 0/1 and 2/3 send the same readings: every reading is sent twice, to different instances.
          batch.push_back(
              {"s" + std::to_string(j % 5), (w / 2) * kNanosPerMinute * 100 + j * kNanosPerSecond, double(j)});
        }
        WriteAll(store, batch);
      }
    });
  }
  for (auto& writer : writers) writer.join();
  Aggregate total = StatsOf(*first);
  EXPECT_EQ(total.count, 2 * kPerWriter);
  EXPECT_EQ(total.Sum(), 2.0 * (kPerWriter * (kPerWriter - 1) / 2));
  EXPECT_EQ(total.min, 0);
  EXPECT_EQ(total.max, kPerWriter - 1);
  EXPECT_EQ(StatsOf(*second).count, 2 * kPerWriter);
}

TEST_P(StoreContractTest, LostAnswersAndThrottlingNeitherLoseNorDoubleCount) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "faults between telemetryd and DynamoDB only";
  auto* dynamodb = static_cast<DynamoDbBackend*>(backend_.get());
  auto store = backend_->Open();
  using Fault = testing::FaultInjectingTransport::Fault;
  for (int i = 0; i < 30; ++i) {
    // Every third call: its answer is lost after DynamoDB applied it, or DynamoDB throttles, or fails with 500.
    dynamodb->faults().Script({i % 3 == 0 ? Fault::kLoseAnswer : i % 3 == 1 ? Fault::kThrottle : Fault::kServerError});
    auto outcome = WriteAll(*store, {{"f", i * kNanosPerSecond, double(i)}});
    EXPECT_EQ(outcome, (std::vector<WriteOutcome>{WriteOutcome::kStored})) << i;
  }
  Aggregate total = StatsOf(*store);
  EXPECT_EQ(total.count, 30);
  EXPECT_EQ(total.Sum(), 435);
}

TEST_P(StoreContractTest, FailsWritesAfterClose) {
  auto store = backend_->Open();
  store->Close();
  Status status;
  store->Write({{"a", 1, 1}}, [&](Status s, std::vector<WriteOutcome>) { status = s; });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, ::testing::Values("sqlite", "dynamodb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace telemetry
