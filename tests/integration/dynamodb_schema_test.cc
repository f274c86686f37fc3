// The DynamoDB store's table check against DynamoDB Local.
#include "storage/dynamodb_schema.h"

#include <gtest/gtest.h>

#include <future>

#include "aws/curl_transport.h"
#include "dynamodb_local.h"

namespace telemetry {
namespace {

class DynamoDbSchemaTest : public ::testing::Test {
 protected:
  aws::DynamoDbClientOptions Options() {
    aws::DynamoDbClientOptions options;
    options.endpoint = testing::SharedDynamoDbLocal().endpoint();
    return options;
  }
  aws::CurlTransport transport_;
  aws::StaticCredentialsProvider credentials_{aws::Credentials{"AKIDLOCAL", "local-secret", ""}};
  aws::DynamoDbClient client_{transport_, credentials_, Options()};
};

TEST_F(DynamoDbSchemaTest, AMissingTableIsAClearErrorUnlessAskedToCreateIt) {
  Status missing = EnsureDynamoDbTable(client_, "telemetry_missing", false);
  EXPECT_EQ(missing.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.message().find("telemetry_missing does not exist"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("--create-table"), std::string::npos);

  EXPECT_TRUE(EnsureDynamoDbTable(client_, "telemetry_created", true).ok());
  EXPECT_TRUE(EnsureDynamoDbTable(client_, "telemetry_created", false).ok());  // now it is there
}

TEST_F(DynamoDbSchemaTest, AMisShapedTableIsRefusedNamingTheProblem) {
  std::promise<aws::DynamoDbResponse> created;
  client_.Call("CreateTable",
               R"({"TableName":"telemetry_wrong","BillingMode":"PAY_PER_REQUEST",)"
               R"("AttributeDefinitions":[{"AttributeName":"time","AttributeType":"S"}],)"
               R"("KeySchema":[{"AttributeName":"time","KeyType":"HASH"}]})",
               [&](aws::DynamoDbResponse r) { created.set_value(std::move(r)); });
  ASSERT_TRUE(created.get_future().get().ok());
  Status wrong = EnsureDynamoDbTable(client_, "telemetry_wrong", true);
  EXPECT_EQ(wrong.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.message().find("(time, )"), std::string::npos) << wrong.message();
}

TEST_F(DynamoDbSchemaTest, ATableNameDynamoDbRefusesIsAConfigurationError) {
  Status refused = EnsureDynamoDbTable(client_, "t1", true);  // names have at least 3 characters
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.message().find("ValidationException"), std::string::npos) << refused.message();
}

TEST(DynamoDbUnreachable, IsUnavailableNotInvalid) {
  aws::CurlTransport transport;
  aws::StaticCredentialsProvider credentials{aws::Credentials{"AKID", "secret", ""}};
  aws::DynamoDbClientOptions options;
  options.endpoint = "http://127.0.0.1:1";  // nothing listens on loopback port 1
  options.max_attempts = 2;
  options.base_backoff = std::chrono::milliseconds(1);
  aws::DynamoDbClient client(transport, credentials, options);
  EXPECT_EQ(EnsureDynamoDbTable(client, "telemetry", false).code(), StatusCode::kUnavailable);
}

TEST(SortTime, PreservesOrderAcrossTheWholeRange) {
  std::vector<TimeNs> times{kMinTime, -1'000'000'000, -1, 0, 1, 1'633'338'000'000'000'000, kMaxTime};
  for (std::size_t i = 0; i + 1 < times.size(); ++i) {
    EXPECT_LT(EncodeSortTime(times[i]), EncodeSortTime(times[i + 1]));
    EXPECT_EQ(*DecodeSortTime(EncodeSortTime(times[i])), times[i]);
  }
  EXPECT_EQ(EncodeSortTime(kMinTime), "00000000000000000000");
  EXPECT_FALSE(DecodeSortTime("12x").ok());
}

// Sensor ids are any string of up to 128 bytes, '#' and '*' included: no sensor's keys may land in another's
// partition or in the all-sensors series'.
TEST(ItemKeys, NoSensorIdReachesAnotherSeriesPartition) {
  const TimeNs bucket = 1'633'338'000 * kNanosPerSecond;
  EXPECT_TRUE(IsAllSensorsBucket(BucketKey(2, 3, kAllSensorsSeries, bucket)));
  for (std::string sensor : {"*", "a", "a#1", "#", "=", "1#2#*"}) {
    ItemKey key = BucketKey(2, 3, SensorSeries(sensor), bucket);
    EXPECT_FALSE(IsAllSensorsBucket(key)) << sensor;
    EXPECT_EQ(key.pk, "A#2#3#=" + sensor);
    EXPECT_NE(key.pk, BucketKey(2, 3, kAllSensorsSeries, bucket).pk) << sensor;
  }
  EXPECT_NE(BucketPartition(1, 0, SensorSeries("a#1")), BucketPartition(1, 0, SensorSeries("a")));
  EXPECT_NE(ReadingKey("a#1", 0).pk, ReadingKey("a", 0).pk);
}

// A sensor's readings sort by time in their partition; their twins share a partition per second and shard, sorted
// by time, then sensor.
TEST(ItemKeys, ReadingsSortByTimeAndTheirTwinsGroupBySecond) {
  const TimeNs second = 1'633'338'000 * kNanosPerSecond;
  EXPECT_EQ(ReadingKey("s", second).pk, ReadingKey("s", second + 1).pk);
  EXPECT_LT(ReadingKey("s", second - 1).sk, ReadingKey("s", second).sk);
  ItemKey early = ReadingByTimeKey("b", second + 1, 0), late = ReadingByTimeKey("a", second + kNanosPerSecond - 1, 0);
  EXPECT_EQ(early.pk, late.pk);
  EXPECT_LT(early.sk, late.sk);
  EXPECT_NE(ReadingByTimeKey("a", second, 0).pk, ReadingByTimeKey("a", second, 1).pk);
  EXPECT_NE(ReadingByTimeKey("a", second, 0).pk, ReadingByTimeKey("a", second + kNanosPerSecond, 0).pk);
}

}  // namespace
}  // namespace telemetry
