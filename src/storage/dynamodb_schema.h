// The DynamoDB store's table: key layout and the start-up check (docs/dynamodb.md).
#pragma once

#include <string>
#include <string_view>

#include "aws/dynamodb_client.h"
#include "core/status.h"
#include "core/time.h"

namespace telemetry {

// The table's key attributes: partition key "pk" and sort key "sk", both strings.
inline constexpr std::string_view kPartitionKey = "pk";
inline constexpr std::string_view kSortKey = "sk";

// A time as a sort key: time + 2^63 in 20 decimal digits, so that string order is time order across the whole
// range ("00000000000000000000" is kMinTime).
std::string EncodeSortTime(TimeNs time);
// The inverse; kInvalidArgument for anything EncodeSortTime does not produce.
StatusOr<TimeNs> DecodeSortTime(std::string_view text);

// An item's primary key.
struct ItemKey {
  std::string pk;
  std::string sk;
  friend auto operator<=>(const ItemKey&, const ItemKey&) = default;
};

// Series names in bucket keys: "*" for all sensors, "=<id>" for one sensor, so that no sensor id names the former.
inline constexpr std::string_view kAllSensorsSeries = "*";
std::string SensorSeries(std::string_view sensor_id);
// The partition listing every sensor (sort key: the sensor id), for /api/v1/sensors.
inline constexpr std::string_view kSensorListPartition = "SENSORS";

// A reading: partition "R#<sensor>", sorted by time.
ItemKey ReadingKey(const std::string& sensor, TimeNs time);
// A reading's twin, for the raw edges of all-sensor ranges: partition "T#<its second>#<shard>" (the writes of a
// busy second spread over shards), sort key "<time>#<sensor>".
ItemKey ReadingByTimeKey(const std::string& sensor, TimeNs time, int shard);
// The partition of one shard of a series' buckets of one level: "A#<level>#<shard>#<series>", the series last
// since a sensor id may contain '#'.
std::string BucketPartition(int level, int shard, std::string_view series);
// A bucket item: sorted by the bucket's start within its partition.
ItemKey BucketKey(int level, int shard, std::string_view series, TimeNs bucket);
// Whether a key from BucketKey is of the all-sensors series. REQUIRES: a key from BucketKey.
bool IsAllSensorsBucket(const ItemKey& key);

// Checks that `table` exists with the key schema above. When it is missing and `create` is set, creates it
// (on-demand billing) and waits until it is active. Otherwise a missing or mis-shaped table, or a request DynamoDB
// refuses (a bad name, no permission), is kInvalidArgument with a message naming what is wrong; DynamoDB being
// unreachable or throttling is kUnavailable.
// Blocking: for start-up.
Status EnsureDynamoDbTable(aws::DynamoDbClient& client, const std::string& table, bool create);

}  // namespace telemetry
